package io.kafkabinlog.mysqlsink.e2e;

import io.kafkabinlog.mysqlsink.checkpoint.Checkpoint;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples the downstream while the pipeline runs, each sample one consistent snapshot (a REPEATABLE
 * READ transaction started WITH CONSISTENT SNAPSHOT): the checkpoint row's commitTS, how many
 * audited commit_ts lie at or below it, and optionally a bank table's row count and total. Every
 * sample is kept; the test checks them against the sim's outcome log at the end.
 */
final class DownstreamSampler implements AutoCloseable {
  /**
   * One snapshot.
   *
   * @param checkpointTs the checkpoint row's commitTS; -1 while there is no row
   * @param auditedAtOrBelow audit rows (applied transactions) with commit_ts at or below it
   * @param bankRows rows of the bank table; -1 while it does not exist
   * @param bankTotal the sum of its balances (null without rows)
   */
  record Sample(
      long atMillis,
      long checkpointTs,
      long auditedAtOrBelow,
      long bankRows,
      BigDecimal bankTotal) {}

  private final Downstream downstream;
  private final String checkpointSchema;
  private final String clusterId;
  private final AppliedAudit audit;
  private final String bankTable;
  private final Duration interval;
  private final List<Sample> samples = new ArrayList<>();
  private final AtomicLong failures = new AtomicLong();
  private final Thread thread;
  private volatile boolean stopping;

  /**
   * @param bankTable the qualified bank table to sum, or null
   */
  DownstreamSampler(
      final Downstream downstream,
      final String checkpointSchema,
      final String clusterId,
      final AppliedAudit audit,
      final String bankTable,
      final Duration interval) {
    this.downstream = downstream;
    this.checkpointSchema = checkpointSchema;
    this.clusterId = clusterId;
    this.audit = audit;
    this.bankTable = bankTable;
    this.interval = interval;
    this.thread = new Thread(this::loop, "downstream-sampler");
    this.thread.setDaemon(true);
  }

  DownstreamSampler start() {
    thread.start();
    return this;
  }

  /** The samples so far. */
  synchronized List<Sample> samples() {
    return List.copyOf(samples);
  }

  /** Samples that failed (the downstream away, a connection killed). */
  long failures() {
    return failures.get();
  }

  @Override
  public void close() {
    stop();
  }

  /** Stops sampling and waits for the sample in progress. */
  void stop() {
    stopping = true;
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void loop() {
    Connection connection = null;
    while (!stopping) {
      try {
        if (connection == null) {
          connection = downstream.connect();
          connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        }
        final Sample sample = sample(connection);
        synchronized (this) {
          samples.add(sample);
        }
      } catch (SQLException e) {
        failures.incrementAndGet();
        closeQuietly(connection);
        connection = null;
      }
      try {
        Thread.sleep(interval.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    closeQuietly(connection);
  }

  private Sample sample(final Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
      try {
        final long at = System.currentTimeMillis();
        long checkpointTs = -1;
        try (ResultSet rs =
            s.executeQuery(
                "SELECT checkPoint FROM `"
                    + checkpointSchema
                    + "`.checkpoint WHERE clusterID = "
                    + clusterId)) {
          if (rs.next()) {
            checkpointTs = Checkpoint.parse(rs.getString(1)).commitTs();
          }
        }
        long audited = 0;
        if (checkpointTs >= 0) {
          try (ResultSet rs =
              s.executeQuery(
                  "SELECT COUNT(*) FROM "
                      + audit.table()
                      + " WHERE commit_ts <= "
                      + checkpointTs)) {
            rs.next();
            audited = rs.getLong(1);
          }
        }
        long rows = -1;
        BigDecimal total = null;
        if (bankTable != null) {
          try (ResultSet rs = s.executeQuery("SELECT COUNT(*), SUM(balance) FROM " + bankTable)) {
            rs.next();
            rows = rs.getLong(1);
            total = rs.getBigDecimal(2);
          } catch (SQLException e) {
            if (e.getErrorCode() != 1146) {
              throw e; // 1146: the table is not created downstream yet
            }
          }
        }
        return new Sample(at, checkpointTs, audited, rows, total);
      } finally {
        s.execute("COMMIT");
      }
    }
  }

  private static void closeQuietly(final Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // already broken
      }
    }
  }
}
