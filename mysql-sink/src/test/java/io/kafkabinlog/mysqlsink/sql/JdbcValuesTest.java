package io.kafkabinlog.mysqlsink.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.schemas.avro.ColumnValues;
import io.kafkabinlog.schemas.avro.ColumnValues.JsonText;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class JdbcValuesTest {
  private final JdbcValues utc = JdbcValues.utc();

  /** Every value goes through the Avro round trip, so the types are what the sink really sees. */
  private Object viaAvro(final Object javaValue) {
    return utc.toJdbc(ColumnValues.fromAvro(ColumnValues.toAvro(javaValue)));
  }

  @Test
  void numbersStringsAndBytesPassUnchanged() {
    assertThat(viaAvro(null)).isNull();
    assertThat(viaAvro(-5L)).isEqualTo(-5L);
    assertThat(viaAvro(7)).isEqualTo(7L);
    assertThat(viaAvro(1.5d)).isEqualTo(1.5d);
    assertThat(viaAvro("héllo")).isEqualTo("héllo");
    assertThat((byte[]) viaAvro(new byte[] {0, -1, 2})).containsExactly(0, -1, 2);
  }

  @Test
  void unsignedBigintAndDecimalBecomeExactBigDecimals() {
    final BigInteger max = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    assertThat(viaAvro(max)).isEqualTo(new BigDecimal("18446744073709551615"));
    assertThat(viaAvro(new BigDecimal("-12.3400"))).isEqualTo(new BigDecimal("-12.3400"));
  }

  @Test
  void datesAndDatetimesAreTheirMysqlText() {
    assertThat(viaAvro(LocalDate.of(2019, 1, 2))).isEqualTo("2019-01-02");
    assertThat(viaAvro(LocalDateTime.of(2019, 1, 2, 3, 4, 5))).isEqualTo("2019-01-02 03:04:05");
    assertThat(viaAvro(LocalDateTime.of(2019, 1, 2, 3, 4, 5, 120_000_000)))
        .isEqualTo("2019-01-02 03:04:05.120000");
    assertThat(viaAvro("0000-00-00 00:00:00")).isEqualTo("0000-00-00 00:00:00");
  }

  @Test
  void timestampsRenderInTheSessionZone() {
    final Instant t = Instant.parse("2020-06-01T10:00:00.000001Z");
    assertThat(viaAvro(t)).isEqualTo("2020-06-01 10:00:00.000001");
    assertThat(new JdbcValues(ZoneId.of("+08:00")).toJdbc(t))
        .isEqualTo("2020-06-01 18:00:00.000001");
  }

  @Test
  void timeIsASignedDurationText() {
    assertThat(viaAvro(Duration.ofHours(838).plusMinutes(59).plusSeconds(59)))
        .isEqualTo("838:59:59");
    assertThat(viaAvro(Duration.ofSeconds(-3723).minusNanos(500_000)))
        .isEqualTo("-01:02:03.000500");
    assertThat(viaAvro(Duration.ZERO)).isEqualTo("00:00:00");
  }

  @Test
  void jsonIsItsText() {
    assertThat(viaAvro(new JsonText("{\"a\": [1, 2]}"))).isEqualTo("{\"a\": [1, 2]}");
  }

  @Test
  void unknownTypesAreRefused() {
    assertThatThrownBy(() -> utc.toJdbc(new Object())).isInstanceOf(IllegalArgumentException.class);
  }
}
