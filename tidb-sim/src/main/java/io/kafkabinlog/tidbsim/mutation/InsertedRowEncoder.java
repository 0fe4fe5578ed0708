package io.kafkabinlog.tidbsim.mutation;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkabinlog.schemas.codec.row.Handle;
import io.kafkabinlog.schemas.codec.row.RowCodec;
import io.kafkabinlog.schemas.tableinfo.ColumnInfo;
import io.kafkabinlog.schemas.tableinfo.IndexColumn;
import io.kafkabinlog.schemas.tableinfo.MysqlType;
import io.kafkabinlog.schemas.tableinfo.SchemaState;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes the {@code inserted_rows} entry of a row as TiDB's {@code addInsertBinlog} does: the
 * handle datum(s), then the pairs of the columns {@code AddRecord} stores (what {@code CanSkip}
 * omits is left out, and columns in DeleteOnly / DeleteReorganization state). Shared by {@link
 * TxnMutationsBuilder} and {@link GeneratedPrewrite}, so both write the same bytes for a row.
 */
public final class InsertedRowEncoder {
  private final TableInfo table;
  private final RowCodec codec;
  private final List<ColumnInfo> pkCols;
  private final List<IndexColumn> pkIdx;

  public InsertedRowEncoder(final TableInfo table) {
    this(table, new RowCodec(table));
  }

  InsertedRowEncoder(final TableInfo table, final RowCodec codec) {
    this.table = table;
    this.codec = codec;
    this.pkCols = table.commonHandleColumns();
    this.pkIdx = table.isCommonHandle() ? table.primaryIndex().orElseThrow().idxCols() : List.of();
  }

  public TableInfo table() {
    return table;
  }

  /** The {@code inserted_rows} entry of {@code row}. */
  public byte[] encode(final SimRow row) {
    Handle handle = RecordKeys.handle(table, row);
    Map<Long, Object> pairs = new LinkedHashMap<>();
    for (ColumnInfo c : table.cols()) {
      if (isDeleteOnly(c)) {
        continue;
      }
      Object v = row.value(c.id());
      if (!canSkip(c, v)) {
        pairs.put(c.id(), v);
      }
    }
    return codec.encodeInserted(handle, pairs);
  }

  /** TiDB's {@code tables.CanSkip}: columns an inserted row does not store. */
  private boolean canSkip(final ColumnInfo c, final Object value) {
    if (table.pkIsHandle() && c.type() != null && c.type().isPrimaryKey()) {
      return true;
    }
    for (int i = 0; i < pkCols.size(); i++) {
      if (pkCols.get(i).id() == c.id()) {
        return pkIdx.get(i).length() == -1 && !RecordKeys.needsRestoredData(c.type(), table);
      }
    }
    if (value == null && !hasDefault(c) && !hasOriginDefault(c)) {
      return true;
    }
    return isVirtualGenerated(c);
  }

  static boolean isDeleteOnly(final ColumnInfo c) {
    return c.state() == SchemaState.DELETE_ONLY || c.state() == SchemaState.DELETE_REORGANIZATION;
  }

  static boolean isVirtualGenerated(final ColumnInfo c) {
    return c.isGenerated() && !Boolean.TRUE.equals(c.generatedStored());
  }

  private static boolean hasDefault(final ColumnInfo c) {
    if (isBit(c) && c.defaultBit() != null) {
      return true;
    }
    return !isNull(c.defaultValue());
  }

  private static boolean hasOriginDefault(final ColumnInfo c) {
    if (isBit(c) && c.originDefaultBit() != null) {
      return true;
    }
    return !isNull(c.originDefault());
  }

  private static boolean isBit(final ColumnInfo c) {
    return c.type() != null && c.type().tp() == MysqlType.BIT;
  }

  private static boolean isNull(final JsonNode n) {
    return n == null || n.isNull() || n.isMissingNode();
  }
}
