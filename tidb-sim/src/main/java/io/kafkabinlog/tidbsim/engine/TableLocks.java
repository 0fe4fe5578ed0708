package io.kafkabinlog.tidbsim.engine;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Table-level locks between DML and DDL. TiDB runs DDL online through intermediate schema states;
 * the sim instead makes a DDL wait for the transactions using its table and makes those wait for
 * the DDL, so every row image is written with exactly one schema (the one in its schema version).
 */
final class TableLocks {
  private final ConcurrentHashMap<Long, ReentrantReadWriteLock> locks = new ConcurrentHashMap<>();
  private final Duration waitTimeout;

  TableLocks(final Duration waitTimeout) {
    this.waitTimeout = waitTimeout;
  }

  /** Takes the table's shared lock (DML); the caller unlocks it in the same thread. */
  Lock shared(final long tableId) {
    return acquire(lockOf(tableId).readLock(), tableId);
  }

  /** Takes the table's exclusive lock (DDL). */
  Lock exclusive(final long tableId) {
    return acquire(lockOf(tableId).writeLock(), tableId);
  }

  private ReentrantReadWriteLock lockOf(final long tableId) {
    return locks.computeIfAbsent(tableId, id -> new ReentrantReadWriteLock(true));
  }

  private Lock acquire(final Lock lock, final long tableId) {
    try {
      if (!lock.tryLock(waitTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new WriteConflictException(
            "lock wait timeout on table id " + tableId + " (a DDL and transactions compete)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WriteConflictException("interrupted while waiting for table id " + tableId);
    }
    return lock;
  }
}
