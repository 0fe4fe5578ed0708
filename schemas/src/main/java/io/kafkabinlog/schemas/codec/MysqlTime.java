package io.kafkabinlog.schemas.codec;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;

/**
 * A MySQL DATE/DATETIME/TIMESTAMP value as stored (packed uint64), able to hold what java.time
 * cannot: the zero date {@code 0000-00-00 00:00:00} and zero-in-date values such as 2019-00-10. The
 * decoder returns {@link LocalDate}/{@link LocalDateTime} when the value is a real calendar date
 * and a {@code MysqlTime} otherwise.
 */
public record MysqlTime(
    int year, int month, int day, int hour, int minute, int second, int microsecond) {

  public static final MysqlTime ZERO = new MysqlTime(0, 0, 0, 0, 0, 0, 0);

  public MysqlTime {
    if (year < 0
        || year > 9999
        || month < 0
        || month > 12
        || day < 0
        || day > 31
        || hour < 0
        || hour > 23
        || minute < 0
        || minute > 59
        || second < 0
        || second > 59
        || microsecond < 0
        || microsecond > 999_999) {
      throw new CodecException(
          -1,
          "invalid MySQL time "
              + year
              + "-"
              + month
              + "-"
              + day
              + " "
              + hour
              + ":"
              + minute
              + ":"
              + second
              + "."
              + microsecond);
    }
  }

  /** Unpacks TiDB's {@code ToPackedUint} layout; {@code at} is used in error messages. */
  public static MysqlTime fromPacked(long p, int at) {
    if (p < 0) {
      throw new CodecException(at, "packed time has the top bit set: 0x" + Long.toHexString(p));
    }
    int micro = (int) (p & 0xFFFFFF);
    long hms = (p >>> 24) & 0x1FFFF;
    long ymd = p >>> 41;
    int day = (int) (ymd & 31);
    long ym = ymd >>> 5;
    int year = (int) (ym / 13);
    int month = (int) (ym % 13);
    int second = (int) (hms & 63);
    int minute = (int) ((hms >>> 6) & 63);
    int hour = (int) (hms >>> 12);
    try {
      return new MysqlTime(year, month, day, hour, minute, second, micro);
    } catch (CodecException e) {
      throw new CodecException(at, "invalid packed time 0x" + Long.toHexString(p), e);
    }
  }

  public long toPacked() {
    long ymd = ((long) (year * 13 + month) << 5) | day;
    long hms = ((long) hour << 12) | ((long) minute << 6) | second;
    return ((ymd << 17) | hms) << 24 | microsecond;
  }

  public static MysqlTime of(LocalDateTime t) {
    if (t.getNano() % 1000 != 0) {
      throw new CodecException(-1, "time has sub-microsecond digits: " + t);
    }
    return new MysqlTime(
        t.getYear(),
        t.getMonthValue(),
        t.getDayOfMonth(),
        t.getHour(),
        t.getMinute(),
        t.getSecond(),
        t.getNano() / 1000);
  }

  public static MysqlTime of(LocalDate d) {
    return new MysqlTime(d.getYear(), d.getMonthValue(), d.getDayOfMonth(), 0, 0, 0, 0);
  }

  public boolean isZero() {
    return toPacked() == 0;
  }

  public boolean hasTime() {
    return hour != 0 || minute != 0 || second != 0 || microsecond != 0;
  }

  /** True when java.time can represent this value (a real calendar date). */
  public boolean isCalendarValid() {
    if (month == 0 || day == 0) {
      return false;
    }
    try {
      LocalDate.of(year, month, day);
      return true;
    } catch (DateTimeException e) {
      return false;
    }
  }

  public LocalDateTime toLocalDateTime() {
    return LocalDateTime.of(year, month, day, hour, minute, second, microsecond * 1000);
  }

  public LocalDate toLocalDate() {
    return LocalDate.of(year, month, day);
  }

  public String toDateString() {
    return String.format("%04d-%02d-%02d", year, month, day);
  }

  /** {@code YYYY-MM-DD HH:MM:SS} plus {@code .ffffff} when microseconds are non-zero. */
  @Override
  public String toString() {
    String s = String.format("%s %02d:%02d:%02d", toDateString(), hour, minute, second);
    return microsecond == 0 ? s : s + String.format(".%06d", microsecond);
  }
}
