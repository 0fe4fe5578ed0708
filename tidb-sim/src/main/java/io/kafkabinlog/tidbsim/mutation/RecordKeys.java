package io.kafkabinlog.tidbsim.mutation;

import io.kafkabinlog.schemas.codec.ByteWriter;
import io.kafkabinlog.schemas.codec.DatumCodec;
import io.kafkabinlog.schemas.codec.ValueCodec;
import io.kafkabinlog.schemas.codec.row.Handle;
import io.kafkabinlog.schemas.tableinfo.ColumnInfo;
import io.kafkabinlog.schemas.tableinfo.FieldType;
import io.kafkabinlog.schemas.tableinfo.IndexColumn;
import io.kafkabinlog.schemas.tableinfo.IndexInfo;
import io.kafkabinlog.schemas.tableinfo.MysqlType;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * TiKV record keys and handles of sim rows, as TiDB computes them ({@code tablecodec} and {@code
 * tables.AddRecord}): an int handle is the integer primary key ({@code pk_is_handle}) or the hidden
 * {@code _tidb_rowid}; a clustered (common) handle is the primary-key values, prefix-truncated and
 * turned into collation keys, in the memcomparable key encoding.
 *
 * <p>Clustered keys on strings are supported for the binary collation and the {@code *_bin}
 * collations (whose key is the string without trailing spaces), which is what the sim creates;
 * other collations' sort keys are not implemented.
 */
public final class RecordKeys {
  private static final long SIGN = 0x8000000000000000L;
  private static final byte[] RECORD_SEP = {'_', 'r'};

  private RecordKeys() {}

  /**
   * The TiKV record key: {@code 't' + int64 comparable(table id) + "_r" + handle key}. Partitioned
   * tables would use the partition's physical id; the sim uses the logical id.
   */
  public static byte[] recordKey(final TableInfo table, final SimRow row) {
    ByteWriter w = new ByteWriter();
    w.writeByte('t').writeLongBE(table.id() ^ SIGN).writeBytes(RECORD_SEP);
    w.writeBytes(handleKey(table, row));
    return w.toByteArray();
  }

  /**
   * The encoded handle, which identifies the row within its table: 8 comparable bytes for an int
   * handle, the memcomparable primary-key datums for a clustered one.
   */
  public static byte[] handleKey(final TableInfo table, final SimRow row) {
    ByteWriter w = new ByteWriter();
    if (table.isCommonHandle()) {
      List<ColumnInfo> cols = table.commonHandleColumns();
      List<Object> values = commonHandleValues(table, row);
      for (int i = 0; i < cols.size(); i++) {
        DatumCodec.encodeKey(ValueCodec.toHandleDatum(values.get(i), cols.get(i).type()), w);
      }
    } else {
      w.writeLongBE(intHandle(table, row) ^ SIGN);
    }
    return w.toByteArray();
  }

  /** The handle TiDB puts in front of an {@code inserted_rows} entry. */
  public static Handle handle(final TableInfo table, final SimRow row) {
    if (table.isCommonHandle()) {
      return new Handle.CommonHandle(commonHandleValues(table, row));
    }
    return new Handle.IntHandle(intHandle(table, row));
  }

  /**
   * Whether two rows of the table have the same handle (a different one makes an update a move).
   */
  public static boolean sameHandle(final TableInfo table, final SimRow a, final SimRow b) {
    return Arrays.equals(handleKey(table, a), handleKey(table, b));
  }

  /**
   * The int handle: the integer primary key (a BIGINT UNSIGNED's bits reinterpreted as int64) when
   * {@code pk_is_handle}, else the hidden row id.
   */
  public static long intHandle(final TableInfo table, final SimRow row) {
    if (table.pkIsHandle()) {
      ColumnInfo pk =
          table
              .handleColumn()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "table " + name(table) + " has pk_is_handle but no PRIMARY KEY column"));
      Object v = row.value(pk.id());
      if (v instanceof BigInteger bi) {
        return bi.longValue();
      } else if (v instanceof Number n) {
        return n.longValue();
      }
      throw new IllegalArgumentException(
          "primary key column "
              + pk.name().o()
              + " of table "
              + name(table)
              + " must hold an integer, got "
              + v);
    }
    if (row.rowId() == SimRow.NO_ROW_ID) {
      throw new IllegalArgumentException(
          "table " + name(table) + " has no clustered key, so its rows need a _tidb_rowid");
    }
    return row.rowId();
  }

  /**
   * The primary-key values of a clustered table as the key holds them: prefix columns truncated,
   * strings replaced by their collation key.
   */
  public static List<Object> commonHandleValues(final TableInfo table, final SimRow row) {
    IndexInfo pk =
        table
            .primaryIndex()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "clustered table " + name(table) + " has no primary index"));
    List<Object> out = new ArrayList<>(pk.idxCols().size());
    for (IndexColumn ic : pk.idxCols()) {
      ColumnInfo col = table.cols().get(ic.offset());
      Object v = row.value(col.id());
      if (v == null) {
        throw new IllegalArgumentException(
            "primary key column " + col.name().o() + " of table " + name(table) + " is NULL");
      }
      out.add(keyValue(v, col, ic.length(), table));
    }
    return out;
  }

  /**
   * The encoded values of a row in a unique index (prefix columns truncated, strings replaced by
   * their collation key), or null when one of them is NULL: NULLs never collide in a unique index.
   */
  public static byte[] uniqueKey(final TableInfo table, final IndexInfo index, final SimRow row) {
    ByteWriter w = new ByteWriter();
    for (IndexColumn ic : index.idxCols()) {
      ColumnInfo col = table.cols().get(ic.offset());
      Object v = row.value(col.id());
      if (v == null) {
        return null;
      }
      DatumCodec.encodeKey(
          ValueCodec.toHandleDatum(keyValue(v, col, ic.length(), table), col.type()), w);
    }
    return w.toByteArray();
  }

  private static Object keyValue(
      final Object v, final ColumnInfo col, final int prefixLength, final TableInfo table) {
    FieldType ft = col.type();
    if (!MysqlType.isString(ft.tp())) {
      return v;
    }
    String collation = collation(ft, table);
    if (ft.isBinaryString() || collation.equals("binary")) {
      byte[] bytes = v instanceof byte[] b ? b : v.toString().getBytes(StandardCharsets.UTF_8);
      if (prefixLength >= 0 && bytes.length > prefixLength) {
        bytes = Arrays.copyOf(bytes, prefixLength);
      }
      return bytes;
    }
    String s = v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : v.toString();
    if (prefixLength >= 0 && s.codePointCount(0, s.length()) > prefixLength) {
      s = s.substring(0, s.offsetByCodePoints(0, prefixLength));
    }
    if (collation.equals("utf8mb4_0900_bin")) {
      return s;
    }
    if (collation.endsWith("_bin")) {
      return trimTrailingSpaces(s);
    }
    throw new IllegalArgumentException(
        "tidb-sim builds clustered and unique keys only on binary and *_bin string columns; column "
            + col.name().o()
            + " of table "
            + name(table)
            + " uses collation "
            + collation);
  }

  /**
   * TiDB's {@code types.NeedRestoredData}: a clustered-key string column whose key cannot give back
   * the stored value (non-binary collation other than a padding {@code _bin} on CHAR), so the value
   * stays in the row.
   */
  public static boolean needsRestoredData(final FieldType ft, final TableInfo table) {
    if (!MysqlType.isString(ft.tp()) || ft.isBinaryString()) {
      return false;
    }
    String collation = collation(ft, table);
    if (collation.equals("binary") || collation.equals("utf8mb4_0900_bin")) {
      return false;
    }
    boolean varchar = ft.tp() == MysqlType.VARCHAR || ft.tp() == MysqlType.VAR_STRING;
    return !collation.endsWith("_bin") || varchar;
  }

  static String collation(final FieldType ft, final TableInfo table) {
    if (ft.collate() != null && !ft.collate().isEmpty()) {
      return ft.collate().toLowerCase(Locale.ROOT);
    }
    if (ft.isBinaryString()) {
      return "binary";
    }
    return table.collate() == null || table.collate().isEmpty()
        ? "utf8mb4_bin"
        : table.collate().toLowerCase(Locale.ROOT);
  }

  private static String trimTrailingSpaces(final String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == ' ') {
      end--;
    }
    return s.substring(0, end);
  }

  static String name(final TableInfo table) {
    return (table.name() == null ? "?" : table.name().o()) + " (id " + table.id() + ")";
  }
}
