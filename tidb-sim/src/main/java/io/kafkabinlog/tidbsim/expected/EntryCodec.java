package io.kafkabinlog.tidbsim.expected;

import io.kafkabinlog.schemas.codec.MysqlBit;
import io.kafkabinlog.schemas.codec.MysqlEnum;
import io.kafkabinlog.schemas.codec.MysqlSet;
import io.kafkabinlog.schemas.codec.MysqlTime;
import io.kafkabinlog.schemas.tableinfo.TableInfoJson;
import io.kafkabinlog.tidbsim.mutation.RowChange;
import io.kafkabinlog.tidbsim.mutation.SimRow;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The binary payload of one log entry: a type byte, the commit ts, then the entry. Row values carry
 * a type tag so that a replay gets back the Java types the sim wrote (Integer/Short/Byte come back
 * as Long).
 */
final class EntryCodec {
  private static final int DML = 1;
  private static final int DDL = 2;
  private static final int GENERATED = 3;

  private static final int INSERT = 1;
  private static final int UPDATE = 2;
  private static final int DELETE = 3;

  private static final int T_NULL = 0;
  private static final int T_LONG = 1;
  private static final int T_BIGINT = 2;
  private static final int T_DECIMAL = 3;
  private static final int T_DOUBLE = 4;
  private static final int T_FLOAT = 5;
  private static final int T_STRING = 6;
  private static final int T_BYTES = 7;
  private static final int T_DATE = 8;
  private static final int T_DATETIME = 9;
  private static final int T_MYSQL_TIME = 10;
  private static final int T_DURATION = 11;
  private static final int T_ENUM = 12;
  private static final int T_SET = 13;
  private static final int T_BIT = 14;

  private EntryCodec() {}

  static byte[] encode(final LogEntry entry) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      if (entry instanceof LogEntry.Dml dml) {
        out.writeByte(DML);
        out.writeLong(dml.commitTs());
        out.writeInt(dml.changes().size());
        for (RowChange c : dml.changes()) {
          writeChange(c, out);
        }
      } else if (entry instanceof LogEntry.Ddl ddl) {
        out.writeByte(DDL);
        out.writeLong(ddl.commitTs());
        writeString(TableInfoJson.toJson(ddl.job()), out);
      } else if (entry instanceof LogEntry.GeneratedRows g) {
        out.writeByte(GENERATED);
        out.writeLong(g.commitTs());
        out.writeLong(g.tableId());
        out.writeLong(g.seed());
        out.writeLong(g.firstId());
        out.writeLong(g.count());
        out.writeInt(g.rowBytes());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static LogEntry decode(final byte[] payload) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
    int type = in.readUnsignedByte();
    long commitTs = in.readLong();
    LogEntry entry;
    switch (type) {
      case DML:
        {
          int n = in.readInt();
          List<RowChange> changes = new ArrayList<>(Math.min(n, 1 << 16));
          for (int i = 0; i < n; i++) {
            changes.add(readChange(in));
          }
          entry = new LogEntry.Dml(commitTs, changes);
          break;
        }
      case DDL:
        entry = new LogEntry.Ddl(commitTs, TableInfoJson.parseJob(readString(in)));
        break;
      case GENERATED:
        entry =
            new LogEntry.GeneratedRows(
                commitTs, in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readInt());
        break;
      default:
        throw new IOException("unknown entry type " + type);
    }
    if (in.available() > 0) {
      throw new IOException(in.available() + " bytes after the entry");
    }
    return entry;
  }

  private static void writeChange(final RowChange c, final DataOutputStream out)
      throws IOException {
    if (c instanceof RowChange.Insert i) {
      out.writeByte(INSERT);
      out.writeLong(i.tableId());
      writeRow(i.row(), out);
    } else if (c instanceof RowChange.Update u) {
      out.writeByte(UPDATE);
      out.writeLong(u.tableId());
      writeRow(u.oldRow(), out);
      writeRow(u.newRow(), out);
    } else if (c instanceof RowChange.Delete d) {
      out.writeByte(DELETE);
      out.writeLong(d.tableId());
      writeRow(d.row(), out);
    }
  }

  private static RowChange readChange(final DataInputStream in) throws IOException {
    int kind = in.readUnsignedByte();
    long tableId = in.readLong();
    switch (kind) {
      case INSERT:
        return new RowChange.Insert(tableId, readRow(in));
      case UPDATE:
        return new RowChange.Update(tableId, readRow(in), readRow(in));
      case DELETE:
        return new RowChange.Delete(tableId, readRow(in));
      default:
        throw new IOException("unknown row change kind " + kind);
    }
  }

  private static void writeRow(final SimRow row, final DataOutputStream out) throws IOException {
    out.writeLong(row.rowId());
    out.writeInt(row.values().size());
    for (Map.Entry<Long, Object> e : row.values().entrySet()) {
      out.writeLong(e.getKey());
      writeValue(e.getValue(), out);
    }
  }

  private static SimRow readRow(final DataInputStream in) throws IOException {
    long rowId = in.readLong();
    int n = in.readInt();
    Map<Long, Object> values = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      values.put(in.readLong(), readValue(in));
    }
    return new SimRow(values, rowId);
  }

  static void writeValue(final Object v, final DataOutputStream out) throws IOException {
    if (v == null) {
      out.writeByte(T_NULL);
    } else if (v instanceof Long
        || v instanceof Integer
        || v instanceof Short
        || v instanceof Byte) {
      out.writeByte(T_LONG);
      out.writeLong(((Number) v).longValue());
    } else if (v instanceof BigInteger bi) {
      out.writeByte(T_BIGINT);
      writeBytes(bi.toByteArray(), out);
    } else if (v instanceof BigDecimal d) {
      out.writeByte(T_DECIMAL);
      out.writeInt(d.scale());
      writeBytes(d.unscaledValue().toByteArray(), out);
    } else if (v instanceof Double d) {
      out.writeByte(T_DOUBLE);
      out.writeLong(Double.doubleToRawLongBits(d));
    } else if (v instanceof Float f) {
      out.writeByte(T_FLOAT);
      out.writeInt(Float.floatToRawIntBits(f));
    } else if (v instanceof String s) {
      out.writeByte(T_STRING);
      writeString(s, out);
    } else if (v instanceof byte[] b) {
      out.writeByte(T_BYTES);
      writeBytes(b, out);
    } else if (v instanceof LocalDate d) {
      out.writeByte(T_DATE);
      out.writeLong(d.toEpochDay());
    } else if (v instanceof LocalDateTime t) {
      out.writeByte(T_DATETIME);
      out.writeLong(t.toEpochSecond(ZoneOffset.UTC));
      out.writeInt(t.getNano());
    } else if (v instanceof MysqlTime t) {
      out.writeByte(T_MYSQL_TIME);
      out.writeLong(t.toPacked());
    } else if (v instanceof Duration d) {
      out.writeByte(T_DURATION);
      out.writeLong(d.getSeconds());
      out.writeInt(d.getNano());
    } else if (v instanceof MysqlEnum e) {
      out.writeByte(T_ENUM);
      out.writeLong(e.index());
      writeString(e.name(), out);
    } else if (v instanceof MysqlSet s) {
      out.writeByte(T_SET);
      out.writeLong(s.bits());
      out.writeInt(s.names().size());
      for (String name : s.names()) {
        writeString(name, out);
      }
    } else if (v instanceof MysqlBit b) {
      out.writeByte(T_BIT);
      out.writeLong(b.value());
      out.writeInt(b.width());
    } else {
      throw new IllegalArgumentException(
          "the expected-state log cannot store a " + v.getClass().getName() + " value: " + v);
    }
  }

  static Object readValue(final DataInputStream in) throws IOException {
    int tag = in.readUnsignedByte();
    switch (tag) {
      case T_NULL:
        return null;
      case T_LONG:
        return in.readLong();
      case T_BIGINT:
        return new BigInteger(readBytes(in));
      case T_DECIMAL:
        {
          int scale = in.readInt();
          return new BigDecimal(new BigInteger(readBytes(in)), scale);
        }
      case T_DOUBLE:
        return Double.longBitsToDouble(in.readLong());
      case T_FLOAT:
        return Float.intBitsToFloat(in.readInt());
      case T_STRING:
        return readString(in);
      case T_BYTES:
        return readBytes(in);
      case T_DATE:
        return LocalDate.ofEpochDay(in.readLong());
      case T_DATETIME:
        {
          long seconds = in.readLong();
          return LocalDateTime.ofEpochSecond(seconds, in.readInt(), ZoneOffset.UTC);
        }
      case T_MYSQL_TIME:
        return MysqlTime.fromPacked(in.readLong(), -1);
      case T_DURATION:
        {
          long seconds = in.readLong();
          return Duration.ofSeconds(seconds, in.readInt());
        }
      case T_ENUM:
        {
          long index = in.readLong();
          return new MysqlEnum(index, readString(in));
        }
      case T_SET:
        {
          long bits = in.readLong();
          int n = in.readInt();
          List<String> names = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            names.add(readString(in));
          }
          return new MysqlSet(bits, names);
        }
      case T_BIT:
        {
          long value = in.readLong();
          return new MysqlBit(value, in.readInt());
        }
      default:
        throw new IOException("unknown value tag " + tag);
    }
  }

  private static void writeString(final String s, final DataOutputStream out) throws IOException {
    writeBytes(s.getBytes(StandardCharsets.UTF_8), out);
  }

  private static String readString(final DataInputStream in) throws IOException {
    return new String(readBytes(in), StandardCharsets.UTF_8);
  }

  private static void writeBytes(final byte[] b, final DataOutputStream out) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  private static byte[] readBytes(final DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > in.available()) {
      throw new IOException("byte string of length " + n + " past the end of the entry");
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }
}
