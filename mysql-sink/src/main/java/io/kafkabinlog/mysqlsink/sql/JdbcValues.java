package io.kafkabinlog.mysqlsink.sql;

import io.kafkabinlog.schemas.avro.ColumnValues.JsonText;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;

/**
 * Turns the Java values {@code ColumnValues.fromAvro} yields into JDBC parameter values, following
 * the original drainer's {@code formatData}: temporal values, TIME and JSON as their MySQL text,
 * numbers and bytes unchanged. Results are only {@code null}, Long, Double, String, byte[] and
 * BigDecimal.
 *
 * <ul>
 *   <li>BIGINT UNSIGNED ({@link BigInteger}) and DECIMAL go as {@link BigDecimal}: the server then
 *       compares them with the column as decimals, exactly (a string would be compared as a double,
 *       which is lossy above 2^53).
 *   <li>DATE, DATETIME: {@code yyyy-MM-dd[ HH:mm:ss[.ffffff]]}, no time zone involved.
 *   <li>TIMESTAMP ({@link Instant}): rendered as wall-clock text in {@link #sessionZone()}, which
 *       must be the downstream session's {@code time_zone} (the sink sets it to {@code '+00:00'},
 *       so UTC is the default) for the server to store the same instant.
 *   <li>TIME ({@link Duration}): {@code [-]HH:MM:SS[.ffffff]}, hours up to 838.
 *   <li>JSON ({@link JsonText}): its text. ENUM/SET names and zero dates already arrive as strings.
 * </ul>
 */
public final class JdbcValues {
  private static final DateTimeFormatter DATETIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");

  private final ZoneId sessionZone;

  public JdbcValues(final ZoneId sessionZone) {
    this.sessionZone = Objects.requireNonNull(sessionZone, "sessionZone");
  }

  /** TIMESTAMP values rendered in UTC (session {@code time_zone = '+00:00'}). */
  public static JdbcValues utc() {
    return new JdbcValues(ZoneId.of("UTC"));
  }

  public ZoneId sessionZone() {
    return sessionZone;
  }

  /** The JDBC parameter value of a column value. */
  public Object toJdbc(final Object value) {
    if (value == null
        || value instanceof Long
        || value instanceof Double
        || value instanceof String
        || value instanceof byte[]
        || value instanceof BigDecimal) {
      return value;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Float f) {
      return f.doubleValue();
    }
    if (value instanceof BigInteger i) {
      return new BigDecimal(i);
    }
    if (value instanceof LocalDate d) {
      return d.toString();
    }
    if (value instanceof LocalDateTime t) {
      return dateTime(t);
    }
    if (value instanceof Instant t) {
      return dateTime(LocalDateTime.ofInstant(t, sessionZone));
    }
    if (value instanceof Duration d) {
      return time(d);
    }
    if (value instanceof JsonText j) {
      return j.text();
    }
    throw new IllegalArgumentException(
        "no JDBC mapping for a " + value.getClass().getName() + ": " + value);
  }

  private static String dateTime(final LocalDateTime t) {
    return DATETIME.format(t) + fraction(t.getNano() / 1000);
  }

  private static String time(final Duration d) {
    final long micros = d.toNanos() / 1000;
    final long abs = Math.abs(micros);
    final long seconds = abs / 1_000_000;
    return String.format(
        Locale.ROOT,
        "%s%02d:%02d:%02d%s",
        micros < 0 ? "-" : "",
        seconds / 3600,
        seconds / 60 % 60,
        seconds % 60,
        fraction((int) (abs % 1_000_000)));
  }

  private static String fraction(final int micros) {
    return micros == 0 ? "" : String.format(Locale.ROOT, ".%06d", micros);
  }
}
