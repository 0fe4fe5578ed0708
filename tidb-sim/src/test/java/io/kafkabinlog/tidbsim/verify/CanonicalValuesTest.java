package io.kafkabinlog.tidbsim.verify;

import static io.kafkabinlog.tidbsim.TableFixtures.bytes;
import static io.kafkabinlog.tidbsim.TableFixtures.elems;
import static io.kafkabinlog.tidbsim.TableFixtures.text;
import static io.kafkabinlog.tidbsim.TableFixtures.type;
import static io.kafkabinlog.tidbsim.verify.CanonicalValues.ofExpected;
import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.schemas.codec.MysqlBit;
import io.kafkabinlog.schemas.codec.MysqlEnum;
import io.kafkabinlog.schemas.codec.MysqlSet;
import io.kafkabinlog.schemas.codec.MysqlTime;
import io.kafkabinlog.schemas.tableinfo.FieldType;
import io.kafkabinlog.schemas.tableinfo.MysqlFlag;
import io.kafkabinlog.schemas.tableinfo.MysqlType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class CanonicalValuesTest {

  @Test
  void shouldRenderIntegersAlikeFromEveryJavaType() {
    FieldType bigint = type(MysqlType.LONGLONG, 0, 20, 0);
    FieldType unsigned = type(MysqlType.LONGLONG, MysqlFlag.UNSIGNED, 20, 0);
    assertThat(ofExpected(-5L, bigint)).isEqualTo("-5");
    assertThat(ofExpected(-5, bigint)).isEqualTo("-5");
    assertThat(ofExpected("-5", bigint)).isEqualTo("-5");
    assertThat(ofExpected(new BigInteger("18446744073709551615"), unsigned))
        .isEqualTo("18446744073709551615");
    assertThat(ofExpected("18446744073709551615", unsigned)).isEqualTo("18446744073709551615");
    assertThat(ofExpected(true, type(MysqlType.TINY, 0, 1, 0))).isEqualTo("1");
    assertThat(ofExpected(2024L, type(MysqlType.YEAR, 0, 4, 0))).isEqualTo("2024");
    assertThat(ofExpected(null, bigint)).isNull();
  }

  @Test
  void shouldRenderDecimalsWithTheColumnScale() {
    FieldType dec = type(MysqlType.NEWDECIMAL, 0, 10, 2);
    assertThat(ofExpected(new BigDecimal("12.3"), dec)).isEqualTo("12.30");
    assertThat(ofExpected(new BigDecimal("12.300"), dec)).isEqualTo("12.30");
    assertThat(ofExpected("-0.00", dec)).isEqualTo("0.00");
    assertThat(ofExpected(new BigDecimal("1E+3"), dec)).isEqualTo("1000.00");
  }

  @Test
  void shouldCompareFloatsByTheDoubleOfTheFloat() {
    FieldType f = type(MysqlType.FLOAT, 0, 12, -1);
    FieldType d = type(MysqlType.DOUBLE, 0, 22, -1);
    assertThat(ofExpected(3.1415927f, f)).isEqualTo(Double.toString((double) 3.1415927f));
    assertThat(ofExpected(3.1415927d, f)).isEqualTo(ofExpected(3.1415927f, f));
    assertThat(ofExpected(-0.0f, f)).isEqualTo("0.0");
    assertThat(ofExpected(0.1d, d)).isEqualTo("0.1");
    assertThat(ofExpected("0.1", d)).isEqualTo("0.1");
  }

  @Test
  void shouldRenderTimesWithTheColumnFsp() {
    FieldType dt3 = type(MysqlType.DATETIME, 0, 23, 3);
    FieldType ts0 = type(MysqlType.TIMESTAMP, 0, 19, 0);
    FieldType date = type(MysqlType.DATE, 0, 10, 0);
    FieldType time2 = type(MysqlType.DURATION, 0, 11, 2);
    LocalDateTime t = LocalDateTime.of(2019, 1, 2, 3, 4, 5, 120_000_000);
    assertThat(ofExpected(t, dt3)).isEqualTo("2019-01-02 03:04:05.120");
    assertThat(ofExpected("2019-01-02 03:04:05.12", dt3)).isEqualTo("2019-01-02 03:04:05.120");
    assertThat(ofExpected("2019-01-02 03:04:05.120000", dt3)).isEqualTo("2019-01-02 03:04:05.120");
    assertThat(ofExpected(t.withNano(0), ts0)).isEqualTo("2019-01-02 03:04:05");
    assertThat(ofExpected(MysqlTime.ZERO, ts0)).isEqualTo("0000-00-00 00:00:00");
    assertThat(ofExpected(LocalDate.of(2024, 2, 29), date)).isEqualTo("2024-02-29");
    assertThat(ofExpected("2024-02-29", date)).isEqualTo("2024-02-29");
    assertThat(ofExpected(Duration.ofHours(-838).minusMinutes(59).minusSeconds(59), time2))
        .isEqualTo("-838:59:59.00");
    assertThat(ofExpected("-838:59:59", time2)).isEqualTo("-838:59:59.00");
    assertThat(ofExpected(Duration.ofMillis(3_723_450), time2)).isEqualTo("01:02:03.45");
  }

  @Test
  void shouldRenderStringsAndBytes() {
    FieldType ch = text(MysqlType.STRING, 0, 10);
    FieldType vc = text(MysqlType.VARCHAR, 0, 10);
    FieldType bin4 = bytes(MysqlType.STRING, 0, 4);
    FieldType blob = bytes(MysqlType.BLOB, 0, 65535);
    assertThat(ofExpected("ab  ", ch)).isEqualTo("ab");
    assertThat(ofExpected("ab  ", vc)).isEqualTo("ab  ");
    assertThat(ofExpected(new byte[] {1, 2}, bin4)).isEqualTo("0x01020000");
    assertThat(ofExpected(new byte[] {(byte) 0xAB}, blob)).isEqualTo("0xab");
    assertThat(ofExpected(new byte[1000], blob)).startsWith("len=1000 sha256=");
    assertThat(ofExpected("x".repeat(2000), vc))
        .isEqualTo(
            ofExpected("x".repeat(2000).getBytes(java.nio.charset.StandardCharsets.UTF_8), vc))
        .startsWith("len=2000 sha256=");
  }

  @Test
  void shouldNormaliseJsonKeyOrderAndNumbers() {
    FieldType json = type(MysqlType.JSON, MysqlFlag.BINARY, -1, 0);
    assertThat(ofExpected("{\"b\": [1, 2.50], \"a\": {\"y\": null, \"x\": \"s\"}}", json))
        .isEqualTo("{\"a\":{\"x\":\"s\",\"y\":null},\"b\":[1,2.5]}");
    assertThat(ofExpected("{\"a\":1.0}", json)).isEqualTo(ofExpected("{ \"a\" : 1 }", json));
    assertThat(ofExpected("not json", json)).isEqualTo("invalid-json:not json");
  }

  @Test
  void shouldRenderEnumSetAndBitByName() {
    FieldType e = elems(MysqlType.ENUM, 0, "x", "y", "z");
    FieldType s = elems(MysqlType.SET, 0, "a", "b", "c");
    FieldType bit = type(MysqlType.BIT, MysqlFlag.UNSIGNED, 12, 0);
    assertThat(ofExpected("y", e)).isEqualTo("y");
    assertThat(ofExpected(new MysqlEnum(3, "z"), e)).isEqualTo("z");
    assertThat(ofExpected(2L, e)).isEqualTo("y");
    assertThat(ofExpected("c,a", s)).isEqualTo("a,c");
    assertThat(ofExpected(new MysqlSet(5, List.of("a", "c")), s)).isEqualTo("a,c");
    assertThat(ofExpected(5L, s)).isEqualTo("a,c");
    assertThat(ofExpected("", s)).isEmpty();
    assertThat(ofExpected(new MysqlBit(0x801, 12), bit)).isEqualTo("2049");
    assertThat(ofExpected(new byte[] {0x08, 0x01}, bit)).isEqualTo("2049");
    assertThat(ofExpected(2049L, bit)).isEqualTo("2049");
  }

  @Test
  void shouldShowLongValuesShortened() {
    assertThat(CanonicalValues.display(null)).isEqualTo("NULL");
    assertThat(CanonicalValues.display("it's")).isEqualTo("'it''s'");
    assertThat(CanonicalValues.display("x".repeat(100))).hasSize(80).endsWith("...'");
  }
}
