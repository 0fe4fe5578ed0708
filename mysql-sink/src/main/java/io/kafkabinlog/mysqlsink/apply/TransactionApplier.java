package io.kafkabinlog.mysqlsink.apply;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.mysqlsink.checkpoint.AlreadyAppliedException;
import io.kafkabinlog.mysqlsink.checkpoint.ProgressStore;
import io.kafkabinlog.mysqlsink.model.RowChange;
import io.kafkabinlog.mysqlsink.model.RowChange.ChangeType;
import io.kafkabinlog.mysqlsink.model.SinkTxn;
import io.kafkabinlog.mysqlsink.model.TableKeys;
import io.kafkabinlog.mysqlsink.schema.DownstreamSchema;
import io.kafkabinlog.mysqlsink.sql.DmlStatements;
import io.kafkabinlog.mysqlsink.sql.MultiRowInsert;
import io.kafkabinlog.mysqlsink.sql.Statement;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one upstream DML transaction as exactly one downstream transaction: its rows' statements
 * (consecutive INSERTs of a table as multi-row statements, equal statements JDBC-batched) and its
 * commit_ts in the progress table, committed together. A commit_ts the progress table already has
 * is skipped, so replaying after a restart applies each transaction once without safe mode.
 *
 * <p>Deadlocks, lock wait timeouts and lost connections roll back and retry ({@link
 * DownstreamRetry}); any other error stops with {@link FatalBinlogException} DOWNSTREAM_REJECTED
 * naming the commit_ts, the statement and the server's message. Thread-safe if its collaborators
 * are (one connection per call).
 */
public final class TransactionApplier {
  private static final Logger LOG = LoggerFactory.getLogger(TransactionApplier.class);

  private final DataSource dataSource;
  private final ProgressStore progress;
  private final DownstreamSchema schema;
  private final DmlStatements dml;
  private final DownstreamRetry retry;
  private final boolean safeMode;
  private final int insertRows;

  /**
   * @param safeMode REPLACE for INSERT, DELETE + REPLACE for UPDATE (idempotent statements)
   * @param insertRows the most rows one multi-row INSERT carries
   */
  public TransactionApplier(
      final DataSource dataSource,
      final ProgressStore progress,
      final DownstreamSchema schema,
      final DmlStatements dml,
      final DownstreamRetry retry,
      final boolean safeMode,
      final int insertRows) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.progress = Objects.requireNonNull(progress, "progress");
    this.schema = Objects.requireNonNull(schema, "schema");
    this.dml = Objects.requireNonNull(dml, "dml");
    this.retry = Objects.requireNonNull(retry, "retry");
    this.safeMode = safeMode;
    if (insertRows < 1) {
      throw new IllegalArgumentException("insertRows must be >= 1: " + insertRows);
    }
    this.insertRows = insertRows;
  }

  /**
   * How a unit of work is recognised as applied and recorded as such, inside its own downstream
   * transaction (autocommit off), so that the record commits exactly when the rows do.
   */
  public interface AppliedMark {
    /** Whether the unit was applied before (checked first, in the same transaction). */
    boolean isApplied(Connection connection) throws SQLException;

    /**
     * Records the unit as applied.
     *
     * @throws AlreadyAppliedException if another writer recorded it concurrently
     */
    void record(Connection connection) throws SQLException;

    /** The statement {@link #record} runs, for error messages. */
    String describe();
  }

  /** Applies {@code txn} (a DML transaction; rows may be empty) once. */
  public ApplyOutcome apply(final SinkTxn txn) {
    return apply(txn, commitTsMark(txn.commitTs()));
  }

  /**
   * Applies {@code txn}'s rows once, as one downstream transaction, recognised and recorded by
   * {@code mark} instead of the commit_ts progress table (the partitioned mode applies one table's
   * part of an upstream transaction at a time and keys its progress by partition).
   */
  public ApplyOutcome apply(final SinkTxn txn, final AppliedMark mark) {
    if (txn.ddl() != null) {
      throw new IllegalArgumentException("a DDL goes to DdlApplier: commit_ts " + txn.commitTs());
    }
    final Attempt attempt = new Attempt(txn, Objects.requireNonNull(mark, "mark"));
    return retry.run(
        "applying commit_ts " + txn.commitTs(),
        attempt::run,
        error ->
            new FatalBinlogException(
                ErrorCode.DOWNSTREAM_REJECTED,
                "the downstream rejected the transaction with commit_ts "
                    + txn.commitTs()
                    + " at statement ["
                    + attempt.failingSql
                    + "]: "
                    + DownstreamErrors.describe(error),
                error));
  }

  /** One try; remembers the statement that failed. */
  private final class Attempt {
    private final SinkTxn txn;
    private final AppliedMark mark;
    private String failingSql;

    Attempt(final SinkTxn txn, final AppliedMark mark) {
      this.txn = txn;
      this.mark = mark;
    }

    ApplyOutcome run() throws SQLException {
      failingSql = null;
      try (Connection connection = dataSource.getConnection()) {
        connection.setAutoCommit(false);
        try {
          final ApplyOutcome outcome = applyIn(connection);
          if (outcome == ApplyOutcome.APPLIED) {
            failingSql = "COMMIT";
            connection.commit();
          } else {
            connection.rollback();
          }
          return outcome;
        } catch (AlreadyAppliedException e) {
          connection.rollback();
          LOG.info("commit_ts {} was recorded concurrently, rolled back", txn.commitTs());
          return ApplyOutcome.ALREADY_APPLIED;
        } catch (SQLException | RuntimeException e) {
          rollbackQuietly(connection, e);
          throw e;
        }
      }
    }

    private ApplyOutcome applyIn(final Connection connection) throws SQLException {
      if (mark.isApplied(connection)) {
        return ApplyOutcome.ALREADY_APPLIED;
      }
      final Map<String, TableKeys> keysByTable = new HashMap<>();
      try (StatementBatch batch = new StatementBatch(connection)) {
        MultiRowInsert inserts = null;
        try {
          for (RowChange row : txn.rows()) {
            final TableKeys keys = keys(connection, keysByTable, row);
            if (row.type() == ChangeType.INSERT) {
              if (inserts != null && inserts.tryAdd(row)) {
                continue;
              }
              if (inserts != null && !inserts.isEmpty()) {
                batch.add(inserts.take());
              }
              inserts = new MultiRowInsert(dml, keys, safeMode, insertRows);
              inserts.tryAdd(row);
              continue;
            }
            if (inserts != null && !inserts.isEmpty()) {
              batch.add(inserts.take());
            }
            for (Statement statement : dml.statements(row, keys, safeMode)) {
              batch.add(statement);
            }
          }
          if (inserts != null && !inserts.isEmpty()) {
            batch.add(inserts.take());
          }
          batch.flush();
        } finally {
          failingSql = batch.lastSql();
        }
      }
      failingSql = mark.describe();
      mark.record(connection);
      return ApplyOutcome.APPLIED;
    }

    private TableKeys keys(
        final Connection connection, final Map<String, TableKeys> cache, final RowChange row)
        throws SQLException {
      final String name = row.db() + "." + row.table();
      final TableKeys cached = cache.get(name);
      if (cached != null) {
        return cached;
      }
      final TableKeys keys =
          schema
              .find(connection, row.db(), row.table())
              .orElseThrow(
                  () ->
                      new FatalBinlogException(
                          ErrorCode.DOWNSTREAM_REJECTED,
                          "the downstream has no table "
                              + name
                              + " for the transaction with commit_ts "
                              + txn.commitTs()));
      cache.put(name, keys);
      return keys;
    }
  }

  /** The transactional mode's mark: the commit_ts in the progress table. */
  private AppliedMark commitTsMark(final long commitTs) {
    return new AppliedMark() {
      @Override
      public boolean isApplied(final Connection connection) throws SQLException {
        return progress.isApplied(connection, commitTs);
      }

      @Override
      public void record(final Connection connection) throws SQLException {
        progress.recordApplied(connection, commitTs);
      }

      @Override
      public String describe() {
        return "INSERT INTO " + progress.schema().applied();
      }
    };
  }

  static void rollbackQuietly(final Connection connection, final Exception cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
