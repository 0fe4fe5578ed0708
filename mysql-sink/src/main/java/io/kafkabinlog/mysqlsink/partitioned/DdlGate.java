package io.kafkabinlog.mysqlsink.partitioned;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.mysqlsink.apply.ApplyOutcome;
import io.kafkabinlog.mysqlsink.apply.DdlApplier;
import io.kafkabinlog.mysqlsink.model.SinkTxn;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link DdlApplier} under a downstream named lock ({@code GET_LOCK}) shared by every member
 * of the group, so that a DDL published on several partitions (a database DDL is on all of them, a
 * TRUNCATE on the old and the new table's) is applied by exactly one member: the ledger check, the
 * DDL and the ledger row happen while no other member can start the same. Without the lock two
 * members could both pass the ledger check, and the second run of, say, a TRUNCATE could land after
 * the first member already let rows of the new table through. One DDL at a time per process too, so
 * that waiting for the lock holds one pooled connection at most.
 */
final class DdlGate {
  private static final Logger LOG = LoggerFactory.getLogger(DdlGate.class);
  private static final Duration LOCK_WAIT = Duration.ofSeconds(10);

  private final DataSource dataSource;
  private final DdlApplier ddl;
  private final String lockName;

  /**
   * @param lockName at most 64 characters, the same for every member of one sink
   */
  DdlGate(final DataSource dataSource, final DdlApplier ddl, final String lockName) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.ddl = Objects.requireNonNull(ddl, "ddl");
    if (lockName.isEmpty() || lockName.length() > 64) {
      throw new IllegalArgumentException("a lock name has 1 to 64 characters: " + lockName);
    }
    this.lockName = lockName;
  }

  /** The lock name of the sink of {@code clusterId} keeping its progress in {@code schema}. */
  static String lockName(final String schema, final long clusterId) {
    // Hashed: a schema name alone may use the 64 characters a lock name has.
    return "kafka-binlog-ddl-"
        + Long.toUnsignedString(clusterId)
        + "-"
        + Integer.toHexString(schema.hashCode());
  }

  synchronized ApplyOutcome apply(final SinkTxn txn) {
    try (Connection lock = dataSource.getConnection()) {
      lock.setAutoCommit(true);
      acquire(lock, txn.commitTs());
      try {
        return ddl.apply(txn);
      } finally {
        release(lock);
      }
    } catch (SQLException e) {
      throw new RetriableBinlogException(
          ErrorCode.DOWNSTREAM_UNAVAILABLE,
          "the DDL lock " + lockName + " for commit_ts " + txn.commitTs() + ": " + e,
          e);
    }
  }

  private void acquire(final Connection lock, final long commitTs) throws SQLException {
    try (PreparedStatement get = lock.prepareStatement("SELECT GET_LOCK(?, ?)")) {
      get.setString(1, lockName);
      get.setLong(2, LOCK_WAIT.toSeconds());
      while (true) {
        try (ResultSet rows = get.executeQuery()) {
          rows.next();
          final int got = rows.getInt(1);
          if (rows.wasNull()) {
            throw new SQLException("GET_LOCK(" + lockName + ") failed");
          }
          if (got == 1) {
            return;
          }
        }
        // Another member holds it for a DDL; they are short, keep waiting.
        LOG.info("DDL with commit_ts {} still waits for the lock {}", commitTs, lockName);
        if (Thread.currentThread().isInterrupted()) {
          throw new SQLException("interrupted while waiting for the DDL lock");
        }
      }
    }
  }

  private void release(final Connection lock) throws SQLException {
    try (PreparedStatement release = lock.prepareStatement("SELECT RELEASE_LOCK(?)")) {
      release.setString(1, lockName);
      release.executeQuery().close();
    }
  }
}
