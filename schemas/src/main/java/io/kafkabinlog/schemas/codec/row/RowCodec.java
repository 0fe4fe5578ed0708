package io.kafkabinlog.schemas.codec.row;

import io.kafkabinlog.schemas.codec.ByteReader;
import io.kafkabinlog.schemas.codec.ByteWriter;
import io.kafkabinlog.schemas.codec.CodecException;
import io.kafkabinlog.schemas.codec.Datum;
import io.kafkabinlog.schemas.codec.DatumCodec;
import io.kafkabinlog.schemas.codec.DatumFlag;
import io.kafkabinlog.schemas.codec.ValueCodec;
import io.kafkabinlog.schemas.tableinfo.ColumnInfo;
import io.kafkabinlog.schemas.tableinfo.FieldType;
import io.kafkabinlog.schemas.tableinfo.IndexColumn;
import io.kafkabinlog.schemas.tableinfo.MysqlType;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Binlog row images in TiDB's old (v1) row format, decoded against one TableInfo: {@code
 * inserted_rows} (handle prefix + pairs), {@code updated_rows} (old pairs + new pairs) and {@code
 * deleted_rows} (pairs). Column id -1 is the hidden {@code _tidb_rowid}; unknown ids are skipped.
 */
public final class RowCodec {
  private final TableInfo table;
  private final Map<Long, ColumnInfo> byId = new HashMap<>();
  private final List<ColumnInfo> commonHandleCols;
  private final List<IndexColumn> commonHandleIndexCols;

  public RowCodec(TableInfo table) {
    this.table = table;
    for (ColumnInfo c : table.cols()) {
      byId.put(c.id(), c);
    }
    this.commonHandleCols = table.commonHandleColumns();
    this.commonHandleIndexCols =
        table.isCommonHandle() && table.primaryIndex().isPresent()
            ? table.primaryIndex().get().idxCols()
            : List.of();
  }

  public TableInfo table() {
    return table;
  }

  // ------------------------------------------------------------------ decode

  public RowImage decodeInserted(byte[] row) {
    ByteReader r = new ByteReader(row);
    Handle handle;
    if (table.isCommonHandle()) {
      if (commonHandleCols.isEmpty()) {
        throw new CodecException(
            0, "table " + table.id() + " is clustered but has no primary index");
      }
      List<Object> values = new ArrayList<>();
      for (ColumnInfo c : commonHandleCols) {
        values.add(ValueCodec.decode(r, c.type()));
      }
      handle = new Handle.CommonHandle(values);
    } else {
      int at = r.position();
      handle = new Handle.IntHandle(asColumnId(DatumCodec.decodeOne(r), at, "handle"));
    }
    Map<Long, Object> values = new LinkedHashMap<>();
    Set<Long> unknown = new LinkedHashSet<>();
    readPairs(r, values, null, unknown);
    if (handle instanceof Handle.IntHandle ih) {
      if (table.pkIsHandle()) {
        table
            .handleColumn()
            .ifPresent(
                c ->
                    values.computeIfAbsent(
                        c.id(), k -> ValueCodec.fromDatum(new Datum.Int(ih.value()), c.type(), 0)));
      } else {
        values.putIfAbsent(TableInfo.EXTRA_HANDLE_ID, ih.value());
      }
    } else if (handle instanceof Handle.CommonHandle ch) {
      for (int i = 0; i < commonHandleCols.size(); i++) {
        ColumnInfo c = commonHandleCols.get(i);
        boolean prefix = commonHandleIndexCols.get(i).length() != -1;
        if (!prefix && handleValueIsExact(c.type())) {
          values.putIfAbsent(c.id(), ch.values().get(i));
        }
      }
    }
    return new RowImage(values, handle, unknown);
  }

  /**
   * Whether a clustered-key value equals the stored value: not for strings of non-binary collations
   * (the key holds a collation sort key under new collations).
   */
  private static boolean handleValueIsExact(FieldType ft) {
    if (!MysqlType.isString(ft.tp())) {
      return true;
    }
    String coll = ft.collate() == null ? "" : ft.collate().toLowerCase(java.util.Locale.ROOT);
    return ft.isBinaryString() || coll.equals("binary") || coll.endsWith("_bin");
  }

  public RowImage decodeDeleted(byte[] row) {
    ByteReader r = new ByteReader(row);
    Map<Long, Object> values = new LinkedHashMap<>();
    Set<Long> unknown = new LinkedHashSet<>();
    readPairs(r, values, null, unknown);
    return new RowImage(values, null, unknown);
  }

  public UpdatedRow decodeUpdated(byte[] row) {
    ByteReader r = new ByteReader(row);
    Map<Long, Object> oldValues = new LinkedHashMap<>();
    Map<Long, Object> newValues = new LinkedHashMap<>();
    Set<Long> unknown = new LinkedHashSet<>();
    readPairs(r, oldValues, newValues, unknown);
    return new UpdatedRow(
        new RowImage(oldValues, null, unknown), new RowImage(newValues, null, unknown));
  }

  private static long asColumnId(Datum d, int at, String what) {
    if (d instanceof Datum.Int i) {
      return i.value();
    }
    if (d instanceof Datum.Uint u && u.bits() >= 0) {
      return u.bits();
    }
    throw new CodecException(at, what + " must be an integer datum, got " + d);
  }

  /**
   * Reads (column id, value) pairs to the end. With {@code second} null a repeated id is an error;
   * otherwise the first occurrence goes to {@code first}, the second to {@code second}. A NilFlag
   * byte where a column id is expected is TiDB's encoding of an empty image and is accepted at the
   * start and as the last byte only.
   */
  private void readPairs(
      ByteReader r, Map<Long, Object> first, Map<Long, Object> second, Set<Long> unknown) {
    int start = r.position();
    Map<Long, Integer> unknownCount = new HashMap<>();
    while (r.hasRemaining()) {
      int at = r.position();
      if (r.peekUnsignedByte() == DatumFlag.NIL) {
        boolean atStart = at == start || (second != null && at == start + 1 && first.isEmpty());
        if (atStart || r.remaining() == 1) {
          r.readUnsignedByte();
          continue;
        }
        throw new CodecException(at, "NULL where a column id is expected");
      }
      long id = asColumnId(DatumCodec.decodeOne(r), at, "column id");
      if (!r.hasRemaining()) {
        throw new CodecException(r.position(), "column id " + id + " without a value");
      }
      int vat = r.position();
      Datum d = DatumCodec.decodeOne(r);
      Object value;
      if (id == TableInfo.EXTRA_HANDLE_ID) {
        value = asColumnId(d, vat, "_tidb_rowid");
      } else {
        ColumnInfo c = byId.get(id);
        if (c == null) {
          unknown.add(id);
          int n = unknownCount.merge(id, 1, Integer::sum);
          if (n > (second == null ? 1 : 2)) {
            throw new CodecException(at, "column id " + id + " repeated");
          }
          continue;
        }
        value = ValueCodec.fromDatum(d, c.type(), vat);
      }
      if (!first.containsKey(id)) {
        first.put(id, value);
      } else if (second != null && !second.containsKey(id)) {
        second.put(id, value);
      } else {
        throw new CodecException(at, "column id " + id + " repeated");
      }
    }
  }

  // ------------------------------------------------------------------ encode

  /** An {@code inserted_rows} entry: the handle datum(s), then the pairs (or {@code 00}). */
  public byte[] encodeInserted(Handle handle, Map<Long, Object> values) {
    ByteWriter w = new ByteWriter();
    if (handle instanceof Handle.IntHandle ih) {
      DatumCodec.encodeValue(new Datum.Int(ih.value()), w);
    } else if (handle instanceof Handle.CommonHandle ch) {
      if (ch.values().size() != commonHandleCols.size()) {
        throw new CodecException(
            -1,
            "common handle has "
                + ch.values().size()
                + " values, the key has "
                + commonHandleCols.size()
                + " columns");
      }
      for (int i = 0; i < commonHandleCols.size(); i++) {
        DatumCodec.encodeValue(
            ValueCodec.toHandleDatum(ch.values().get(i), commonHandleCols.get(i).type()), w);
      }
    } else {
      throw new CodecException(-1, "an inserted row needs a handle");
    }
    writePairs(values, w);
    return w.toByteArray();
  }

  /** A {@code deleted_rows} entry. */
  public byte[] encodeDeleted(Map<Long, Object> values) {
    ByteWriter w = new ByteWriter();
    writePairs(values, w);
    return w.toByteArray();
  }

  /** An {@code updated_rows} entry: old pairs then new pairs. */
  public byte[] encodeUpdated(Map<Long, Object> oldValues, Map<Long, Object> newValues) {
    ByteWriter w = new ByteWriter();
    writePairs(oldValues, w);
    writePairs(newValues, w);
    return w.toByteArray();
  }

  private void writePairs(Map<Long, Object> values, ByteWriter w) {
    if (values.isEmpty()) {
      w.writeByte(DatumFlag.NIL);
      return;
    }
    for (Map.Entry<Long, Object> e : values.entrySet()) {
      long id = e.getKey();
      DatumCodec.encodeValue(new Datum.Int(id), w);
      if (id == TableInfo.EXTRA_HANDLE_ID) {
        DatumCodec.encodeValue(new Datum.Int(((Number) e.getValue()).longValue()), w);
        continue;
      }
      ColumnInfo c = byId.get(id);
      if (c == null) {
        throw new CodecException(-1, "unknown column id " + id + " in table " + table.id());
      }
      DatumCodec.encodeValue(ValueCodec.toDatum(e.getValue(), c.type()), w);
    }
  }
}
