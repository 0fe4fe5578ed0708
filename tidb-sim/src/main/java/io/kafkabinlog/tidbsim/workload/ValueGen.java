package io.kafkabinlog.tidbsim.workload;

import io.kafkabinlog.schemas.tableinfo.ColumnInfo;
import io.kafkabinlog.schemas.tableinfo.FieldType;
import io.kafkabinlog.schemas.tableinfo.MysqlType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Random;

/**
 * Random values for a column, typed as the sim stores them (see {@code SimRow}) and within what the
 * column holds, so that MySQL/MariaDB stores them unchanged: floats are multiples of 1/4, times fit
 * their fractional-second precision, strings mix ASCII with two- and three-byte UTF-8.
 */
final class ValueGen {
  private static final String[] WORDS = {
    "alpha", "beta", "gamma", "delta", "épée", "naïve", "中文", "데이터", "x", "quote'\"\\"
  };
  private static final LocalDateTime EPOCH = LocalDateTime.of(2000, 1, 1, 0, 0);

  private ValueGen() {}

  /** A value for {@code c}; NULL now and then when the column is nullable. */
  static Object value(final ColumnInfo c, final Random r) {
    FieldType ft = c.type();
    if (!ft.isNotNull() && r.nextInt(10) == 0) {
      return null;
    }
    return nonNull(ft, r);
  }

  static Object nonNull(final FieldType ft, final Random r) {
    boolean unsigned = ft.isUnsigned();
    switch (ft.tp()) {
      case MysqlType.TINY:
        return (long) (unsigned ? r.nextInt(256) : r.nextInt(256) - 128);
      case MysqlType.SHORT:
        return (long) (unsigned ? r.nextInt(65536) : r.nextInt(65536) - 32768);
      case MysqlType.INT24:
        return (long) (unsigned ? r.nextInt(1 << 24) : r.nextInt(1 << 24) - (1 << 23));
      case MysqlType.LONG:
        return unsigned ? (long) r.nextInt(Integer.MAX_VALUE) * 2 : (long) r.nextInt();
      case MysqlType.LONGLONG:
        if (unsigned) {
          // Above Long.MAX_VALUE now and then: BIGINT UNSIGNED's upper half.
          return r.nextInt(4) == 0
              ? new BigInteger(64, r).setBit(63)
              : BigInteger.valueOf(r.nextLong() & Long.MAX_VALUE);
        }
        return r.nextLong();
      case MysqlType.YEAR:
        return (long) (1901 + r.nextInt(255));
      case MysqlType.FLOAT:
        return (float) (r.nextInt(80_000) - 40_000) / 4f;
      case MysqlType.DOUBLE:
        return (double) (r.nextLong() % 1_000_000_000_000L) / 4d;
      case MysqlType.NEWDECIMAL, MysqlType.DECIMAL:
        return decimal(ft, r);
      case MysqlType.DATE:
        return LocalDate.of(1970, 1, 1).plusDays(r.nextInt(40_000));
      case MysqlType.DATETIME:
        return EPOCH.plusSeconds(r.nextInt(900_000_000)).plusNanos(fraction(ft.decimal(), r));
      case MysqlType.TIMESTAMP:
        // TIMESTAMP holds 1970-01-01 00:00:01 .. 2038-01-19 UTC; stored as the UTC wall clock.
        return LocalDateTime.of(1971, 1, 1, 0, 0)
            .plusSeconds(r.nextInt(1_900_000_000))
            .plusNanos(fraction(ft.decimal(), r));
      case MysqlType.DURATION:
        {
          long seconds = r.nextInt(838 * 3600);
          Duration d = Duration.ofSeconds(seconds).plusNanos(fraction(ft.decimal(), r));
          return r.nextBoolean() ? d : d.negated();
        }
      case MysqlType.JSON:
        return "{\"k\": "
            + r.nextInt(1000)
            + ", \"s\": \""
            + WORDS[r.nextInt(WORDS.length - 1)]
            + "\", \"a\": [1, 2.5, true, null]}";
      case MysqlType.ENUM:
        return ft.elems().get(r.nextInt(ft.elems().size()));
      case MysqlType.SET:
        return set(ft.elems(), r);
      case MysqlType.BIT:
        {
          int width = ft.flen() > 0 ? ft.flen() : 1;
          return width >= 64 ? r.nextLong() & Long.MAX_VALUE : r.nextLong() & ((1L << width) - 1);
        }
      default:
        return string(ft, r);
    }
  }

  private static BigDecimal decimal(final FieldType ft, final Random r) {
    int precision = ft.flen() > 0 ? ft.flen() : 10;
    int scale = Math.max(0, ft.decimal());
    int intDigits = Math.min(15, precision - scale);
    long intPart = intDigits <= 0 ? 0 : (long) (r.nextDouble() * Math.pow(10, intDigits));
    BigDecimal frac =
        scale == 0
            ? BigDecimal.ZERO
            : new BigDecimal(
                BigInteger.valueOf((long) (r.nextDouble() * Math.pow(10, Math.min(scale, 15)))),
                Math.min(scale, 15));
    BigDecimal v = BigDecimal.valueOf(intPart).add(frac).setScale(scale);
    return r.nextBoolean() ? v : v.negate();
  }

  private static long fraction(final int fsp, final Random r) {
    if (fsp <= 0) {
      return 0;
    }
    long unit = (long) Math.pow(10, 9 - fsp);
    return (long) r.nextInt((int) Math.pow(10, fsp)) * unit;
  }

  private static String set(final List<String> elems, final Random r) {
    StringBuilder sb = new StringBuilder();
    for (String e : elems) {
      if (r.nextBoolean()) {
        if (sb.length() > 0) {
          sb.append(',');
        }
        sb.append(e);
      }
    }
    return sb.toString();
  }

  private static Object string(final FieldType ft, final Random r) {
    int max = ft.flen() > 0 ? Math.min(ft.flen(), 200) : 200;
    boolean fixedBinary = ft.tp() == MysqlType.STRING && ft.isBinaryString();
    if (ft.isBinaryString()) {
      byte[] b = new byte[fixedBinary ? max : r.nextInt(max + 1)];
      r.nextBytes(b);
      return b;
    }
    StringBuilder sb = new StringBuilder();
    int target = 1 + r.nextInt(Math.max(1, max));
    while (true) {
      String w = WORDS[r.nextInt(WORDS.length)];
      if (sb.length() + w.length() + 1 > target) {
        break;
      }
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(w);
    }
    if (sb.length() == 0) {
      sb.append((char) ('a' + r.nextInt(26)));
    }
    // CHAR drops trailing spaces on read; none are generated.
    return sb.toString();
  }
}
