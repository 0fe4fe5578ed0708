package io.kafkabinlog.schemas.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkabinlog.schemas.tableinfo.FieldType;
import io.kafkabinlog.schemas.tableinfo.MysqlType;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Round-trip properties over random values of every column type (fixed seeds). */
class RoundTripTest {
  private static final int CASES = 3000;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  static Stream<FieldType> columnTypes() {
    return RandomValues.columnTypes().stream();
  }

  @ParameterizedTest
  @MethodSource("columnTypes")
  void typedValuesRoundTrip(FieldType ft) throws Exception {
    long seed = 0x5EED0000L + ft.tp() * 131L + ft.flag() * 7L + ft.flen();
    RandomValues gen = new RandomValues(new Random(seed));
    for (int i = 0; i < CASES; i++) {
      Object v = gen.valueFor(ft);
      String ctx = "seed=" + seed + " case=" + i + " type=" + ft + " value=" + v;
      byte[] enc = ValueCodec.encode(v, ft);
      Object back = ValueCodec.decode(enc, ft);
      if (ft.tp() == MysqlType.JSON && v != null) {
        // Text form may differ in spacing; compare the parsed trees and the binary re-encoding.
        JsonNode a = MAPPER.readTree((String) v);
        JsonNode b = MAPPER.readTree((String) back);
        assertThat(b).as(ctx).isEqualTo(a);
      } else {
        assertThat(back).as(ctx).isEqualTo(v);
      }
      byte[] again = ValueCodec.encode(back, ft);
      assertThat(HexFormat.of().formatHex(again)).as(ctx).isEqualTo(HexFormat.of().formatHex(enc));
      // The raw datum also survives the comparable (key) form, except JSON's key form is the same.
      Datum d = DatumCodec.decodeOne(enc);
      assertThat(DatumCodec.decodeOne(DatumCodec.encodeKey(d))).as(ctx).isEqualTo(d);
    }
  }

  @Test
  void nullRoundTripsForEveryType() {
    for (FieldType ft : RandomValues.columnTypes()) {
      assertThat(ValueCodec.encode(null, ft)).containsExactly(0);
      assertThat(ValueCodec.decode(new byte[] {0}, ft)).isNull();
    }
  }

  @Test
  void rawDatumsRoundTrip() {
    Random rnd = new Random(42);
    RandomValues gen = new RandomValues(rnd);
    for (int i = 0; i < 20000; i++) {
      Datum d =
          switch (rnd.nextInt(9)) {
            case 0 -> Datum.NULL;
            case 1 -> new Datum.Int(rnd.nextLong() >> rnd.nextInt(64));
            case 2 -> new Datum.Uint(rnd.nextLong() >>> rnd.nextInt(64));
            case 3 -> new Datum.Float64(gen.randomDouble());
            case 4 -> new Datum.Bytes(gen.randomBytes());
            case 5 -> {
              int prec = 1 + rnd.nextInt(65);
              int frac = rnd.nextInt(Math.min(prec, 30) + 1);
              yield new Datum.Decimal(gen.randomDecimal(prec, frac), prec, frac);
            }
            case 6 -> new Datum.Duration(rnd.nextLong());
            case 7 -> JsonBinary.fromNode(gen.randomJson(0));
            default -> Datum.MAX;
          };
      String ctx = "seed=42 case=" + i + " datum=" + d;
      assertThat(DatumCodec.decodeOne(DatumCodec.encodeValue(d))).as(ctx).isEqualTo(d);
      assertThat(DatumCodec.decodeOne(DatumCodec.encodeKey(d))).as(ctx).isEqualTo(d);
    }
  }

  @Test
  void jsonEdgeCases() {
    for (String text :
        List.of(
            "{}",
            "[]",
            "null",
            "true",
            "\"\"",
            "{\"a\": {\"b\": [1, 2.5, \"x\", null, true, false, {}, []]}}",
            "18446744073709551615",
            "-9223372036854775808",
            "1e300",
            "[\"😀\", \"\\u0000\"]",
            "{\"b\": 1, \"a\": 2, \"aa\": 3, \"\": 4}")) {
      Datum.Json j = JsonBinary.fromText(text);
      String out = JsonBinary.toText(j.typeCode(), j.value());
      assertThat(JsonBinary.fromText(out)).as(text + " -> " + out).isEqualTo(j);
    }
    Datum.Json o = JsonBinary.fromText("{\"b\": 1, \"a\": 2}");
    assertThat(JsonBinary.toText(o.typeCode(), o.value())).isEqualTo("{\"a\": 2, \"b\": 1}");
    Datum.Json u = JsonBinary.fromText("18446744073709551615");
    assertThat(u.typeCode()).isEqualTo(JsonBinary.UINT64);
    assertThat(JsonBinary.toText(u.typeCode(), u.value())).isEqualTo("18446744073709551615");
    Datum.Json big = JsonBinary.fromText("184467440737095516150");
    assertThat(big.typeCode()).isEqualTo(JsonBinary.FLOAT64);
    assertThat(JsonBinary.formatFloat(1e-7)).isEqualTo("1e-7");
    assertThat(JsonBinary.formatFloat(1.5e300)).isEqualTo("1.5e+300");
    assertThat(JsonBinary.formatFloat(2.0)).isEqualTo("2.0");
  }
}
