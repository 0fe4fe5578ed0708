package io.kafkabinlog.tidbsim.mutation;

import io.kafkabinlog.schemas.codec.MysqlTime;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;

/**
 * MySQL's text forms of DATE, DATETIME/TIMESTAMP and TIME values, parsed and written the same way
 * wherever the sim meets them: column defaults in TableInfo, values read back from MariaDB.
 */
public final class MysqlValueText {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private MysqlValueText() {}

  /**
   * Parses {@code YYYY-MM-DD}, {@code YYYY-MM-DD HH:MM:SS[.ffffff]} (or with a {@code T}); digits
   * beyond microseconds are cut.
   */
  public static MysqlTime parseDateTime(final String text) {
    String s = text.trim();
    try {
      int year = Integer.parseInt(s.substring(0, 4));
      int month = Integer.parseInt(s.substring(5, 7));
      int day = Integer.parseInt(s.substring(8, 10));
      if (s.length() == 10) {
        return new MysqlTime(year, month, day, 0, 0, 0, 0);
      }
      char sep = s.charAt(10);
      if (sep != ' ' && sep != 'T') {
        throw new IllegalArgumentException("not a MySQL datetime: '" + text + "'");
      }
      int hour = Integer.parseInt(s.substring(11, 13));
      int minute = Integer.parseInt(s.substring(14, 16));
      int second = s.length() >= 19 ? Integer.parseInt(s.substring(17, 19)) : 0;
      int micro = s.length() > 20 && s.charAt(19) == '.' ? micros(s.substring(20)) : 0;
      return new MysqlTime(year, month, day, hour, minute, second, micro);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a MySQL date or datetime: '" + text + "'", e);
    }
  }

  /** Parses {@code [-][D ]HHH:MM:SS[.ffffff]} (also {@code HH:MM}). */
  public static Duration parseTime(final String text) {
    String s = text.trim();
    try {
      boolean negative = s.startsWith("-");
      if (negative) {
        s = s.substring(1);
      }
      long days = 0;
      int space = s.indexOf(' ');
      if (space > 0) {
        days = Long.parseLong(s.substring(0, space));
        s = s.substring(space + 1);
      }
      long micro = 0;
      int dot = s.indexOf('.');
      if (dot >= 0) {
        micro = micros(s.substring(dot + 1));
        s = s.substring(0, dot);
      }
      String[] parts = s.split(":");
      long hours = Long.parseLong(parts[0]) + days * 24;
      long minutes = parts.length > 1 ? Long.parseLong(parts[1]) : 0;
      long seconds = parts.length > 2 ? Long.parseLong(parts[2]) : 0;
      long nanos = ((hours * 60 + minutes) * 60 + seconds) * NANOS_PER_SECOND + micro * 1000;
      return Duration.ofNanos(negative ? -nanos : nanos);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a MySQL time: '" + text + "'", e);
    }
  }

  private static int micros(final String fraction) {
    String digits = fraction.length() > 6 ? fraction.substring(0, 6) : fraction;
    if (digits.isEmpty()) {
      return 0;
    }
    StringBuilder padded = new StringBuilder(digits);
    while (padded.length() < 6) {
      padded.append('0');
    }
    return Integer.parseInt(padded.toString());
  }

  /** The typed value of a parsed time: LocalDate / LocalDateTime, or MysqlTime for zero dates. */
  public static Object toValue(final MysqlTime t, final boolean dateOnly) {
    if (!t.isCalendarValid()) {
      return t;
    }
    return dateOnly ? t.toLocalDate() : t.toLocalDateTime();
  }

  /** A DATE / DATETIME / TIMESTAMP value as a MysqlTime. */
  public static MysqlTime toMysqlTime(final Object value) {
    if (value instanceof MysqlTime t) {
      return t;
    } else if (value instanceof LocalDateTime t) {
      return MysqlTime.of(t.withNano(t.getNano() / 1000 * 1000));
    } else if (value instanceof LocalDate d) {
      return MysqlTime.of(d);
    } else if (value instanceof java.sql.Timestamp ts) {
      return toMysqlTime(ts.toLocalDateTime());
    } else if (value instanceof java.sql.Date d) {
      return MysqlTime.of(d.toLocalDate());
    }
    return parseDateTime(value.toString());
  }

  /** {@code YYYY-MM-DD}. */
  public static String formatDate(final MysqlTime t) {
    return t.toDateString();
  }

  /** {@code YYYY-MM-DD HH:MM:SS} with {@code fsp} fraction digits (0..6). */
  public static String formatDateTime(final MysqlTime t, final int fsp) {
    String s =
        String.format("%s %02d:%02d:%02d", t.toDateString(), t.hour(), t.minute(), t.second());
    return s + fraction(t.microsecond(), fsp);
  }

  /** {@code [-]HH:MM:SS} (hours may exceed 24) with {@code fsp} fraction digits (0..6). */
  public static String formatTime(final Duration d, final int fsp) {
    long nanos = d.toNanos();
    boolean negative = nanos < 0;
    long abs = Math.abs(nanos);
    long micros = (abs / 1000) % 1_000_000;
    long totalSeconds = abs / NANOS_PER_SECOND;
    String s =
        String.format(
            "%s%02d:%02d:%02d",
            negative ? "-" : "", totalSeconds / 3600, (totalSeconds / 60) % 60, totalSeconds % 60);
    return s + fraction((int) micros, fsp);
  }

  private static String fraction(final int micro, final int fsp) {
    int digits = Math.max(0, Math.min(6, fsp));
    if (digits == 0) {
      return "";
    }
    return "." + String.format("%06d", micro).substring(0, digits);
  }
}
