package io.kafkabinlog.tidbsim.expected;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkabinlog.schemas.codec.MysqlBit;
import io.kafkabinlog.schemas.codec.MysqlTime;
import io.kafkabinlog.schemas.tableinfo.ColumnInfo;
import io.kafkabinlog.schemas.tableinfo.FieldType;
import io.kafkabinlog.schemas.tableinfo.MysqlType;
import io.kafkabinlog.tidbsim.mutation.MysqlValueText;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;

/**
 * Column default values as typed sim values (see {@code SimRow}). The origin default is what rows
 * written before an ADD COLUMN read as; the drainer's rule applies when there is none: NULL if the
 * column is nullable, else the first element of an ENUM, else the type's zero value.
 */
public final class ColumnDefaults {
  private ColumnDefaults() {}

  /** The value existing rows get when the column is added. */
  public static Object originDefault(final ColumnInfo c) {
    return valueOrFallback(c, c.originDefault(), c.originDefaultBit());
  }

  /** The value an insert that omits the column writes (expression defaults are not evaluated). */
  public static Object insertDefault(final ColumnInfo c) {
    return valueOrFallback(c, c.defaultValue(), c.defaultBit());
  }

  private static Object valueOrFallback(final ColumnInfo c, final JsonNode node, final String bit) {
    FieldType ft = c.type();
    if (ft.tp() == MysqlType.BIT && bit != null && !bit.isEmpty()) {
      return bitValue(Base64.getDecoder().decode(bit), ft);
    }
    if (node == null || node.isNull() || node.isMissingNode()) {
      return ft.isNotNull() ? zeroValue(ft) : null;
    }
    return parse(node.asText(), ft);
  }

  /** The zero value of a type: 0, '', the zero date, the first ENUM element, ... */
  public static Object zeroValue(final FieldType ft) {
    switch (ft.tp()) {
      case MysqlType.TINY,
      MysqlType.SHORT,
      MysqlType.INT24,
      MysqlType.LONG,
      MysqlType.LONGLONG,
      MysqlType.YEAR:
        return isUnsignedBigint(ft) ? BigInteger.ZERO : (Object) 0L;
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
        return ft.elems() == null || ft.elems().isEmpty() ? "" : ft.elems().get(0);
      case MysqlType.SET:
        return "";
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

  /** Parses a default's text as a value of the type. */
  public static Object parse(final String text, final FieldType ft) {
    try {
      switch (ft.tp()) {
        case MysqlType.TINY,
        MysqlType.SHORT,
        MysqlType.INT24,
        MysqlType.LONG,
        MysqlType.LONGLONG,
        MysqlType.YEAR:
          {
            BigInteger bi = new BigDecimal(text.trim()).toBigInteger();
            return isUnsignedBigint(ft) ? bi : (Object) bi.longValueExact();
          }
        case MysqlType.FLOAT:
          return Float.parseFloat(text.trim());
        case MysqlType.DOUBLE:
          return Double.parseDouble(text.trim());
        case MysqlType.DECIMAL, MysqlType.NEWDECIMAL:
          {
            BigDecimal d = new BigDecimal(text.trim());
            return ft.decimal() >= 0 ? d.setScale(ft.decimal(), RoundingMode.HALF_UP) : d;
          }
        case MysqlType.DATE, MysqlType.NEWDATE:
          return MysqlValueText.toValue(MysqlValueText.parseDateTime(text), true);
        case MysqlType.DATETIME, MysqlType.TIMESTAMP:
          return MysqlValueText.toValue(MysqlValueText.parseDateTime(text), false);
        case MysqlType.DURATION:
          return MysqlValueText.parseTime(text);
        case MysqlType.BIT:
          return bitValue(text.getBytes(StandardCharsets.ISO_8859_1), ft);
        case MysqlType.ENUM, MysqlType.SET, MysqlType.JSON:
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
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "default '" + text + "' is not a value of column type " + ft.tp(), e);
    }
  }

  private static MysqlBit bitValue(final byte[] bytes, final FieldType ft) {
    long v = 0;
    for (byte b : bytes) {
      v = (v << 8) | (b & 0xFF);
    }
    return new MysqlBit(v, ft.flen());
  }

  private static boolean isUnsignedBigint(final FieldType ft) {
    return ft.tp() == MysqlType.LONGLONG && ft.isUnsigned();
  }
}
