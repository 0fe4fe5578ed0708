package io.kafkabinlog.tidbsim.engine;

import io.kafkabinlog.tidbsim.mutation.SimRow;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The committed rows of one table (the sim's TiKV), by encoded handle, with the table's
 * auto-increment and {@code _tidb_rowid} allocators. Writers hold the row's lock; readers outside a
 * transaction see committed rows only.
 *
 * <p>Rows of a huge generated transaction are not held: the table only records their id ranges
 * ({@link #generated()}), and transactions refuse to use such a table.
 */
final class TableRows {
  private final ConcurrentHashMap<HandleKey, SimRow> rows = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<RowLockTable.RowLockKey, HandleKey> uniqueOwners =
      new ConcurrentHashMap<>();
  private final AtomicLong autoIncrement = new AtomicLong();
  private final AtomicLong rowIds = new AtomicLong();
  private final List<GeneratedIds> generated = new CopyOnWriteArrayList<>();

  /** Primary keys {@code firstId .. firstId + count - 1} of generated rows. */
  record GeneratedIds(long firstId, long count) {
    long end() {
      return firstId + count;
    }

    boolean overlaps(final long otherFirst, final long otherCount) {
      return otherFirst < end() && firstId < otherFirst + otherCount;
    }
  }

  SimRow get(final HandleKey key) {
    return rows.get(key);
  }

  void put(final HandleKey key, final SimRow row) {
    rows.put(key, row);
  }

  void remove(final HandleKey key) {
    rows.remove(key);
  }

  /** The handle of the row holding a unique index entry, or null. */
  HandleKey uniqueOwner(final RowLockTable.RowLockKey entry) {
    return uniqueOwners.get(entry);
  }

  /** Records (or with a null owner, removes) a unique index entry; the caller holds its lock. */
  void setUniqueOwner(final RowLockTable.RowLockKey entry, final HandleKey owner) {
    if (owner == null) {
      uniqueOwners.remove(entry);
    } else {
      uniqueOwners.put(entry, owner);
    }
  }

  int size() {
    return rows.size();
  }

  /** Records generated rows, which are not held; the caller holds the table exclusively. */
  void addGenerated(final long firstId, final long count) {
    generated.add(new GeneratedIds(firstId, count));
  }

  List<GeneratedIds> generated() {
    return List.copyOf(generated);
  }

  long generatedRows() {
    return generated.stream().mapToLong(GeneratedIds::count).sum();
  }

  Iterable<SimRow> rows() {
    return rows.values();
  }

  /** Rewrites every row (ADD/DROP COLUMN); the caller holds the table exclusively. */
  void replaceAll(final java.util.function.UnaryOperator<SimRow> change) {
    rows.replaceAll((k, v) -> change.apply(v));
  }

  /** The next AUTO_INCREMENT value, above every explicit value seen (as MySQL and TiDB do). */
  long nextAutoIncrement() {
    return autoIncrement.incrementAndGet();
  }

  void observeExplicitAutoIncrement(final long value) {
    autoIncrement.accumulateAndGet(value, Math::max);
  }

  void observeRowId(final long rowId) {
    rowIds.accumulateAndGet(rowId, Math::max);
  }

  long nextRowId() {
    return rowIds.incrementAndGet();
  }

  /** An encoded handle, compared by content. */
  record HandleKey(byte[] bytes) {
    @Override
    public boolean equals(final Object o) {
      return o instanceof HandleKey k && java.util.Arrays.equals(k.bytes, bytes);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return java.util.HexFormat.of().formatHex(bytes);
    }
  }
}
