package io.kafkabinlog.tidbsim.engine;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.schemas.tableinfo.ColumnInfo;
import io.kafkabinlog.schemas.tableinfo.IndexInfo;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.engine.RowLockTable.RowLockKey;
import io.kafkabinlog.tidbsim.engine.TableRows.HandleKey;
import io.kafkabinlog.tidbsim.expected.ColumnDefaults;
import io.kafkabinlog.tidbsim.mutation.RecordKeys;
import io.kafkabinlog.tidbsim.mutation.SimRow;
import io.kafkabinlog.tidbsim.mutation.TxnMutationsBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.Lock;

/**
 * One pessimistic transaction of the sim, as a TiDB session runs it: statements lock the rows they
 * read for update or write, changes stay private until {@link #commit()}, which runs the binlog
 * protocol (prewrite binlog acknowledged, then commit_ts, then the commit binlog). Not thread-safe:
 * one thread drives a transaction from begin to end.
 */
public final class Txn implements AutoCloseable {
  private final SimCluster cluster;
  private final long startTs;
  private final long schemaVersion;
  private final TxnMutationsBuilder mutations;
  private final Map<RowLockKey, Optional<SimRow>> writes = new LinkedHashMap<>();
  private final Map<RowLockKey, Optional<HandleKey>> uniqueWrites = new LinkedHashMap<>();
  private final List<RowLockKey> locks = new ArrayList<>();
  private final Map<Long, Lock> tableLocks = new HashMap<>();
  private final Map<Long, TableInfo> tables = new HashMap<>();
  private boolean finished;

  Txn(final SimCluster cluster, final long startTs, final long schemaVersion) {
    this.cluster = cluster;
    this.startTs = startTs;
    this.schemaVersion = schemaVersion;
    this.mutations = new TxnMutationsBuilder(schemaVersion);
  }

  public long startTs() {
    return startTs;
  }

  public long schemaVersion() {
    return schemaVersion;
  }

  /**
   * The table as this transaction sees it; the table is then shared-locked against DDL until the
   * transaction ends.
   *
   * @throws WriteConflictException if the table changed after the transaction started ("Information
   *     schema is changed" in TiDB; retry the transaction)
   * @throws NoSuchTableException if there is no such table
   */
  public TableInfo table(final String db, final String name) {
    ensureOpen();
    TableInfo found =
        cluster.catalog().table(db, name).orElseThrow(() -> new NoSuchTableException(db, name));
    TableInfo held = tables.get(found.id());
    if (held != null) {
      return held;
    }
    if (!tableLocks.containsKey(found.id())) {
      // Once per table: a second hold (after a refused first use) would never be released.
      tableLocks.put(found.id(), cluster.tableLocks().shared(found.id()));
    }
    TableInfo now = cluster.catalog().tableById(found.id()).orElse(null);
    if (now == null || cluster.tableChangedAfter(found.id(), schemaVersion)) {
      throw new WriteConflictException(
          "Information schema is changed: table "
              + db
              + "."
              + name
              + " changed after the transaction with start_ts "
              + startTs
              + " began");
    }
    long generated = cluster.storage().rows(now.id()).generatedRows();
    if (generated > 0) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          "table "
              + db
              + "."
              + name
              + " holds "
              + generated
              + " rows of a huge generated transaction (the large workload), which tidb-sim does"
              + " not keep in memory, so transactions cannot use it; run other workloads in"
              + " another database (--database) or drop the table");
    }
    tables.put(now.id(), now);
    return now;
  }

  /**
   * The row with the key of {@code keyRow} (its primary key, or its row id), locked for update. In
   * a table keyed by {@code _tidb_rowid}, a row without row id is looked up by its primary key.
   */
  public Optional<SimRow> getForUpdate(final TableInfo table, final SimRow keyRow) {
    TableInfo t = held(table);
    Optional<RowLockKey> key = rowKeyOf(t, keyRow);
    if (key.isEmpty()) {
      return Optional.empty();
    }
    lock(key.get());
    return read(t, key.get());
  }

  /**
   * Inserts a row: omitted columns take their default, an AUTO_INCREMENT column without a value and
   * the hidden row id are allocated. Returns the row as stored.
   *
   * @throws DuplicateKeyException if a row with the same primary key, or the same values in a
   *     unique index, exists
   */
  public SimRow insert(final TableInfo table, final SimRow row) {
    TableInfo t = held(table);
    TableRows rows = cluster.storage().rows(t.id());
    Map<Long, Object> values = new LinkedHashMap<>();
    for (ColumnInfo c : t.cols()) {
      if (!c.isPublic() || c.isGenerated()) {
        continue;
      }
      Object v;
      if (c.isAutoIncrement()) {
        // Omitted, NULL and 0 all take the next value (MySQL's default SQL mode, and TiDB's).
        Object given = row.value(c.id());
        if (given == null || ((Number) given).longValue() == 0) {
          v = rows.nextAutoIncrement();
        } else {
          v = given;
          rows.observeExplicitAutoIncrement(((Number) given).longValue());
        }
      } else {
        v = row.has(c.id()) ? row.value(c.id()) : ColumnDefaults.insertDefault(c);
      }
      values.put(c.id(), v);
    }
    SimRow full =
        t.hasHiddenRowId()
            ? SimRow.withRowId(
                values, row.rowId() != SimRow.NO_ROW_ID ? row.rowId() : rows.nextRowId())
            : SimRow.of(values);
    RowLockKey key = lockKey(t, full);
    lock(key);
    if (read(t, key).isPresent()) {
      throw new DuplicateKeyException(t, full);
    }
    List<UniqueEntries.Entry> entries = UniqueEntries.of(t, full);
    checkUnique(t, entries, full, key.handle(), null);
    mutations.insert(t, full);
    writes.put(key, Optional.of(full));
    entries.forEach(e -> uniqueWrites.put(e.key(), Optional.of(key.handle())));
    return full;
  }

  /**
   * Replaces {@code oldRow} (as read from this transaction) with {@code newRow}; a new primary key
   * moves the row (TiDB logs a delete and an insert).
   */
  public SimRow update(final TableInfo table, final SimRow oldRow, final SimRow newRow) {
    TableInfo t = held(table);
    RowLockKey oldKey =
        rowKeyOf(t, oldRow)
            .orElseThrow(() -> new IllegalStateException("update of a missing row " + oldRow));
    lock(oldKey);
    SimRow current =
        read(t, oldKey)
            .orElseThrow(() -> new IllegalStateException("update of a missing row " + oldRow));
    Map<Long, Object> values = new LinkedHashMap<>(current.values());
    values.putAll(newRow.values());
    SimRow next =
        t.hasHiddenRowId() ? SimRow.withRowId(values, current.rowId()) : SimRow.of(values);
    if (next.equals(current)) {
      // MySQL and TiDB count no affected row and write no row change for a no-op UPDATE.
      return current;
    }
    RowLockKey newKey = lockKey(t, next);
    if (!newKey.equals(oldKey)) {
      lock(newKey);
      if (read(t, newKey).isPresent()) {
        throw new DuplicateKeyException(t, next);
      }
    }
    List<UniqueEntries.Entry> oldEntries = UniqueEntries.of(t, current);
    List<UniqueEntries.Entry> newEntries = UniqueEntries.of(t, next);
    for (UniqueEntries.Entry e : oldEntries) {
      lock(e.key());
    }
    checkUnique(t, newEntries, next, newKey.handle(), oldKey.handle());
    // Checked: only now change the transaction's view, so a refused update leaves no trace.
    if (!newKey.equals(oldKey)) {
      writes.put(oldKey, Optional.empty());
    }
    mutations.update(t, current, next);
    writes.put(newKey, Optional.of(next));
    oldEntries.forEach(e -> uniqueWrites.put(e.key(), Optional.empty()));
    newEntries.forEach(e -> uniqueWrites.put(e.key(), Optional.of(newKey.handle())));
    return next;
  }

  /** Deletes the row with the key of {@code keyRow}; false if there is none. */
  public boolean delete(final TableInfo table, final SimRow keyRow) {
    TableInfo t = held(table);
    Optional<RowLockKey> found = rowKeyOf(t, keyRow);
    if (found.isEmpty()) {
      return false;
    }
    RowLockKey key = found.get();
    lock(key);
    Optional<SimRow> current = read(t, key);
    if (current.isEmpty()) {
      return false;
    }
    List<UniqueEntries.Entry> entries = UniqueEntries.of(t, current.get());
    // Locked as TiDB locks the index keys of a deleted row: an insert of the same values waits.
    entries.forEach(e -> lock(e.key()));
    mutations.delete(t, current.get());
    writes.put(key, Optional.empty());
    entries.forEach(e -> uniqueWrites.put(e.key(), Optional.empty()));
    return true;
  }

  /**
   * Commits: writes the prewrite binlog (failing the transaction if no pump takes it), takes
   * commit_ts, commits in the sim's storage, then sends the commit binlog asynchronously. Returns
   * commit_ts, or 0 for a transaction that wrote nothing (no binlog, as in TiDB).
   */
  public long commit() {
    ensureOpen();
    finished = true;
    try {
      return mutations.isEmpty() ? 0 : cluster.commit(this);
    } finally {
      release();
    }
  }

  /** Rolls back; nothing was sent to a pump yet, so no binlog is written (as in TiDB). */
  public void rollback() {
    if (!finished) {
      finished = true;
      release();
      cluster.stats().recordRolledBack();
    }
  }

  @Override
  public void close() {
    rollback();
  }

  TxnMutationsBuilder mutations() {
    return mutations;
  }

  /** Committed changes to apply to the storage: each row key with its new row or empty (gone). */
  Map<RowLockKey, Optional<SimRow>> writes() {
    return writes;
  }

  /** Unique index entries to apply: each with the handle of its new row, or empty (freed). */
  Map<RowLockKey, Optional<HandleKey>> uniqueWrites() {
    return uniqueWrites;
  }

  /**
   * Locks the unique entries a row is about to take and refuses one held by another row (a row
   * other than {@code handle}, and other than {@code movingFrom}, the row an update replaces).
   */
  private void checkUnique(
      final TableInfo t,
      final List<UniqueEntries.Entry> entries,
      final SimRow row,
      final HandleKey handle,
      final HandleKey movingFrom) {
    for (UniqueEntries.Entry e : entries) {
      lock(e.key());
      Optional<HandleKey> owner = uniqueOwner(t, e.key());
      if (owner.isPresent() && !owner.get().equals(handle) && !owner.get().equals(movingFrom)) {
        throw new DuplicateKeyException(t, e.index().idxName().o(), row);
      }
    }
  }

  /** The handle of the row holding a unique entry, as this transaction sees it. */
  private Optional<HandleKey> uniqueOwner(final TableInfo t, final RowLockKey entry) {
    Optional<HandleKey> own = uniqueWrites.get(entry);
    if (own != null) {
      return own;
    }
    return Optional.ofNullable(cluster.storage().rows(t.id()).uniqueOwner(entry));
  }

  /**
   * The row key of {@code keyRow}: from its handle; or, for a row without row id in a table keyed
   * by {@code _tidb_rowid}, through its primary key's index entry (locked, as TiDB locks the index
   * key of a point get); empty if no row has that primary key.
   */
  private Optional<RowLockKey> rowKeyOf(final TableInfo t, final SimRow keyRow) {
    if (!t.hasHiddenRowId() || keyRow.rowId() != SimRow.NO_ROW_ID) {
      return Optional.of(lockKey(t, keyRow));
    }
    IndexInfo pk =
        t.primaryIndex()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "table "
                            + t.name().o()
                            + " has no primary key: name its rows by their _tidb_rowid"));
    byte[] values = RecordKeys.uniqueKey(t, pk, keyRow);
    if (values == null) {
      throw new IllegalArgumentException(
          "the primary key of table " + t.name().o() + " is missing from " + keyRow);
    }
    RowLockKey entry = RowLockKey.uniqueEntry(t.id(), pk.id(), new HandleKey(values));
    lock(entry);
    return uniqueOwner(t, entry).map(h -> RowLockKey.row(t.id(), h));
  }

  private TableInfo held(final TableInfo table) {
    ensureOpen();
    TableInfo t = tables.get(table.id());
    if (t == null) {
      throw new IllegalStateException(
          "table id " + table.id() + " was not opened in this transaction (call table() first)");
    }
    return t;
  }

  private RowLockKey lockKey(final TableInfo table, final SimRow row) {
    TableInfo t = held(table);
    return RowLockKey.row(t.id(), new HandleKey(RecordKeys.handleKey(t, row)));
  }

  private void lock(final RowLockKey key) {
    if (cluster.rowLocks().lock(key, this)) {
      locks.add(key);
    }
  }

  private Optional<SimRow> read(final TableInfo t, final RowLockKey key) {
    Optional<SimRow> own = writes.get(key);
    if (own != null) {
      return own;
    }
    return Optional.ofNullable(cluster.storage().rows(t.id()).get(key.handle()));
  }

  private void release() {
    for (RowLockKey key : locks) {
      cluster.rowLocks().unlock(key, this);
    }
    locks.clear();
    tableLocks.values().forEach(Lock::unlock);
    tableLocks.clear();
  }

  private void ensureOpen() {
    if (finished) {
      throw new IllegalStateException("transaction " + startTs + " already ended");
    }
  }
}
