package io.kafkabinlog.schemas.codec;

import static io.kafkabinlog.schemas.codec.Hex.b;
import static io.kafkabinlog.schemas.codec.Hex.h;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.schemas.tableinfo.FieldType;
import io.kafkabinlog.schemas.tableinfo.MysqlFlag;
import io.kafkabinlog.schemas.tableinfo.MysqlType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The byte-exact vectors of section 8 of the facts (tidb-row-encoding.md). */
class DatumVectorsTest {

  private static void assertBoth(Datum d, String hex) {
    assertThat(h(DatumCodec.encodeValue(d))).isEqualTo(hex.replace(" ", ""));
    assertThat(DatumCodec.decodeOne(b(hex))).isEqualTo(d);
  }

  private static void assertKey(Datum d, String hex) {
    assertThat(h(DatumCodec.encodeKey(d))).isEqualTo(hex.replace(" ", ""));
    assertThat(DatumCodec.decodeOne(b(hex))).isEqualTo(d);
  }

  @ParameterizedTest
  @CsvSource({
    "0, 08 00, 03 80 00 00 00 00 00 00 00",
    "1, 08 02, 03 80 00 00 00 00 00 00 01",
    "-1, 08 01, 03 7F FF FF FF FF FF FF FF",
    "63, 08 7E, 03 80 00 00 00 00 00 00 3F",
    "64, 08 80 01,",
    "-64, 08 7F,",
    "-65, 08 81 01,",
    "127, 08 FE 01,",
    "128, 08 80 02,",
    "300, 08 D8 04, 03 80 00 00 00 00 00 01 2C",
    "-300, 08 D7 04, 03 7F FF FF FF FF FF FE D4",
    "9999, 08 9E 9C 01, 03 80 00 00 00 00 00 27 0F",
    "9223372036854775807, 08 FE FF FF FF FF FF FF FF FF 01, 03 FF FF FF FF FF FF FF FF",
    "-9223372036854775808, 08 FF FF FF FF FF FF FF FF FF 01, 03 00 00 00 00 00 00 00 00",
  })
  void signedIntegers(long v, String value, String key) {
    assertBoth(new Datum.Int(v), value);
    if (key != null) {
      assertKey(new Datum.Int(v), key);
    }
    FieldType bigint = FieldType.of(MysqlType.LONGLONG, 0, 20, 0, "binary");
    assertThat(ValueCodec.decode(b(value), bigint)).isEqualTo(v);
    assertThat(h(ValueCodec.encode(v, bigint))).isEqualTo(value.replace(" ", ""));
  }

  @ParameterizedTest
  @CsvSource({
    "0, 09 00, 04 00 00 00 00 00 00 00 00",
    "127, 09 7F,",
    "128, 09 80 01,",
    "300, 09 AC 02, 04 00 00 00 00 00 00 01 2C",
    "18446744073709551615, 09 FF FF FF FF FF FF FF FF FF 01, 04 FF FF FF FF FF FF FF FF",
  })
  void unsignedIntegers(String v, String value, String key) {
    long bits = Long.parseUnsignedLong(v);
    assertBoth(new Datum.Uint(bits), value);
    if (key != null) {
      assertKey(new Datum.Uint(bits), key);
    }
    FieldType ubig = FieldType.of(MysqlType.LONGLONG, MysqlFlag.UNSIGNED, 20, 0, "binary");
    assertThat(ValueCodec.decode(b(value), ubig)).isEqualTo(new BigInteger(v));
    assertThat(h(ValueCodec.encode(new BigInteger(v), ubig))).isEqualTo(value.replace(" ", ""));
  }

  @ParameterizedTest
  @CsvSource({
    "'', 02 00, 01 00 00 00 00 00 00 00 00 F7",
    "a, 02 02 61, 01 61 00 00 00 00 00 00 00 F8",
    "abc, 02 06 61 62 63, 01 61 62 63 00 00 00 00 00 FA",
    "abcdefgh, 02 10 6162636465666768, 01 6162636465666768 FF 00 00 00 00 00 00 00 00 F7",
    "abcdefghi, 02 12 616263646566676869, 01 6162636465666768 FF 69 00 00 00 00 00 00 00 F8",
  })
  void strings(String s, String value, String key) {
    Datum d = new Datum.Bytes(s.getBytes(StandardCharsets.UTF_8));
    assertBoth(d, value);
    assertKey(d, key);
    FieldType varchar = FieldType.of(MysqlType.VARCHAR, 0, 20, 0, "utf8mb4");
    assertThat(ValueCodec.decode(b(value), varchar)).isEqualTo(s);
  }

  @Test
  void memcomparableExamplesFromTidb() {
    assertThat(h(DatumCodec.encodeKey(new Datum.Bytes(new byte[] {1, 2, 3}))))
        .isEqualTo("01010203" + "0000000000FA");
    assertThat(h(DatumCodec.encodeKey(new Datum.Bytes(new byte[] {1, 2, 3, 0}))))
        .isEqualTo("0101020300" + "00000000FB");
    assertThat(h(DatumCodec.encodeKey(new Datum.Bytes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))))
        .isEqualTo("01" + "0102030405060708FF" + "0000000000000000F7");
  }

  @ParameterizedTest
  @CsvSource({
    "0.0, 05 80 00 00 00 00 00 00 00",
    "1.0, 05 BF F0 00 00 00 00 00 00",
    "-1.0, 05 40 0F FF FF FF FF FF FF",
    "1.5, 05 BF F8 00 00 00 00 00 00",
    "3.14, 05 C0 09 1E B8 51 EB 85 1F",
    "-2.5, 05 3F FB FF FF FF FF FF FF",
    "-0.0, 05 7F FF FF FF FF FF FF FF",
  })
  void floats(double f, String hex) {
    assertBoth(new Datum.Float64(f), hex);
  }

  @Test
  void negativeZeroOldForm() {
    // Old TiDB / client-java wrote -0.0 as +0.0; both decode to a zero.
    Datum d = DatumCodec.decodeOne(b("05 80 00 00 00 00 00 00 00"));
    assertThat(((Datum.Float64) d).value()).isZero();
  }

  @ParameterizedTest
  @CsvSource({
    "1234567890.1234, 14, 4, 06 0E 04 81 0D FB 38 D2 04 D2",
    "-1234567890.1234, 14, 4, 06 0E 04 7E F2 04 C7 2D FB 2D",
    "12.34, 10, 2, 06 0A 02 80 00 00 0C 22",
    "-12.34, 10, 2, 06 0A 02 7F FF FF F3 DD",
    "0, 10, 0, 06 0A 00 80 00 00 00 00",
    "1, 1, 0, 06 01 00 81",
    "0.5, 3, 1, 06 03 01 80 05",
    "123.456, 9, 3, 06 09 03 80 00 7B 01 C8",
    "-0.01, 5, 2, 06 05 02 7F FF FE",
  })
  void decimals(String v, int prec, int frac, String hex) {
    BigDecimal bd = new BigDecimal(v);
    assertBoth(new Datum.Decimal(bd, prec, frac), hex);
    FieldType dec = FieldType.of(MysqlType.NEWDECIMAL, 0, prec, frac, "binary");
    assertThat((BigDecimal) ValueCodec.decode(b(hex), dec)).isEqualByComparingTo(bd);
    assertThat(((BigDecimal) ValueCodec.decode(b(hex), dec)).scale()).isEqualTo(frac);
    assertThat(h(ValueCodec.encode(bd, dec))).isEqualTo(hex.replace(" ", ""));
  }

  @Test
  void datetime() {
    FieldType dt = FieldType.of(MysqlType.DATETIME, 0, 19, 0, "binary");
    LocalDateTime t = LocalDateTime.of(2019, 1, 2, 3, 4, 5);
    assertThat(MysqlTime.of(t).toPacked()).isEqualTo(0x19A2043105000000L);
    assertThat(h(ValueCodec.encode(t, dt))).isEqualTo("09808080A8908681D119");
    assertThat(ValueCodec.decode(b("09 80 80 80 A8 90 86 81 D1 19"), dt)).isEqualTo(t);
    assertKey(new Datum.Uint(0x19A2043105000000L), "04 19 A2 04 31 05 00 00 00");
    assertThat(ValueCodec.decode(b("04 19 A2 04 31 05 00 00 00"), dt)).isEqualTo(t);
    assertThat(MysqlTime.of(t.plusNanos(6000)).toPacked()).isEqualTo(0x19A2043105000006L);
    assertThat(MysqlTime.fromPacked(0x19A2043105000006L, 0).toLocalDateTime())
        .isEqualTo(t.plusNanos(6000));
  }

  @Test
  void date() {
    FieldType date = FieldType.of(MysqlType.DATE, 0, 10, 0, "binary");
    LocalDate d = LocalDate.of(2019, 1, 2);
    assertThat(MysqlTime.of(d).toPacked()).isEqualTo(0x19A2040000000000L);
    assertThat(h(ValueCodec.encode(d, date))).isEqualTo("09808080808080" + "81D119");
    assertThat(ValueCodec.decode(b("09 80 80 80 80 80 80 81 D1 19"), date)).isEqualTo(d);
  }

  @Test
  void zeroDate() {
    FieldType dt = FieldType.of(MysqlType.DATETIME, 0, 19, 0, "binary");
    assertThat(ValueCodec.decode(b("09 00"), dt)).isEqualTo(MysqlTime.ZERO);
    assertThat(MysqlTime.ZERO.toString()).isEqualTo("0000-00-00 00:00:00");
    assertThat(h(ValueCodec.encode(MysqlTime.ZERO, dt))).isEqualTo("0900");
  }

  @Test
  void time() {
    FieldType time = FieldType.of(MysqlType.DURATION, 0, 10, 0, "binary");
    Duration d = Duration.ofHours(1).plusMinutes(2).plusSeconds(3);
    assertThat(d.toNanos()).isEqualTo(3_723_000_000_000L);
    assertThat(h(ValueCodec.encode(d, time))).isEqualTo("0880B8BDC1DAD801");
    assertThat(ValueCodec.decode(b("08 80 B8 BD C1 DA D8 01"), time)).isEqualTo(d);
    assertThat(h(DatumCodec.encodeValue(ValueCodec.toHandleDatum(d, time))))
        .isEqualTo("07800003" + "62D417AE00");
    assertThat(ValueCodec.decode(b("07 80 00 03 62 D4 17 AE 00"), time)).isEqualTo(d);
  }

  @Test
  void enumSetBitYear() {
    FieldType en = FieldType.withElems(MysqlType.ENUM, 0, List.of("e0", "e1", "e2"));
    assertThat(ValueCodec.decode(b("09 02"), en)).isEqualTo(new MysqlEnum(2, "e1"));
    assertThat(h(ValueCodec.encode(new MysqlEnum(2, "e1"), en))).isEqualTo("0902");
    FieldType set = FieldType.withElems(MysqlType.SET, 0, List.of("e0", "e1", "e2"));
    assertThat(ValueCodec.decode(b("09 05"), set)).isEqualTo(new MysqlSet(5, List.of("e0", "e2")));
    assertThat(h(ValueCodec.encode(new MysqlSet(5, List.of("e0", "e2")), set))).isEqualTo("0905");
    // Element names, as ENUM accepts them: "e0,e2" in any case and order, "" for the empty set.
    assertThat(h(ValueCodec.encode("e2,E0", set))).isEqualTo("0905");
    assertThat(h(ValueCodec.encode("", set))).isEqualTo("0900");
    assertThat(h(ValueCodec.encode("e1", en))).isEqualTo("0902");
    assertThatThrownBy(() -> ValueCodec.encode("e0,nope", set))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("unknown SET element nope");
    FieldType bit = FieldType.of(MysqlType.BIT, MysqlFlag.UNSIGNED, 8, 0, "binary");
    MysqlBit bv = (MysqlBit) ValueCodec.decode(b("09 41"), bit);
    assertThat(bv.value()).isEqualTo(0x41);
    assertThat(bv.toBytes()).containsExactly(0x41);
    assertThat(h(ValueCodec.encode(new byte[] {0x41}, bit))).isEqualTo("0941");
    FieldType year =
        FieldType.of(MysqlType.YEAR, MysqlFlag.UNSIGNED | MysqlFlag.ZEROFILL, 4, 0, "binary");
    FieldType signedYear = FieldType.of(MysqlType.YEAR, 0, 4, 0, "binary");
    assertThat(ValueCodec.decode(b("08 D0 1F"), signedYear)).isEqualTo(2024L);
    assertThat(h(ValueCodec.encode(2024L, signedYear))).isEqualTo("08D01F");
    assertThat(year.isUnsigned()).isTrue();
  }

  @Test
  void json() {
    String hex =
        "0A 01 01 00 00 00 1C 00 00 00 13 00 00 00 01 00 09 14 00 00 00 61"
            + " 01 00 00 00 00 00 00 00";
    FieldType json = FieldType.of(MysqlType.JSON, 0, -1, 0, "binary");
    assertThat(ValueCodec.decode(b(hex), json)).isEqualTo("{\"a\": 1}");
    assertThat(h(ValueCodec.encode("{\"a\":1}", json))).isEqualTo(hex.replace(" ", ""));
  }

  @Test
  void newerJsonTypesDecodeToStrings() {
    long packed = 0x19A2040000000000L;
    byte[] date = new byte[8];
    for (int i = 0; i < 8; i++) {
      date[i] = (byte) (packed >>> (8 * i));
    }
    assertThat(JsonBinary.toText(JsonBinary.DATE, date)).isEqualTo("\"2019-01-02\"");
    assertThat(JsonBinary.toText(JsonBinary.OPAQUE, b("0F 03 61 62 63")))
        .isEqualTo("\"base64:type15:YWJj\"");
    assertThat(DatumCodec.decodeOne(b("0A 0D 0F 03 61 62 63")))
        .isEqualTo(new Datum.Json(JsonBinary.OPAQUE, b("0F 03 61 62 63")));
  }

  @Test
  void timestampZoneConversion() {
    LocalDateTime utc = LocalDateTime.of(2019, 1, 2, 3, 4, 5);
    assertThat(ValueCodec.timestampInZone(utc, java.time.ZoneOffset.ofHours(8)))
        .isEqualTo(LocalDateTime.of(2019, 1, 2, 11, 4, 5));
    assertThat(ValueCodec.timestampInZone(MysqlTime.ZERO, java.time.ZoneOffset.ofHours(8)))
        .isEqualTo(MysqlTime.ZERO);
  }

  @Test
  void bitWiderThanColumnIsRejected() {
    FieldType bit = FieldType.of(MysqlType.BIT, MysqlFlag.UNSIGNED, 4, 0, "binary");
    assertThatThrownBy(() -> ValueCodec.decode(b("09 10"), bit))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("wider than BIT(4)");
  }

  @Test
  void uintFlagNeedsEightBytes() {
    // TiDB's one literal codec test: CutOne([04 00 00 00]) fails.
    assertThatThrownBy(() -> DatumCodec.decodeOne(b("04 00 00 00")))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("offset");
  }
}
