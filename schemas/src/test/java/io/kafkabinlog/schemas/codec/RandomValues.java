package io.kafkabinlog.schemas.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkabinlog.schemas.tableinfo.FieldType;
import io.kafkabinlog.schemas.tableinfo.MysqlFlag;
import io.kafkabinlog.schemas.tableinfo.MysqlType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random typed values per column type, biased to edge cases. */
public final class RandomValues {
  private final Random rnd;

  public RandomValues(Random rnd) {
    this.rnd = rnd;
  }

  public static final List<String> ELEMS =
      List.of("a", "b", "c", "ü", "😀", "", "x y", "z", "q", "r", "s", "t");

  /** Column types covering every decoding branch. */
  public static List<FieldType> columnTypes() {
    List<FieldType> out = new ArrayList<>();
    int[] ints = {
      MysqlType.TINY, MysqlType.SHORT, MysqlType.INT24, MysqlType.LONG, MysqlType.LONGLONG
    };
    for (int tp : ints) {
      out.add(FieldType.of(tp, 0, 11, 0, "binary"));
      out.add(FieldType.of(tp, MysqlFlag.UNSIGNED, 11, 0, "binary"));
    }
    out.add(FieldType.of(MysqlType.YEAR, MysqlFlag.UNSIGNED | MysqlFlag.ZEROFILL, 4, 0, "binary"));
    out.add(FieldType.of(MysqlType.FLOAT, 0, 12, -1, "binary"));
    out.add(FieldType.of(MysqlType.DOUBLE, 0, 22, -1, "binary"));
    out.add(FieldType.of(MysqlType.NEWDECIMAL, 0, 10, 2, "binary"));
    out.add(FieldType.of(MysqlType.NEWDECIMAL, 0, 65, 30, "binary"));
    out.add(FieldType.of(MysqlType.NEWDECIMAL, 0, 65, 0, "binary"));
    out.add(FieldType.of(MysqlType.NEWDECIMAL, 0, 18, 4, "binary"));
    out.add(FieldType.of(MysqlType.NEWDECIMAL, 0, 1, 1, "binary"));
    out.add(FieldType.of(MysqlType.DATE, 0, 10, 0, "binary"));
    out.add(FieldType.of(MysqlType.DATETIME, 0, 26, 6, "binary"));
    out.add(FieldType.of(MysqlType.TIMESTAMP, 0, 19, 0, "binary"));
    out.add(FieldType.of(MysqlType.DURATION, 0, 17, 6, "binary"));
    out.add(FieldType.withElems(MysqlType.ENUM, 0, ELEMS));
    out.add(FieldType.withElems(MysqlType.SET, 0, ELEMS));
    out.add(FieldType.of(MysqlType.BIT, MysqlFlag.UNSIGNED, 1, 0, "binary"));
    out.add(FieldType.of(MysqlType.BIT, MysqlFlag.UNSIGNED, 13, 0, "binary"));
    out.add(FieldType.of(MysqlType.BIT, MysqlFlag.UNSIGNED, 64, 0, "binary"));
    out.add(FieldType.of(MysqlType.JSON, MysqlFlag.BINARY, -1, 0, "binary"));
    out.add(
        new FieldType(MysqlType.VARCHAR, 0, 255, 0, "utf8mb4", "utf8mb4_bin", null, null, null));
    out.add(new FieldType(MysqlType.STRING, 0, 10, 0, "utf8", "utf8_general_ci", null, null, null));
    out.add(new FieldType(MysqlType.BLOB, 0, 65535, 0, "utf8mb4", "utf8mb4_bin", null, null, null));
    out.add(new FieldType(MysqlType.VARCHAR, 0, 255, 0, "latin1", "latin1_bin", null, null, null));
    out.add(FieldType.of(MysqlType.VARCHAR, MysqlFlag.BINARY, 255, 0, "binary"));
    out.add(FieldType.of(MysqlType.LONG_BLOB, MysqlFlag.BINARY, -1, 0, "binary"));
    out.add(FieldType.of(MysqlType.GEOMETRY, 0, -1, 0, "binary"));
    return out;
  }

  /** A value of the column type, NULL about 5% of the time. */
  public Object valueFor(FieldType ft) {
    if (rnd.nextInt(20) == 0) {
      return null;
    }
    boolean unsigned = ft.isUnsigned();
    switch (ft.tp()) {
      case MysqlType.TINY:
        return intOf(unsigned ? 0 : -128, unsigned ? 255 : 127);
      case MysqlType.SHORT:
        return intOf(unsigned ? 0 : -32768, unsigned ? 65535 : 32767);
      case MysqlType.INT24:
        return intOf(unsigned ? 0 : -8388608, unsigned ? 16777215 : 8388607);
      case MysqlType.LONG:
        return intOf(unsigned ? 0 : Integer.MIN_VALUE, unsigned ? 4294967295L : Integer.MAX_VALUE);
      case MysqlType.LONGLONG:
        if (unsigned) {
          return switch (rnd.nextInt(5)) {
            case 0 -> BigInteger.ZERO;
            case 1 -> new BigInteger("18446744073709551615");
            case 2 -> BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE);
            default -> new BigInteger(64, rnd);
          };
        }
        return switch (rnd.nextInt(5)) {
          case 0 -> Long.MIN_VALUE;
          case 1 -> Long.MAX_VALUE;
          case 2 -> 0L;
          default -> rnd.nextLong() >> rnd.nextInt(64);
        };
      case MysqlType.YEAR:
        return rnd.nextInt(4) == 0 ? 0L : (long) (1901 + rnd.nextInt(255));
      case MysqlType.FLOAT:
        return randomFloat();
      case MysqlType.DOUBLE:
        return randomDouble();
      case MysqlType.NEWDECIMAL:
        return randomDecimal(ft.flen(), ft.decimal());
      case MysqlType.DATE:
        {
          MysqlTime t = randomTime(false);
          return t.isCalendarValid() ? t.toLocalDate() : t;
        }
      case MysqlType.DATETIME, MysqlType.TIMESTAMP:
        {
          MysqlTime t = randomTime(true);
          return t.isCalendarValid() ? t.toLocalDateTime() : t;
        }
      case MysqlType.DURATION:
        {
          long maxMicros = 838L * 3600_000_000L + 59 * 60_000_000L + 59_999_999L;
          long micros =
              switch (rnd.nextInt(4)) {
                case 0 -> maxMicros;
                case 1 -> -maxMicros;
                case 2 -> (rnd.nextInt(86400) - 43200) * 1_000_000L;
                default -> (long) ((rnd.nextDouble() * 2 - 1) * maxMicros);
              };
          return Duration.ofNanos(micros * 1000);
        }
      case MysqlType.ENUM:
        {
          int i = rnd.nextInt(ELEMS.size() + 1);
          return new MysqlEnum(i, i == 0 ? "" : ELEMS.get(i - 1));
        }
      case MysqlType.SET:
        {
          long bits = rnd.nextLong() & ((1L << ELEMS.size()) - 1);
          List<String> names = new ArrayList<>();
          for (int i = 0; i < ELEMS.size(); i++) {
            if ((bits & (1L << i)) != 0) {
              names.add(ELEMS.get(i));
            }
          }
          return new MysqlSet(bits, names);
        }
      case MysqlType.BIT:
        {
          long v = ft.flen() >= 64 ? rnd.nextLong() : rnd.nextLong() & ((1L << ft.flen()) - 1);
          return new MysqlBit(v, ft.flen());
        }
      case MysqlType.JSON:
        return randomJson(0).toString();
      case MysqlType.GEOMETRY:
        return randomBytes();
      default:
        if (ft.isBinaryString()) {
          return randomBytes();
        }
        if ("latin1".equals(ft.charset())) {
          StringBuilder sb = new StringBuilder();
          String alphabet = "abcXYZ 09éüÿ€‰\t'\"\\";
          int n = rnd.nextInt(12);
          for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
          }
          return sb.toString();
        }
        return randomString(ft.charset().equals("utf8"));
    }
  }

  private long intOf(long min, long max) {
    return switch (rnd.nextInt(6)) {
      case 0 -> min;
      case 1 -> max;
      case 2 -> 0L;
      default -> min + (long) (rnd.nextDouble() * ((double) max - min + 1)) % (max - min + 1);
    };
  }

  public float randomFloat() {
    return switch (rnd.nextInt(12)) {
      case 0 -> -0.0f;
      case 1 -> Float.NaN;
      case 2 -> Float.POSITIVE_INFINITY;
      case 3 -> Float.NEGATIVE_INFINITY;
      case 4 -> Float.MIN_VALUE;
      case 5 -> -Float.MAX_VALUE;
      case 6 -> 0.0f;
      default -> Float.intBitsToFloat(rnd.nextInt());
    };
  }

  public double randomDouble() {
    return switch (rnd.nextInt(12)) {
      case 0 -> -0.0;
      case 1 -> Double.NaN;
      case 2 -> Double.POSITIVE_INFINITY;
      case 3 -> Double.NEGATIVE_INFINITY;
      case 4 -> Double.MIN_VALUE;
      case 5 -> Double.MAX_VALUE;
      case 6 -> rnd.nextGaussian() * 1e6;
      default -> Double.longBitsToDouble(rnd.nextLong());
    };
  }

  public BigDecimal randomDecimal(int prec, int frac) {
    int intg = prec - frac;
    StringBuilder sb = new StringBuilder();
    int mode = rnd.nextInt(5);
    int nInt = mode == 0 ? intg : rnd.nextInt(intg + 1);
    for (int i = 0; i < nInt; i++) {
      sb.append(mode == 0 ? '9' : (char) ('0' + rnd.nextInt(10)));
    }
    if (sb.length() == 0) {
      sb.append('0');
    }
    if (frac > 0) {
      sb.append('.');
      for (int i = 0; i < frac; i++) {
        sb.append(mode == 0 ? '9' : (char) ('0' + rnd.nextInt(10)));
      }
    }
    BigDecimal v = new BigDecimal(sb.toString());
    return rnd.nextBoolean() ? v.negate() : v;
  }

  public MysqlTime randomTime(boolean withTime) {
    switch (rnd.nextInt(8)) {
      case 0:
        return MysqlTime.ZERO;
      case 1:
        return new MysqlTime(rnd.nextInt(10000), rnd.nextInt(13), 0, 0, 0, 0, 0);
      case 2:
        return new MysqlTime(rnd.nextInt(10000), 0, rnd.nextInt(32), 0, 0, 0, 0);
      case 3:
        return new MysqlTime(
            9999,
            12,
            31,
            withTime ? 23 : 0,
            withTime ? 59 : 0,
            withTime ? 59 : 0,
            withTime ? 999_999 : 0);
      default:
        {
          LocalDate d = LocalDate.of(1, 1, 1).plusDays(rnd.nextInt(3_652_058));
          if (!withTime) {
            return MysqlTime.of(d);
          }
          LocalDateTime t =
              d.atStartOfDay()
                  .plusSeconds(rnd.nextInt(86400))
                  .plusNanos(rnd.nextBoolean() ? 0 : rnd.nextInt(1_000_000) * 1000L);
          return MysqlTime.of(t);
        }
    }
  }

  public byte[] randomBytes() {
    byte[] b = new byte[rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(40)];
    rnd.nextBytes(b);
    return b;
  }

  public String randomString(boolean bmpOnly) {
    int n = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(20);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      switch (rnd.nextInt(6)) {
        case 0 -> sb.appendCodePoint(bmpOnly ? 0x4E2D : 0x1F600 + rnd.nextInt(80));
        case 1 -> sb.append((char) (0xA0 + rnd.nextInt(0x700)));
        case 2 -> sb.append("\"\\\n\t\u0001/".charAt(rnd.nextInt(6)));
        default -> sb.append((char) ('a' + rnd.nextInt(26)));
      }
    }
    return sb.toString();
  }

  public JsonNode randomJson(int depth) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    int pick = depth > 4 ? 2 + rnd.nextInt(8) : rnd.nextInt(10);
    switch (pick) {
      case 0:
        {
          ObjectNode o = f.objectNode();
          int n = rnd.nextInt(5);
          for (int i = 0; i < n; i++) {
            o.set(randomString(false), randomJson(depth + 1));
          }
          return o;
        }
      case 1:
        {
          ArrayNode a = f.arrayNode();
          int n = rnd.nextInt(5);
          for (int i = 0; i < n; i++) {
            a.add(randomJson(depth + 1));
          }
          return a;
        }
      case 2:
        return f.nullNode();
      case 3:
        return f.booleanNode(rnd.nextBoolean());
      case 4:
        return f.numberNode(rnd.nextLong() >> rnd.nextInt(64));
      case 5:
        return f.numberNode(
            BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.valueOf(rnd.nextLong() >>> 1)));
      case 6:
        {
          double d =
              rnd.nextBoolean()
                  ? rnd.nextGaussian() * 1000
                  : Double.longBitsToDouble(rnd.nextLong());
          return f.numberNode(Double.isFinite(d) ? d : 1.5);
        }
      default:
        return f.textNode(randomString(false));
    }
  }
}
