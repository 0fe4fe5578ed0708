package io.kafkabinlog.tidbsim.engine;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Pessimistic row locks, as TiDB's pessimistic transactions take them on write and on {@code SELECT
 * ... FOR UPDATE}. A lock belongs to a transaction (not a thread) until it ends. Waiting is
 * bounded: a transaction that cannot get a lock in time fails with {@link WriteConflictException}
 * and is retried. A transaction whose wait would close a cycle (it waits, through other waiting
 * transactions, for itself) fails at once instead, as TiDB's deadlock detector makes it.
 */
final class RowLockTable {
  private final ConcurrentHashMap<RowLockKey, Txn> owners = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Txn, RowLockKey> waiting = new ConcurrentHashMap<>();
  private final ReentrantLock released = new ReentrantLock();
  private final Condition anyReleased = released.newCondition();
  private final Duration waitTimeout;

  RowLockTable(final Duration waitTimeout) {
    this.waitTimeout = waitTimeout;
  }

  /** Locks the row for {@code txn}; true if newly taken, false if {@code txn} already held it. */
  boolean lock(final RowLockKey key, final Txn txn) {
    try {
      return lockOrWait(key, txn);
    } finally {
      waiting.remove(txn);
    }
  }

  private boolean lockOrWait(final RowLockKey key, final Txn txn) {
    long deadline = System.nanoTime() + waitTimeout.toNanos();
    while (true) {
      Txn owner = owners.putIfAbsent(key, txn);
      if (owner == null) {
        return true;
      }
      if (owner == txn) {
        return false;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new WriteConflictException(
            "lock wait timeout on a row of table "
                + key.tableId()
                + " held by the transaction with start_ts "
                + owner.startTs()
                + " (waited "
                + waitTimeout.toMillis()
                + " ms)");
      }
      released.lock();
      try {
        waiting.put(txn, key);
        Txn blocker = owners.get(key);
        if (blocker != null && waitsForItself(txn)) {
          throw new WriteConflictException(
              "Deadlock found when trying to get a lock on a row of table "
                  + key.tableId()
                  + " held by the transaction with start_ts "
                  + blocker.startTs()
                  + "; try restarting transaction");
        }
        if (blocker != null) {
          anyReleased.await(
              Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WriteConflictException("interrupted while waiting for a row lock");
      } finally {
        released.unlock();
      }
    }
  }

  /** Whether the chain "waits for a lock held by" from {@code txn} comes back to it. */
  private boolean waitsForItself(final Txn txn) {
    Txn current = txn;
    for (int hops = 0; hops <= waiting.size(); hops++) {
      RowLockKey wanted = waiting.get(current);
      if (wanted == null) {
        return false;
      }
      Txn owner = owners.get(wanted);
      if (owner == null) {
        return false;
      }
      if (owner == txn) {
        return true;
      }
      current = owner;
    }
    return false;
  }

  void unlock(final RowLockKey key, final Txn txn) {
    if (owners.remove(key, txn)) {
      released.lock();
      try {
        anyReleased.signalAll();
      } finally {
        released.unlock();
      }
    }
  }

  int size() {
    return owners.size();
  }

  /**
   * A TiKV key the sim locks: a row (index id 0, the encoded handle) or an entry of a unique index
   * (the index id, the encoded index values).
   */
  record RowLockKey(long tableId, long indexId, TableRows.HandleKey handle) {
    static RowLockKey row(final long tableId, final TableRows.HandleKey handle) {
      return new RowLockKey(tableId, 0, handle);
    }

    static RowLockKey uniqueEntry(
        final long tableId, final long indexId, final TableRows.HandleKey values) {
      return new RowLockKey(tableId, indexId, values);
    }
  }
}
