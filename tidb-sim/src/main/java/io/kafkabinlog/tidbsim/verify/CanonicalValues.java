package io.kafkabinlog.tidbsim.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.kafkabinlog.schemas.codec.MysqlBit;
import io.kafkabinlog.schemas.codec.MysqlEnum;
import io.kafkabinlog.schemas.codec.MysqlSet;
import io.kafkabinlog.schemas.tableinfo.FieldType;
import io.kafkabinlog.schemas.tableinfo.MysqlType;
import io.kafkabinlog.tidbsim.mutation.MysqlValueText;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One canonical text per column value, computed the same way from the sim's typed values and from
 * what MariaDB returns, so that equal values compare equal whatever their Java type:
 *
 * <ul>
 *   <li>integers and YEAR: decimal digits (BIGINT UNSIGNED up to 2^64-1); BIT: the unsigned value
 *   <li>DECIMAL(p,s): plain digits with exactly s fraction digits
 *   <li>FLOAT / DOUBLE: {@link Double#toString} of the value (a FLOAT widened from its float), with
 *       -0 as 0
 *   <li>DATE {@code YYYY-MM-DD}; DATETIME / TIMESTAMP {@code YYYY-MM-DD HH:MM:SS[.f]} with the
 *       column's fsp digits (TIMESTAMP in UTC); TIME {@code [-]HH:MM:SS[.f]}
 *   <li>CHAR without trailing spaces; other text as is; binary strings as hex (BINARY(n) padded
 *       with zero bytes to n)
 *   <li>text over {@value #MAX_TEXT} characters and binary over {@value #MAX_BYTES} bytes: length
 *       and SHA-256, so that huge values stay cheap to compare
 *   <li>JSON: re-serialised with object keys sorted and numbers normalised
 *   <li>ENUM: the element name; SET: member names in element order, comma-separated
 * </ul>
 *
 * NULL is {@code null}.
 */
public final class CanonicalValues {
  static final int MAX_TEXT = 1024;
  static final int MAX_BYTES = 256;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private CanonicalValues() {}

  /** The canonical text of a sim value of a column of type {@code ft}. */
  public static String ofExpected(final Object value, final FieldType ft) {
    if (value == null) {
      return null;
    }
    switch (ft.tp()) {
      case MysqlType.TINY,
      MysqlType.SHORT,
      MysqlType.INT24,
      MysqlType.LONG,
      MysqlType.LONGLONG,
      MysqlType.YEAR:
        return integer(value).toString();
      case MysqlType.FLOAT:
        return floating((double) number(value).floatValue());
      case MysqlType.DOUBLE:
        return floating(number(value).doubleValue());
      case MysqlType.DECIMAL, MysqlType.NEWDECIMAL:
        return decimal(value, ft);
      case MysqlType.DATE, MysqlType.NEWDATE:
        return MysqlValueText.formatDate(MysqlValueText.toMysqlTime(value));
      case MysqlType.DATETIME, MysqlType.TIMESTAMP:
        return MysqlValueText.formatDateTime(MysqlValueText.toMysqlTime(value), fsp(ft));
      case MysqlType.DURATION:
        return MysqlValueText.formatTime(duration(value), fsp(ft));
      case MysqlType.ENUM:
        return enumName(value, ft);
      case MysqlType.SET:
        return setNames(value, ft);
      case MysqlType.BIT:
        return Long.toUnsignedString(bits(value));
      case MysqlType.JSON:
        return json(value instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : value);
      default:
        if (isBinary(ft)) {
          return binary(bytes(value), ft);
        }
        return text(value instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : value, ft);
    }
  }

  /**
   * The canonical text of column {@code index} of the current row, read with the getter that gives
   * MariaDB's exact value for the column type.
   */
  public static String ofResultSet(final ResultSet rs, final int index, final FieldType ft)
      throws SQLException {
    switch (ft.tp()) {
      case MysqlType.TINY,
      MysqlType.SHORT,
      MysqlType.INT24,
      MysqlType.LONG,
      MysqlType.LONGLONG,
      MysqlType.YEAR:
        {
          if (ft.tp() == MysqlType.LONGLONG && ft.isUnsigned()) {
            BigDecimal d = rs.getBigDecimal(index);
            return d == null ? null : d.toBigIntegerExact().toString();
          }
          long v = rs.getLong(index);
          return rs.wasNull() ? null : Long.toString(v);
        }
      case MysqlType.FLOAT:
        {
          float f = rs.getFloat(index);
          return rs.wasNull() ? null : floating((double) f);
        }
      case MysqlType.DOUBLE:
        {
          double d = rs.getDouble(index);
          return rs.wasNull() ? null : floating(d);
        }
      case MysqlType.DECIMAL, MysqlType.NEWDECIMAL:
        return ofExpected(rs.getBigDecimal(index), ft);
      case MysqlType.BIT:
        return ofExpected(rs.getBytes(index), ft);
      default:
        if (isBinary(ft)) {
          return ofExpected(rs.getBytes(index), ft);
        }
        // dates, times, text, ENUM, SET and JSON: MariaDB's text form, parsed like a sim value
        return ofExpected(rs.getString(index), ft);
    }
  }

  /** BINARY / VARBINARY / BLOB family and GEOMETRY: compared as bytes. */
  private static boolean isBinary(final FieldType ft) {
    return (MysqlType.isString(ft.tp()) && ft.isBinaryString()) || ft.tp() == MysqlType.GEOMETRY;
  }

  /** The part of a canonical text worth showing in a report: long values cut. */
  public static String display(final String canonical) {
    if (canonical == null) {
      return "NULL";
    }
    String quoted = "'" + canonical.replace("'", "''") + "'";
    return quoted.length() > 80 ? quoted.substring(0, 76) + "...'" : quoted;
  }

  // ------------------------------------------------------------------ per type

  private static BigInteger integer(final Object v) {
    if (v instanceof BigInteger b) {
      return b;
    } else if (v instanceof Long
        || v instanceof Integer
        || v instanceof Short
        || v instanceof Byte) {
      return BigInteger.valueOf(((Number) v).longValue());
    } else if (v instanceof Boolean b) {
      return b ? BigInteger.ONE : BigInteger.ZERO;
    } else if (v instanceof MysqlBit b) {
      return new BigInteger(Long.toUnsignedString(b.value()));
    }
    String s = v.toString().trim();
    if (s.equalsIgnoreCase("true")) {
      return BigInteger.ONE;
    } else if (s.equalsIgnoreCase("false")) {
      return BigInteger.ZERO;
    }
    return new BigDecimal(s).toBigInteger();
  }

  private static Number number(final Object v) {
    if (v instanceof Number n) {
      return n;
    }
    return Double.valueOf(v.toString().trim());
  }

  private static String floating(final double d) {
    return d == 0 ? "0.0" : Double.toString(d);
  }

  private static String decimal(final Object v, final FieldType ft) {
    BigDecimal d = v instanceof BigDecimal b ? b : new BigDecimal(v.toString().trim());
    if (ft.decimal() >= 0 && ft.decimal() <= 30) {
      d = d.setScale(ft.decimal(), RoundingMode.HALF_UP);
    } else {
      d = d.stripTrailingZeros();
    }
    return d.signum() == 0 ? d.abs().toPlainString() : d.toPlainString();
  }

  private static int fsp(final FieldType ft) {
    return Math.max(0, Math.min(6, ft.decimal()));
  }

  private static Duration duration(final Object v) {
    if (v instanceof Duration d) {
      return d;
    } else if (v instanceof java.sql.Time t) {
      return Duration.ofNanos(t.toLocalTime().toNanoOfDay());
    }
    return MysqlValueText.parseTime(v.toString());
  }

  private static String enumName(final Object v, final FieldType ft) {
    if (v instanceof MysqlEnum e) {
      return e.name();
    } else if (v instanceof Number n) {
      long i = n.longValue();
      List<String> elems = elems(ft);
      return i <= 0 || i > elems.size() ? "" : elems.get((int) i - 1);
    }
    return v.toString();
  }

  private static String setNames(final Object v, final FieldType ft) {
    List<String> elems = elems(ft);
    if (v instanceof MysqlSet s) {
      return String.join(",", s.names());
    } else if (v instanceof Number n) {
      long bits = n.longValue();
      List<String> names = new ArrayList<>();
      for (int i = 0; i < elems.size() && i < 64; i++) {
        if ((bits & (1L << i)) != 0) {
          names.add(elems.get(i));
        }
      }
      return String.join(",", names);
    }
    String s = v.toString();
    if (s.isEmpty()) {
      return "";
    }
    List<String> members = Arrays.asList(s.split(","));
    List<String> ordered = new ArrayList<>();
    for (String e : elems) {
      if (members.stream().anyMatch(m -> m.equalsIgnoreCase(e))) {
        ordered.add(e);
      }
    }
    // members unknown to the column stay visible instead of vanishing
    for (String m : members) {
      if (elems.stream().noneMatch(e -> e.equalsIgnoreCase(m))) {
        ordered.add(m);
      }
    }
    return String.join(",", ordered);
  }

  private static List<String> elems(final FieldType ft) {
    return ft.elems() == null ? List.of() : ft.elems();
  }

  private static long bits(final Object v) {
    if (v instanceof MysqlBit b) {
      return b.value();
    } else if (v instanceof byte[] bytes) {
      long x = 0;
      for (byte b : bytes) {
        x = (x << 8) | (b & 0xFF);
      }
      return x;
    } else if (v instanceof Boolean b) {
      return b ? 1 : 0;
    } else if (v instanceof BigInteger bi) {
      return bi.longValue();
    } else if (v instanceof Number n) {
      return n.longValue();
    }
    return Long.parseUnsignedLong(v.toString().trim());
  }

  private static byte[] bytes(final Object v) {
    if (v instanceof byte[] b) {
      return b;
    }
    return v.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String binary(final byte[] value, final FieldType ft) {
    byte[] b = value;
    if (ft.tp() == MysqlType.STRING && ft.flen() > b.length) {
      b = Arrays.copyOf(b, ft.flen());
    }
    if (b.length > MAX_BYTES) {
      return "len=" + b.length + " sha256=" + sha256(b);
    }
    return "0x" + HexFormat.of().formatHex(b);
  }

  private static String text(final Object v, final FieldType ft) {
    String s = v.toString();
    if (ft.tp() == MysqlType.STRING) {
      // CHAR pads with spaces and gives them back stripped; other trailing whitespace is data
      int end = s.length();
      while (end > 0 && s.charAt(end - 1) == ' ') {
        end--;
      }
      s = s.substring(0, end);
    }
    if (s.length() > MAX_TEXT) {
      return "len=" + s.length() + " sha256=" + sha256(s.getBytes(StandardCharsets.UTF_8));
    }
    return s;
  }

  private static String json(final Object v) {
    try {
      JsonNode tree = JSON.readTree(v.toString());
      StringBuilder sb = new StringBuilder();
      writeJson(tree, sb);
      return sb.toString();
    } catch (JsonProcessingException e) {
      // not JSON: keep the text, so that it shows up as a difference instead of failing the run
      return "invalid-json:" + v;
    }
  }

  private static void writeJson(final JsonNode n, final StringBuilder sb) {
    if (n.isObject()) {
      Map<String, JsonNode> sorted = new TreeMap<>();
      for (Map.Entry<String, JsonNode> e : n.properties()) {
        sorted.put(e.getKey(), e.getValue());
      }
      sb.append('{');
      boolean first = true;
      for (Map.Entry<String, JsonNode> e : sorted.entrySet()) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        sb.append(new TextNode(e.getKey()).toString()).append(':');
        writeJson(e.getValue(), sb);
      }
      sb.append('}');
    } else if (n.isArray()) {
      sb.append('[');
      for (int i = 0; i < n.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        writeJson(n.get(i), sb);
      }
      sb.append(']');
    } else if (n.isNumber()) {
      BigDecimal d = n.decimalValue().stripTrailingZeros();
      sb.append(d.signum() == 0 ? "0" : d.toString());
    } else {
      sb.append(n.toString());
    }
  }

  static String sha256(final byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
