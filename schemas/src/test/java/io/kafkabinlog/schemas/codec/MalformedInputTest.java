package io.kafkabinlog.schemas.codec;

import static io.kafkabinlog.schemas.codec.Hex.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.schemas.tableinfo.FieldType;
import io.kafkabinlog.schemas.tableinfo.MysqlFlag;
import io.kafkabinlog.schemas.tableinfo.MysqlType;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every malformed input raises CodecException naming the offset. */
class MalformedInputTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "'' ; truncated byte ; 0",
        "08 ; truncated varint ; 1",
        "08 80 80 ; truncated varint ; 1",
        "09 FF FF FF FF FF FF FF FF FF 02 ; overflows ; 1",
        "09 FF FF FF FF FF FF FF FF FF FF 01 ; overflows ; 1",
        "03 00 00 ; truncated 8-byte ; 1",
        "05 00 ; truncated 8-byte ; 1",
        "07 80 00 ; truncated 8-byte ; 1",
        "0B ; invalid encoded datum flag 0xb ; 0",
        "FF ; invalid encoded datum flag 0xff ; 0",
        "14 00 ; unsupported datum flag ; 0",
        "02 ; truncated varint ; 1",
        "02 06 61 ; past the end ; 1",
        "02 01 ; past the end ; 1",
        "02 FE FF FF FF 0F ; past the end ; 1",
        "01 61 00 00 ; truncated memcomparable ; 1",
        "01 61 00 00 00 00 00 00 00 F0 ; invalid memcomparable marker ; 9",
        "01 61 00 00 00 00 00 00 01 F8 ; non-zero memcomparable padding ; 8",
        "06 ; truncated byte ; 1",
        "06 00 00 80 ; invalid decimal precision 0 ; 1",
        "06 42 00 80 ; invalid decimal precision 66 ; 1",
        "06 05 06 80 ; invalid decimal frac 6 ; 1",
        "06 3C 1F 80 ; invalid decimal frac 31 ; 1",
        "06 0A 02 80 00 00 ; truncated decimal body ; 3",
        "06 01 00 8A ; invalid decimal digit group ; 3",
        "06 09 00 BB 9A CA 00 ; invalid decimal digit group ; 3",
        "0A ; truncated byte ; 1",
        "0A 02 00 ; invalid json type code 0x2 ; 1",
        "0A 01 01 00 00 ; truncated json container header ; 2",
        "0A 01 01 00 00 00 FF 00 00 00 ; json container size 255 out of range ; 2",
        "0A 0C 05 61 ; json string length 5 past the end ; 2",
        "0A 09 01 02 ; truncated json value ; 2",
        "0A 11 00 ; truncated json value ; 2",
      })
  void malformedDatums(String hex, String message, int offset) {
    assertThatThrownBy(() -> DatumCodec.decodeOne(b(hex)))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining(message)
        .hasMessageContaining("offset")
        .satisfies(e -> assertThat(((CodecException) e).offset()).isEqualTo(offset));
  }

  @Test
  void trailingBytes() {
    assertThatThrownBy(() -> DatumCodec.decodeOne(b("08 02 00")))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("offset 2");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        // object claiming 1000 elements in a 28-byte value
        "01 E8 03 00 00 1C 00 00 00 13 00 00 00 01 00 09 14 00 00 00 61 01 00 00 00 00 00 00 00"
            + " ; too large",
        // key offset past the object
        "01 01 00 00 00 1C 00 00 00 F3 00 00 00 01 00 09 14 00 00 00 61 01 00 00 00 00 00 00 00"
            + " ; key past the end",
        // value offset past the object
        "01 01 00 00 00 1C 00 00 00 13 00 00 00 01 00 09 F4 00 00 00 61 01 00 00 00 00 00 00 00"
            + " ; past its container",
        // nested type code 0x07 is invalid
        "01 01 00 00 00 1C 00 00 00 13 00 00 00 01 00 07 14 00 00 00 61 01 00 00 00 00 00 00 00"
            + " ; invalid json type code",
        // literal 0x05 is invalid
        "03 01 00 00 00 0D 00 00 00 04 05 00 00 00 ; invalid json literal",
        // array whose element points at itself: depth limit, no stack overflow
        "03 01 00 00 00 0D 00 00 00 03 00 00 00 00 ; more data than it holds",
        // invalid UTF-8 in a string
        "0C 02 C3 28 ; not valid UTF-8",
      })
  void malformedJson(String hex, String message) {
    byte[] all = b(hex);
    byte[] value = java.util.Arrays.copyOfRange(all, 1, all.length);
    assertThatThrownBy(() -> JsonBinary.toText(all[0] & 0xFF, value))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining(message)
        .hasMessageContaining("offset");
  }

  @Test
  void typedMismatchesAndRanges() {
    FieldType tiny = FieldType.of(MysqlType.TINY, 0, 4, 0, "binary");
    FieldType utiny = FieldType.of(MysqlType.TINY, MysqlFlag.UNSIGNED, 4, 0, "binary");
    FieldType bigint = FieldType.of(MysqlType.LONGLONG, 0, 20, 0, "binary");
    FieldType utf8 = FieldType.of(MysqlType.VARCHAR, 0, 20, 0, "utf8mb4");
    FieldType dt = FieldType.of(MysqlType.DATETIME, 0, 19, 0, "binary");
    FieldType date = FieldType.of(MysqlType.DATE, 0, 10, 0, "binary");
    FieldType en = FieldType.withElems(MysqlType.ENUM, 0, List.of("a"));
    FieldType set = FieldType.withElems(MysqlType.SET, 0, List.of("a"));
    assertCodec(() -> ValueCodec.decode(b("02 02 61"), tiny), "does not fit column type");
    assertCodec(() -> ValueCodec.decode(b("08 01"), utiny), "unsigned column");
    assertCodec(
        () -> ValueCodec.decode(b("09 FF FF FF FF FF FF FF FF FF 01"), bigint),
        "does not fit a signed column");
    assertCodec(() -> ValueCodec.decode(b("02 04 C3 28"), utf8), "not valid utf8mb4");
    // hour 24
    assertCodec(
        () -> ValueCodec.decode(DatumCodec.encodeValue(new Datum.Uint(24L << 36)), dt),
        "invalid packed time");
    assertCodec(() -> ValueCodec.decode(b("09 FF FF FF FF FF FF FF FF FF 01"), dt), "top bit");
    assertCodec(
        () -> ValueCodec.decode(DatumCodec.encodeValue(new Datum.Uint(0x19A2043105000000L)), date),
        "DATE value with a time part");
    assertCodec(() -> ValueCodec.decode(b("09 02"), en), "ENUM index 2 out of range");
    assertCodec(() -> ValueCodec.decode(b("09 02"), set), "SET bit 1 out of range");
    assertCodec(
        () -> ValueCodec.decode(b("08 02"), FieldType.of(MysqlType.TIDB_VECTOR, 0, 0, 0, "")),
        "unsupported column type");
  }

  private static void assertCodec(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
    assertThatThrownBy(call)
        .isInstanceOf(CodecException.class)
        .hasMessageContaining(message)
        .hasMessageContaining("offset");
  }
}
