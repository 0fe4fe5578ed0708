package io.kafkabinlog.tidbsim.mutation;

import com.google.protobuf.ByteString;
import io.kafkabinlog.schemas.codec.row.RowCodec;
import io.kafkabinlog.schemas.proto.binlog.MutationType;
import io.kafkabinlog.schemas.proto.binlog.PrewriteValue;
import io.kafkabinlog.schemas.proto.binlog.TableMutation;
import io.kafkabinlog.schemas.tableinfo.ColumnInfo;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Collects one transaction's row changes and builds its binlog {@link PrewriteValue} the way TiDB
 * does ({@code pkg/table/tables/tables.go} {@code AddRecord}, {@code UpdateRecord}, {@code
 * RemoveRecord}; {@code pkg/session/txn.go}): one {@link TableMutation} per table id in first-touch
 * order, rows and {@code sequence} appended per operation.
 *
 * <ul>
 *   <li>insert: handle datum(s), then the pairs of the stored columns, omitting what {@code
 *       CanSkip} omits: the int primary-key handle column, clustered primary-key columns whose key
 *       holds the whole value, NULL columns without default and origin default, virtual generated
 *       columns;
 *   <li>update: old and new images over every column (primary key and NULLs included) except
 *       virtual generated ones, plus {@code (-1, _tidb_rowid)} for tables without a clustered key;
 *       an update that changes the handle is a DeleteRow followed by an Insert;
 *   <li>delete: the full old row, plus {@code (-1, _tidb_rowid)} without a clustered key.
 * </ul>
 *
 * Columns in DeleteOnly / DeleteReorganization state are left out of inserts and updates. Not
 * thread-safe: one builder per transaction.
 */
public final class TxnMutationsBuilder {
  private final long schemaVersion;
  private final Map<Long, TableState> tables = new LinkedHashMap<>();
  private final Map<Long, RowCodec> codecs = new HashMap<>();
  private final List<RowChange> changes = new ArrayList<>();
  private byte[] primaryKey;

  /**
   * @param schemaVersion the schema version the transaction started with ({@code
   *     PrewriteValue.schema_version})
   */
  public TxnMutationsBuilder(final long schemaVersion) {
    this.schemaVersion = schemaVersion;
  }

  /** Adds an inserted row. */
  public void insert(final TableInfo table, final SimRow row) {
    Objects.requireNonNull(row, "row");
    TableState state = touch(table, row);
    state.insert(row);
    changes.add(new RowChange.Insert(table.id(), row));
  }

  /**
   * Adds an updated row. For tables without a clustered key the new image keeps the old row id.
   * When the handle changes, the binlog gets a DeleteRow of the old row and an Insert of the new
   * one, as TiDB writes them; {@link #rowChanges()} keeps the update.
   */
  public void update(final TableInfo table, final SimRow oldRow, final SimRow newRow) {
    Objects.requireNonNull(oldRow, "oldRow");
    Objects.requireNonNull(newRow, "newRow");
    SimRow next = newRow;
    if (table.hasHiddenRowId()) {
      if (newRow.rowId() != SimRow.NO_ROW_ID && newRow.rowId() != oldRow.rowId()) {
        throw new IllegalArgumentException(
            "an update cannot change the _tidb_rowid of a row of table "
                + RecordKeys.name(table)
                + " ("
                + oldRow.rowId()
                + " -> "
                + newRow.rowId()
                + ")");
      }
      next = newRow.withRowId(oldRow.rowId());
    }
    TableState state = touch(table, oldRow);
    if (RecordKeys.sameHandle(table, oldRow, next)) {
      state.update(oldRow, next);
    } else {
      state.delete(oldRow);
      state.insert(next);
    }
    changes.add(new RowChange.Update(table.id(), oldRow, next));
  }

  /** Adds a deleted row (its full old image). */
  public void delete(final TableInfo table, final SimRow row) {
    Objects.requireNonNull(row, "row");
    TableState state = touch(table, row);
    state.delete(row);
    changes.add(new RowChange.Delete(table.id(), row));
  }

  public boolean isEmpty() {
    return changes.isEmpty();
  }

  /** The row changes in the order they were added (updates stay updates). */
  public List<RowChange> rowChanges() {
    return List.copyOf(changes);
  }

  /** The prewrite value: schema version and one table mutation per table, first touched first. */
  public PrewriteValue build() {
    PrewriteValue.Builder b = PrewriteValue.newBuilder().setSchemaVersion(schemaVersion);
    for (TableState t : tables.values()) {
      b.addMutations(t.mutation.build());
    }
    return b.build();
  }

  /** The transaction's primary key: the TiKV record key of the first row it touched. */
  public ByteString primaryKey() {
    if (primaryKey == null) {
      throw new IllegalStateException("an empty transaction has no primary key");
    }
    return ByteString.copyFrom(primaryKey);
  }

  private TableState touch(final TableInfo table, final SimRow firstRow) {
    Objects.requireNonNull(table, "table");
    if (primaryKey == null) {
      primaryKey = RecordKeys.recordKey(table, firstRow);
    }
    RowCodec codec = codecs.get(table.id());
    if (codec == null || !codec.table().equals(table)) {
      codec = new RowCodec(table);
      codecs.put(table.id(), codec);
    }
    TableState state = tables.get(table.id());
    if (state == null) {
      state = new TableState(table.id());
      tables.put(table.id(), state);
    }
    if (state.codec != codec) {
      state.inserted = new InsertedRowEncoder(table, codec);
    }
    state.table = table;
    state.codec = codec;
    return state;
  }

  /** One table's mutation under construction. */
  private static final class TableState {
    final TableMutation.Builder mutation;
    TableInfo table;
    RowCodec codec;
    InsertedRowEncoder inserted;

    TableState(final long tableId) {
      this.mutation = TableMutation.newBuilder().setTableId(tableId);
    }

    void insert(final SimRow row) {
      mutation.addInsertedRows(ByteString.copyFrom(inserted.encode(row)));
      mutation.addSequence(MutationType.Insert);
    }

    void update(final SimRow oldRow, final SimRow newRow) {
      Map<Long, Object> oldPairs = new LinkedHashMap<>();
      Map<Long, Object> newPairs = new LinkedHashMap<>();
      for (ColumnInfo c : table.cols()) {
        if (InsertedRowEncoder.isDeleteOnly(c) || InsertedRowEncoder.isVirtualGenerated(c)) {
          continue;
        }
        oldPairs.put(c.id(), oldRow.value(c.id()));
        newPairs.put(c.id(), newRow.value(c.id()));
      }
      if (table.hasHiddenRowId()) {
        long rowId = RecordKeys.intHandle(table, oldRow);
        oldPairs.put(TableInfo.EXTRA_HANDLE_ID, rowId);
        newPairs.put(TableInfo.EXTRA_HANDLE_ID, rowId);
      }
      mutation.addUpdatedRows(ByteString.copyFrom(codec.encodeUpdated(oldPairs, newPairs)));
      mutation.addSequence(MutationType.Update);
    }

    void delete(final SimRow row) {
      Map<Long, Object> pairs = new LinkedHashMap<>();
      // DeletableCols: every column, whatever its state.
      for (ColumnInfo c : table.cols()) {
        pairs.put(c.id(), row.value(c.id()));
      }
      if (table.hasHiddenRowId()) {
        pairs.put(TableInfo.EXTRA_HANDLE_ID, RecordKeys.intHandle(table, row));
      }
      mutation.addDeletedRows(ByteString.copyFrom(codec.encodeDeleted(pairs)));
      mutation.addSequence(MutationType.DeleteRow);
    }
  }
}
