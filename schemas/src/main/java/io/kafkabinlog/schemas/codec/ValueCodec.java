package io.kafkabinlog.schemas.codec;

import io.kafkabinlog.schemas.tableinfo.FieldType;
import io.kafkabinlog.schemas.tableinfo.MysqlType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Typed values of a column: turns a raw {@link Datum} plus the column's {@link FieldType} into a
 * Java value ("unflatten") and back ("flatten" + EncodeValue). Java types per column type:
 *
 * <ul>
 *   <li>NULL: {@code null}
 *   <li>TINYINT/SMALLINT/MEDIUMINT/INT/BIGINT/YEAR signed, and the unsigned ones except BIGINT:
 *       {@link Long}; BIGINT UNSIGNED: always {@link BigInteger} (so one column has one type)
 *   <li>FLOAT: {@link Float}; DOUBLE: {@link Double}
 *   <li>DECIMAL: {@link BigDecimal} with scale = the frac byte of the data
 *   <li>DATE: {@link LocalDate}; DATETIME/TIMESTAMP: {@link LocalDateTime} (TIMESTAMP in UTC, as
 *       stored); zero and zero-in-date values as {@link MysqlTime}
 *   <li>TIME: {@link Duration}
 *   <li>ENUM: {@link MysqlEnum}; SET: {@link MysqlSet}; BIT: {@link MysqlBit}
 *   <li>JSON: {@link String} (JSON text)
 *   <li>CHAR/VARCHAR/TEXT family: {@link String} decoded with the column charset; with charset
 *       "binary" (BINARY/VARBINARY/BLOB family) and GEOMETRY: {@code byte[]}
 * </ul>
 */
public final class ValueCodec {
  private ValueCodec() {}

  /** Decodes one whole-array datum as a value of the column type. */
  public static Object decode(byte[] bytes, FieldType ft) {
    ByteReader r = new ByteReader(bytes);
    Object v = decode(r, ft);
    if (r.hasRemaining()) {
      throw new CodecException(r.position(), "trailing bytes after datum");
    }
    return v;
  }

  /** Decodes the datum at the reader's position as a value of the column type. */
  public static Object decode(ByteReader r, FieldType ft) {
    int at = r.position();
    return fromDatum(DatumCodec.decodeOne(r), ft, at);
  }

  /** Encodes a typed value in the row (EncodeValue, flattened) form. */
  public static byte[] encode(Object value, FieldType ft) {
    return DatumCodec.encodeValue(toDatum(value, ft));
  }

  /** Re-types a raw datum with the column's type; {@code at} is used in error messages. */
  public static Object fromDatum(Datum d, FieldType ft, int at) {
    if (d instanceof Datum.Null) {
      return null;
    }
    int tp = ft.tp();
    switch (tp) {
      case MysqlType.TINY,
      MysqlType.SHORT,
      MysqlType.INT24,
      MysqlType.LONG,
      MysqlType.LONGLONG,
      MysqlType.YEAR:
        return toInteger(d, ft, at);
      case MysqlType.FLOAT:
        return (float) asFloat(d, at);
      case MysqlType.DOUBLE:
        return asFloat(d, at);
      case MysqlType.DECIMAL, MysqlType.NEWDECIMAL:
        if (d instanceof Datum.Decimal dec) {
          return dec.value();
        }
        throw mismatch(d, ft, at);
      case MysqlType.DATE, MysqlType.NEWDATE, MysqlType.DATETIME, MysqlType.TIMESTAMP:
        {
          MysqlTime t = MysqlTime.fromPacked(asUnsignedBits(d, ft, at), at);
          boolean date = tp == MysqlType.DATE || tp == MysqlType.NEWDATE;
          if (date && t.hasTime()) {
            throw new CodecException(at, "DATE value with a time part: " + t);
          }
          if (!t.isCalendarValid()) {
            return t;
          }
          return date ? t.toLocalDate() : t.toLocalDateTime();
        }
      case MysqlType.DURATION:
        if (d instanceof Datum.Int i) {
          return Duration.ofNanos(i.value());
        } else if (d instanceof Datum.Duration du) {
          return Duration.ofNanos(du.nanos());
        }
        throw mismatch(d, ft, at);
      case MysqlType.ENUM:
        {
          long idx = asUnsignedBits(d, ft, at);
          List<String> elems = elems(ft);
          if (idx == 0) {
            return new MysqlEnum(0, "");
          }
          if (idx < 0 || idx > elems.size()) {
            throw new CodecException(
                at,
                "ENUM index "
                    + Long.toUnsignedString(idx)
                    + " out of range ("
                    + elems.size()
                    + " elements)");
          }
          return new MysqlEnum(idx, elems.get((int) idx - 1));
        }
      case MysqlType.SET:
        {
          long bits = asUnsignedBits(d, ft, at);
          List<String> elems = elems(ft);
          List<String> names = new ArrayList<>();
          for (int i = 0; i < 64; i++) {
            if ((bits & (1L << i)) != 0) {
              if (i >= elems.size()) {
                throw new CodecException(
                    at, "SET bit " + i + " out of range (" + elems.size() + " elements)");
              }
              names.add(elems.get(i));
            }
          }
          return new MysqlSet(bits, names);
        }
      case MysqlType.BIT:
        {
          long bits = asUnsignedBits(d, ft, at);
          if (ft.flen() > 0 && ft.flen() < 64 && (bits >>> ft.flen()) != 0) {
            throw new CodecException(
                at, "BIT value 0x" + Long.toHexString(bits) + " wider than BIT(" + ft.flen() + ")");
          }
          return new MysqlBit(bits, ft.flen());
        }
      case MysqlType.JSON:
        if (d instanceof Datum.Json j) {
          return JsonBinary.toText(j.typeCode(), j.value());
        }
        throw mismatch(d, ft, at);
      case MysqlType.VARCHAR,
      MysqlType.VAR_STRING,
      MysqlType.STRING,
      MysqlType.TINY_BLOB,
      MysqlType.MEDIUM_BLOB,
      MysqlType.LONG_BLOB,
      MysqlType.BLOB:
        if (d instanceof Datum.Bytes b) {
          if (ft.isBinaryString()) {
            return b.value().clone();
          }
          return decodeString(b.value(), ft.charset(), at);
        }
        throw mismatch(d, ft, at);
      case MysqlType.GEOMETRY:
        if (d instanceof Datum.Bytes b) {
          return b.value().clone();
        }
        throw mismatch(d, ft, at);
      default:
        throw new CodecException(at, "unsupported column type " + tp);
    }
  }

  private static List<String> elems(FieldType ft) {
    return ft.elems() == null ? List.of() : ft.elems();
  }

  private static CodecException mismatch(Datum d, FieldType ft, int at) {
    return new CodecException(
        at, "datum " + d.getClass().getSimpleName() + " does not fit column type " + ft.tp());
  }

  private static Object toInteger(Datum d, FieldType ft, int at) {
    boolean unsignedBig = ft.isUnsigned() && ft.tp() == MysqlType.LONGLONG;
    long bits;
    boolean isUnsignedDatum;
    if (d instanceof Datum.Int i) {
      bits = i.value();
      // An int datum in an unsigned column is an int handle whose uint64 bits were reinterpreted.
      isUnsignedDatum = ft.isUnsigned();
    } else if (d instanceof Datum.Uint u) {
      bits = u.bits();
      isUnsignedDatum = true;
    } else {
      throw mismatch(d, ft, at);
    }
    if (unsignedBig) {
      return isUnsignedDatum
          ? new BigInteger(Long.toUnsignedString(bits))
          : BigInteger.valueOf(bits);
    }
    if (ft.isUnsigned() && bits < 0) {
      throw new CodecException(
          at,
          "negative or too large value "
              + (isUnsignedDatum ? Long.toUnsignedString(bits) : Long.toString(bits))
              + " for an unsigned column");
    }
    if (isUnsignedDatum && bits < 0) {
      throw new CodecException(
          at, "unsigned value " + Long.toUnsignedString(bits) + " does not fit a signed column");
    }
    return bits;
  }

  private static double asFloat(Datum d, int at) {
    if (d instanceof Datum.Float64 f) {
      return f.value();
    }
    throw new CodecException(at, "expected a float datum, got " + d.getClass().getSimpleName());
  }

  private static long asUnsignedBits(Datum d, FieldType ft, int at) {
    if (d instanceof Datum.Uint u) {
      return u.bits();
    }
    if (d instanceof Datum.Int i && i.value() >= 0) {
      return i.value();
    }
    throw mismatch(d, ft, at);
  }

  /**
   * Converts a decoded TIMESTAMP value (UTC wall clock, as stored) to another zone's wall clock;
   * zero and zero-in-date values ({@link MysqlTime}) and {@code null} are returned unchanged.
   */
  public static Object timestampInZone(Object decoded, java.time.ZoneId zone) {
    if (decoded instanceof LocalDateTime t) {
      return t.atZone(java.time.ZoneOffset.UTC).withZoneSameInstant(zone).toLocalDateTime();
    }
    return decoded;
  }

  /** Java charset for a MySQL charset name. */
  public static Charset javaCharset(String mysqlCharset) {
    String cs = mysqlCharset == null ? "" : mysqlCharset.toLowerCase(Locale.ROOT);
    switch (cs) {
      case "", "utf8mb4", "utf8", "utf8mb3":
        return StandardCharsets.UTF_8;
      case "latin1":
        return Charset.forName("windows-1252");
      case "ascii":
        return StandardCharsets.US_ASCII;
      case "gbk":
        return Charset.forName("GBK");
      case "gb18030":
        return Charset.forName("GB18030");
      case "binary":
        return StandardCharsets.ISO_8859_1;
      default:
        throw new CodecException(-1, "unsupported charset " + mysqlCharset);
    }
  }

  static String decodeString(byte[] b, String charset, int at) {
    try {
      return javaCharset(charset)
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b))
          .toString();
    } catch (CharacterCodingException e) {
      throw new CodecException(at, "string is not valid " + charset, e);
    }
  }

  static byte[] encodeString(String s, String charset) {
    return encodeStrictly(s, javaCharset(charset), "string cannot be encoded in " + charset);
  }

  /** Encodes {@code s}, refusing what the charset cannot represent instead of replacing it. */
  static byte[] encodeStrictly(String s, Charset charset, String problem) {
    try {
      ByteBuffer bb =
          charset
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(s));
      byte[] out = new byte[bb.remaining()];
      bb.get(out);
      return out;
    } catch (CharacterCodingException e) {
      throw new CodecException(-1, problem, e);
    }
  }

  // ------------------------------------------------------------------ typed -> datum

  /** Flattens a typed value into the datum TiDB writes in row images. */
  public static Datum toDatum(Object v, FieldType ft) {
    if (v == null) {
      return Datum.NULL;
    }
    int tp = ft.tp();
    switch (tp) {
      case MysqlType.TINY,
      MysqlType.SHORT,
      MysqlType.INT24,
      MysqlType.LONG,
      MysqlType.LONGLONG,
      MysqlType.YEAR:
        {
          BigInteger bi = toBigInteger(v);
          if (ft.isUnsigned()) {
            if (bi.signum() < 0 || bi.bitLength() > 64) {
              throw new CodecException(-1, "value " + bi + " out of unsigned 64-bit range");
            }
            return new Datum.Uint(bi.longValue());
          }
          if (bi.bitLength() > 63) {
            throw new CodecException(-1, "value " + bi + " out of signed 64-bit range");
          }
          return new Datum.Int(bi.longValue());
        }
      case MysqlType.FLOAT:
        return new Datum.Float64((double) ((Number) v).floatValue());
      case MysqlType.DOUBLE:
        return new Datum.Float64(((Number) v).doubleValue());
      case MysqlType.DECIMAL, MysqlType.NEWDECIMAL:
        {
          BigDecimal bd = v instanceof BigDecimal b ? b : new BigDecimal(v.toString());
          int prec = ft.flen() > 0 ? ft.flen() : 0;
          int frac = ft.decimal() >= 0 ? ft.decimal() : 0;
          if (prec == 0) {
            return new Datum.Decimal(bd, 0, 0).withOwnDigits();
          }
          return new Datum.Decimal(bd, prec, frac);
        }
      case MysqlType.DATE, MysqlType.NEWDATE, MysqlType.DATETIME, MysqlType.TIMESTAMP:
        return new Datum.Uint(toMysqlTime(v).toPacked());
      case MysqlType.DURATION:
        if (v instanceof Duration d) {
          return new Datum.Int(d.toNanos());
        }
        throw new CodecException(-1, "TIME value must be a Duration, got " + v.getClass());
      case MysqlType.ENUM:
        if (v instanceof MysqlEnum e) {
          return new Datum.Uint(e.index());
        } else if (v instanceof String s) {
          if (s.isEmpty()) {
            return new Datum.Uint(0);
          }
          int i = elems(ft).indexOf(s);
          if (i < 0) {
            throw new CodecException(-1, "unknown ENUM element " + s);
          }
          return new Datum.Uint(i + 1);
        }
        return new Datum.Uint(((Number) v).longValue());
      case MysqlType.SET:
        if (v instanceof MysqlSet s) {
          return new Datum.Uint(s.bits());
        } else if (v instanceof String s) {
          return new Datum.Uint(setBits(s, ft));
        }
        return new Datum.Uint(((Number) v).longValue());
      case MysqlType.BIT:
        if (v instanceof MysqlBit b) {
          return new Datum.Uint(b.value());
        } else if (v instanceof byte[] bytes) {
          if (bytes.length > 8) {
            throw new CodecException(-1, "BIT value longer than 8 bytes");
          }
          long x = 0;
          for (byte b : bytes) {
            x = (x << 8) | (b & 0xFF);
          }
          return new Datum.Uint(x);
        }
        return new Datum.Uint(((Number) v).longValue());
      case MysqlType.JSON:
        return JsonBinary.fromText(v.toString());
      case MysqlType.VARCHAR,
      MysqlType.VAR_STRING,
      MysqlType.STRING,
      MysqlType.TINY_BLOB,
      MysqlType.MEDIUM_BLOB,
      MysqlType.LONG_BLOB,
      MysqlType.BLOB,
      MysqlType.GEOMETRY:
        if (v instanceof byte[] b) {
          return new Datum.Bytes(b.clone());
        }
        return new Datum.Bytes(
            encodeString(v.toString(), ft.isBinaryString() ? "utf8mb4" : ft.charset()));
      default:
        throw new CodecException(-1, "unsupported column type " + tp);
    }
  }

  /** The bitmask of a SET value written as member names, {@code "a,b"} (as MySQL, any case). */
  private static long setBits(String names, FieldType ft) {
    long bits = 0;
    if (names.isEmpty()) {
      return bits;
    }
    List<String> elems = elems(ft);
    for (String name : names.split(",", -1)) {
      int i = -1;
      for (int k = 0; k < elems.size(); k++) {
        if (elems.get(k).equalsIgnoreCase(name)) {
          i = k;
          break;
        }
      }
      if (i < 0 || i >= 64) {
        throw new CodecException(-1, "unknown SET element " + name);
      }
      bits |= 1L << i;
    }
    return bits;
  }

  /** The datum of a clustered-PK handle column: like the row form, but TIME uses flag 7. */
  public static Datum toHandleDatum(Object v, FieldType ft) {
    Datum d = toDatum(v, ft);
    if (ft.tp() == MysqlType.DURATION && d instanceof Datum.Int i) {
      return new Datum.Duration(i.value());
    }
    return d;
  }

  private static BigInteger toBigInteger(Object v) {
    if (v instanceof BigInteger b) {
      return b;
    } else if (v instanceof Long
        || v instanceof Integer
        || v instanceof Short
        || v instanceof Byte) {
      return BigInteger.valueOf(((Number) v).longValue());
    } else if (v instanceof BigDecimal bd) {
      return bd.toBigIntegerExact();
    }
    throw new CodecException(-1, "not an integer value: " + v.getClass().getName());
  }

  private static MysqlTime toMysqlTime(Object v) {
    if (v instanceof MysqlTime t) {
      return t;
    } else if (v instanceof LocalDateTime t) {
      return MysqlTime.of(t);
    } else if (v instanceof LocalDate d) {
      return MysqlTime.of(d);
    }
    throw new CodecException(-1, "not a time value: " + v.getClass().getName());
  }
}
