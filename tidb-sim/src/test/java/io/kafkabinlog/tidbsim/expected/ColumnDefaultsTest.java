package io.kafkabinlog.tidbsim.expected;

import static io.kafkabinlog.tidbsim.TableFixtures.bytes;
import static io.kafkabinlog.tidbsim.TableFixtures.elems;
import static io.kafkabinlog.tidbsim.TableFixtures.text;
import static io.kafkabinlog.tidbsim.TableFixtures.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.kafkabinlog.schemas.codec.MysqlBit;
import io.kafkabinlog.schemas.codec.MysqlTime;
import io.kafkabinlog.schemas.tableinfo.CIStr;
import io.kafkabinlog.schemas.tableinfo.ColumnInfo;
import io.kafkabinlog.schemas.tableinfo.FieldType;
import io.kafkabinlog.schemas.tableinfo.MysqlFlag;
import io.kafkabinlog.schemas.tableinfo.MysqlType;
import io.kafkabinlog.schemas.tableinfo.SchemaState;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class ColumnDefaultsTest {

  private static ColumnInfo column(final FieldType ft, final String origin, final String bit) {
    return new ColumnInfo(
        1,
        CIStr.of("c"),
        0,
        origin == null ? null : JsonNodeFactory.instance.textNode(origin),
        bit,
        null,
        null,
        null,
        "",
        false,
        ft,
        SchemaState.PUBLIC,
        null,
        null,
        2);
  }

  @Test
  void shouldParseOriginDefaultsAsTypedValues() {
    assertThat(ColumnDefaults.originDefault(column(type(MysqlType.LONG, 0, 11, 0), "-7", null)))
        .isEqualTo(-7L);
    assertThat(
            ColumnDefaults.originDefault(
                column(
                    type(MysqlType.LONGLONG, MysqlFlag.UNSIGNED, 20, 0),
                    "18446744073709551615",
                    null)))
        .isEqualTo(new BigInteger("18446744073709551615"));
    assertThat(
            ColumnDefaults.originDefault(column(type(MysqlType.NEWDECIMAL, 0, 10, 3), "1.5", null)))
        .isEqualTo(new BigDecimal("1.500"));
    assertThat(
            ColumnDefaults.originDefault(
                column(type(MysqlType.DATE, 0, 10, 0), "2024-02-29", null)))
        .isEqualTo(LocalDate.of(2024, 2, 29));
    assertThat(
            ColumnDefaults.originDefault(
                column(type(MysqlType.TIMESTAMP, 0, 23, 3), "2019-01-02 03:04:05.12", null)))
        .isEqualTo(LocalDateTime.of(2019, 1, 2, 3, 4, 5, 120_000_000));
    assertThat(
            ColumnDefaults.originDefault(
                column(type(MysqlType.DATETIME, 0, 19, 0), "0000-00-00 00:00:00", null)))
        .isEqualTo(MysqlTime.ZERO);
    assertThat(
            ColumnDefaults.originDefault(
                column(type(MysqlType.DURATION, 0, 10, 0), "-01:02:03", null)))
        .isEqualTo(Duration.ofSeconds(-3723));
    assertThat(ColumnDefaults.originDefault(column(text(MysqlType.VARCHAR, 0, 10), "abc", null)))
        .isEqualTo("abc");
    assertThat(ColumnDefaults.originDefault(column(bytes(MysqlType.STRING, 0, 4), "ab", null)))
        .isEqualTo(new byte[] {'a', 'b', 0, 0});
    assertThat(
            ColumnDefaults.originDefault(
                column(
                    type(MysqlType.BIT, MysqlFlag.UNSIGNED, 12, 0),
                    null,
                    Base64.getEncoder().encodeToString(new byte[] {0x08, 0x01}))))
        .isEqualTo(new MysqlBit(2049, 12));
  }

  @Test
  void shouldFallBackToNullOrTheZeroValueWithoutOriginDefault() {
    assertThat(ColumnDefaults.originDefault(column(type(MysqlType.LONG, 0, 11, 0), null, null)))
        .isNull();
    assertThat(
            ColumnDefaults.originDefault(
                column(type(MysqlType.LONG, MysqlFlag.NOT_NULL, 11, 0), null, null)))
        .isEqualTo(0L);
    assertThat(
            ColumnDefaults.originDefault(
                column(elems(MysqlType.ENUM, MysqlFlag.NOT_NULL, "x", "y"), null, null)))
        .isEqualTo("x");
    assertThat(
            ColumnDefaults.originDefault(
                column(text(MysqlType.VARCHAR, MysqlFlag.NOT_NULL, 10), null, null)))
        .isEqualTo("");
    assertThatThrownBy(
            () ->
                ColumnDefaults.originDefault(
                    column(type(MysqlType.LONG, 0, 11, 0), "CURRENT_TIMESTAMP", null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CURRENT_TIMESTAMP");
  }
}
