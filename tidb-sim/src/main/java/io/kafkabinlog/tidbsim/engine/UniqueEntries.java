package io.kafkabinlog.tidbsim.engine;

import io.kafkabinlog.schemas.tableinfo.IndexInfo;
import io.kafkabinlog.schemas.tableinfo.SchemaState;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.engine.RowLockTable.RowLockKey;
import io.kafkabinlog.tidbsim.engine.TableRows.HandleKey;
import io.kafkabinlog.tidbsim.mutation.RecordKeys;
import io.kafkabinlog.tidbsim.mutation.SimRow;
import java.util.ArrayList;
import java.util.List;

/**
 * The unique index entries of a row that the sim enforces: every public unique index, a
 * non-clustered primary key included, except a clustered primary key (the row handle already is
 * that key) and columns holding NULL (NULLs never collide).
 */
final class UniqueEntries {
  private UniqueEntries() {}

  /** One entry of a row: the index and its lock key. */
  record Entry(IndexInfo index, RowLockKey key) {}

  static List<Entry> of(final TableInfo table, final SimRow row) {
    List<Entry> out = new ArrayList<>();
    for (IndexInfo index : table.indexInfo()) {
      if (!index.isUnique() && !index.isPrimary()) {
        continue;
      }
      if (index.isPrimary() && table.isCommonHandle()) {
        continue;
      }
      if (index.state() != SchemaState.PUBLIC) {
        continue;
      }
      byte[] values = RecordKeys.uniqueKey(table, index, row);
      if (values != null) {
        out.add(
            new Entry(
                index, RowLockKey.uniqueEntry(table.id(), index.id(), new HandleKey(values))));
      }
    }
    return out;
  }
}
