package io.kafkabinlog.ordering.decode;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkabinlog.schemas.codec.MysqlBit;
import io.kafkabinlog.schemas.codec.MysqlEnum;
import io.kafkabinlog.schemas.codec.MysqlSet;
import io.kafkabinlog.schemas.codec.MysqlTime;
import io.kafkabinlog.schemas.tableinfo.ColumnInfo;
import io.kafkabinlog.schemas.tableinfo.FieldType;
import io.kafkabinlog.schemas.tableinfo.MysqlType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The value of a column a row image does not carry (a column added after the row was written, a
 * NULL TiDB left out, a column mid-DDL), by the drainer's rule ({@code getDefaultOrZeroValue}): the
 * column's origin default if it has one, else NULL if the column is nullable, else the type's zero
 * value (the first element of an ENUM). Values come in the form {@code ValueCodec} decodes to,
 * TIMESTAMP defaults as the UTC wall clock TiDB stores.
 */
final class MissingColumnValue {
  private static final Pattern DATE_TIME =
      Pattern.compile(
          "(\\d{1,4})-(\\d{1,2})-(\\d{1,2})(?:[ T](\\d{1,2}):(\\d{1,2}):(\\d{1,2})(?:\\.(\\d{1,6})\\d*)?)?");
  private static final Pattern TIME =
      Pattern.compile("(-)?(\\d{1,3}):(\\d{1,2}):(\\d{1,2})(?:\\.(\\d{1,6})\\d*)?");

  private MissingColumnValue() {}

  static Object of(final ColumnInfo c) {
    FieldType ft = c.type();
    if (ft.tp() == MysqlType.BIT
        && c.originDefaultBit() != null
        && !c.originDefaultBit().isEmpty()) {
      return bits(Base64.getDecoder().decode(c.originDefaultBit()), ft);
    }
    JsonNode d = c.originDefault();
    if (d != null && !d.isNull() && !d.isMissingNode()) {
      try {
        return parse(d.asText(), ft);
      } catch (RuntimeException e) {
        // An origin default this code cannot read: fall back as if there were none.
      }
    }
    return ft.isNotNull() ? zero(ft) : null;
  }

  static Object zero(final FieldType ft) {
    switch (ft.tp()) {
      case MysqlType.TINY,
      MysqlType.SHORT,
      MysqlType.INT24,
      MysqlType.LONG,
      MysqlType.LONGLONG,
      MysqlType.YEAR:
        return unsignedBigint(ft) ? BigInteger.ZERO : (Object) 0L;
      case MysqlType.FLOAT:
        return 0f;
      case MysqlType.DOUBLE:
        return 0d;
      case MysqlType.DECIMAL, MysqlType.NEWDECIMAL:
        return BigDecimal.ZERO.setScale(Math.max(0, ft.decimal()));
      case MysqlType.DATE, MysqlType.NEWDATE, MysqlType.DATETIME, MysqlType.TIMESTAMP:
        return MysqlTime.ZERO;
      case MysqlType.DURATION:
        return Duration.ZERO;
      case MysqlType.ENUM:
        return ft.elems() == null || ft.elems().isEmpty()
            ? new MysqlEnum(0, "")
            : new MysqlEnum(1, ft.elems().get(0));
      case MysqlType.SET:
        return new MysqlSet(0, List.of());
      case MysqlType.BIT:
        return new MysqlBit(0, ft.flen());
      case MysqlType.JSON:
        return "null";
      default:
        if (ft.isBinaryString()) {
          return ft.tp() == MysqlType.STRING && ft.flen() > 0 ? new byte[ft.flen()] : new byte[0];
        }
        return "";
    }
  }

  static Object parse(final String text, final FieldType ft) {
    String t = text.trim();
    switch (ft.tp()) {
      case MysqlType.TINY,
      MysqlType.SHORT,
      MysqlType.INT24,
      MysqlType.LONG,
      MysqlType.LONGLONG,
      MysqlType.YEAR:
        {
          BigInteger bi = new BigDecimal(t).toBigInteger();
          return unsignedBigint(ft) ? bi : (Object) bi.longValueExact();
        }
      case MysqlType.FLOAT:
        return Float.parseFloat(t);
      case MysqlType.DOUBLE:
        return Double.parseDouble(t);
      case MysqlType.DECIMAL, MysqlType.NEWDECIMAL:
        {
          BigDecimal d = new BigDecimal(t);
          return ft.decimal() >= 0 ? d.setScale(ft.decimal(), RoundingMode.HALF_UP) : d;
        }
      case MysqlType.DATE, MysqlType.NEWDATE:
        return dateTime(t, true);
      case MysqlType.DATETIME, MysqlType.TIMESTAMP:
        return dateTime(t, false);
      case MysqlType.DURATION:
        return time(t);
      case MysqlType.ENUM:
        {
          List<String> elems = ft.elems() == null ? List.of() : ft.elems();
          int i = elems.indexOf(text);
          return i < 0 ? new MysqlEnum(0, "") : new MysqlEnum(i + 1, elems.get(i));
        }
      case MysqlType.SET:
        {
          List<String> elems = ft.elems() == null ? List.of() : ft.elems();
          long bits = 0;
          List<String> names = new ArrayList<>();
          for (int i = 0; i < elems.size(); i++) {
            if (Arrays.asList(text.split(",", -1)).contains(elems.get(i))) {
              bits |= 1L << i;
              names.add(elems.get(i));
            }
          }
          return new MysqlSet(bits, names);
        }
      case MysqlType.BIT:
        return bits(text.getBytes(StandardCharsets.ISO_8859_1), ft);
      case MysqlType.JSON:
        return text;
      default:
        if (ft.isBinaryString()) {
          byte[] b = text.getBytes(StandardCharsets.UTF_8);
          return ft.tp() == MysqlType.STRING && ft.flen() > b.length
              ? Arrays.copyOf(b, ft.flen())
              : b;
        }
        return text;
    }
  }

  private static Object dateTime(final String text, final boolean dateOnly) {
    Matcher m = DATE_TIME.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a date/time: " + text);
    }
    int year = Integer.parseInt(m.group(1));
    int month = Integer.parseInt(m.group(2));
    int day = Integer.parseInt(m.group(3));
    int hour = m.group(4) == null ? 0 : Integer.parseInt(m.group(4));
    int minute = m.group(5) == null ? 0 : Integer.parseInt(m.group(5));
    int second = m.group(6) == null ? 0 : Integer.parseInt(m.group(6));
    int micros = m.group(7) == null ? 0 : Integer.parseInt((m.group(7) + "00000").substring(0, 6));
    MysqlTime mt = new MysqlTime(year, month, day, hour, minute, second, micros);
    if (!mt.isCalendarValid()) {
      return mt;
    }
    return dateOnly
        ? LocalDate.of(year, month, day)
        : LocalDateTime.of(year, month, day, hour, minute, second, micros * 1000);
  }

  private static Duration time(final String text) {
    Matcher m = TIME.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a time: " + text);
    }
    long micros =
        ((Long.parseLong(m.group(2)) * 60 + Long.parseLong(m.group(3))) * 60
                    + Long.parseLong(m.group(4)))
                * 1_000_000
            + (m.group(5) == null ? 0 : Long.parseLong((m.group(5) + "00000").substring(0, 6)));
    return Duration.ofNanos((m.group(1) != null ? -micros : micros) * 1000);
  }

  private static MysqlBit bits(final byte[] bytes, final FieldType ft) {
    long v = 0;
    for (byte b : bytes) {
      v = (v << 8) | (b & 0xFF);
    }
    return new MysqlBit(v, ft.flen());
  }

  private static boolean unsignedBigint(final FieldType ft) {
    return ft.tp() == MysqlType.LONGLONG && ft.isUnsigned();
  }
}
