package io.kafkabinlog.mysqlsink.apply;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.mysqlsink.causality.ConflictKeys;
import io.kafkabinlog.mysqlsink.checkpoint.AlreadyAppliedException;
import io.kafkabinlog.mysqlsink.checkpoint.ProgressStore;
import io.kafkabinlog.mysqlsink.model.RowChange;
import io.kafkabinlog.mysqlsink.model.SinkTxn;
import io.kafkabinlog.mysqlsink.model.TableKeys;
import io.kafkabinlog.mysqlsink.model.TxnGroup;
import io.kafkabinlog.mysqlsink.schema.DownstreamSchema;
import io.kafkabinlog.mysqlsink.sql.DmlStatements;
import io.kafkabinlog.mysqlsink.sql.MultiRowInsert;
import io.kafkabinlog.mysqlsink.sql.Statement;
import io.kafkabinlog.mysqlsink.sql.StatementPlan;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a group of upstream DML transactions ({@link TxnGroup}; one transaction is a group of
 * one) as exactly one downstream transaction: first one progress row per commit_ts (one multi-row
 * INSERT), then the rows' statements, committed together. Nothing of a group is ever committed
 * without the rest. The statements are as few as the rows' conflicts allow ({@link StatementPlan}):
 * the INSERTs of a table, across the group's transactions, as multi-row statements bounded by rows
 * and bytes, UPDATEs and DELETEs of one shape as one JDBC batch; rows of tables in a foreign key
 * ({@link ForeignKeyTables}) keep their order among themselves.
 *
 * <p>Exactly once: commit_ts values a previous run recorded above its checkpoint ({@code
 * appliedBefore}, read once at start with {@code ProgressStore.appliedAbove}) are skipped without a
 * round trip; any other duplicate (a replay the set does not know of) fails the progress insert
 * before a row is written, and the group is then applied one transaction at a time so that each
 * already recorded one is skipped and the others are applied.
 *
 * <p>Deadlocks, lock wait timeouts and lost connections roll back and retry the whole group ({@link
 * DownstreamRetry}); any other error stops with {@link FatalBinlogException} DOWNSTREAM_REJECTED
 * naming every commit_ts of the group, the statement and the server's message.
 *
 * <p>A worker's groups go through its own connection ({@link WorkerConnections}); {@link
 * #apply(TxnGroup)} without a worker takes one from the pool per call. Thread-safe for distinct
 * workers if its collaborators are.
 */
public final class TransactionApplier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TransactionApplier.class);

  private final DataSource dataSource;
  private final ProgressStore progress;
  private final DownstreamSchema schema;
  private final DmlStatements dml;
  private final DownstreamRetry retry;
  private final boolean safeMode;
  private final int insertRows;
  private final long insertBytes;
  private final NavigableSet<Long> appliedBefore;
  private final WorkerConnections connections;
  private final MultiStatement multiStatement;
  private final ForeignKeyTables foreignKeys;

  /**
   * An applier that knows of no earlier run's progress rows (a duplicate is still recognised, by
   * the progress insert) and bounds multi-row INSERTs by {@link MultiRowInsert#DEFAULT_MAX_BYTES}.
   *
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
    this(
        dataSource,
        progress,
        schema,
        dml,
        retry,
        safeMode,
        insertRows,
        MultiRowInsert.DEFAULT_MAX_BYTES,
        Collections.emptyNavigableSet(),
        new WorkerConnections(dataSource, 0, false),
        new ForeignKeyTables());
  }

  /**
   * @param insertBytes the most bytes (estimated, see {@link MultiRowInsert#estimatedBytes()}) a
   *     multi-row INSERT of more than one row has: below the server's {@code max_allowed_packet}
   * @param appliedBefore the commit_ts values recorded above the checkpoint this run starts from
   * @param connections the connections of the workers of {@link #apply(int, TxnGroup)}; closed by
   *     {@link #close()}
   * @param foreignKeys the tables whose rows keep their order (cleared after a DDL by the caller)
   */
  public TransactionApplier(
      final DataSource dataSource,
      final ProgressStore progress,
      final DownstreamSchema schema,
      final DmlStatements dml,
      final DownstreamRetry retry,
      final boolean safeMode,
      final int insertRows,
      final long insertBytes,
      final NavigableSet<Long> appliedBefore,
      final WorkerConnections connections,
      final ForeignKeyTables foreignKeys) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.progress = Objects.requireNonNull(progress, "progress");
    this.schema = Objects.requireNonNull(schema, "schema");
    this.dml = Objects.requireNonNull(dml, "dml");
    this.retry = Objects.requireNonNull(retry, "retry");
    this.safeMode = safeMode;
    if (insertRows < 1 || insertBytes < 1) {
      throw new IllegalArgumentException(
          "insertRows and insertBytes must be >= 1: " + insertRows + ", " + insertBytes);
    }
    this.insertRows = insertRows;
    this.insertBytes = insertBytes;
    this.appliedBefore = Collections.unmodifiableNavigableSet(new TreeSet<>(appliedBefore));
    this.connections = Objects.requireNonNull(connections, "connections");
    this.multiStatement = new MultiStatement(insertBytes);
    this.foreignKeys = Objects.requireNonNull(foreignKeys, "foreignKeys");
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
    return apply(TxnGroup.of(txn)).get(0);
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
    final List<SinkTxn> txns = List.of(txn);
    final Attempt attempt = new Attempt(-1, txns, Objects.requireNonNull(mark, "mark"));
    final boolean applied = run(attempt, describe(txns));
    return applied ? ApplyOutcome.APPLIED : ApplyOutcome.ALREADY_APPLIED;
  }

  /** {@link #apply(int, TxnGroup)} on a connection taken from the pool for the call. */
  public List<ApplyOutcome> apply(final TxnGroup group) {
    return apply(-1, group);
  }

  /**
   * Applies the group's DML transactions once, as one downstream transaction, on {@code worker}'s
   * connection (one group at a time per worker).
   *
   * @return each transaction's outcome, in order: APPLIED, or ALREADY_APPLIED if it was recorded
   *     before
   */
  public List<ApplyOutcome> apply(final int worker, final TxnGroup group) {
    if (group.ddl() != null) {
      throw new IllegalArgumentException("a DDL goes to DdlApplier: commit_ts " + group.commitTs());
    }
    final List<SinkTxn> todo = new ArrayList<>(group.size());
    for (SinkTxn txn : group.txns()) {
      if (!appliedBefore.contains(txn.commitTs())) {
        todo.add(txn);
      }
    }
    if (!todo.isEmpty()) {
      final boolean applied = applyTogether(worker, todo);
      if (!applied) {
        if (group.size() == 1) {
          LOG.info("commit_ts {} was recorded before, rolled back", group.firstCommitTs());
          return List.of(ApplyOutcome.ALREADY_APPLIED);
        }
        LOG.info(
            "some of commit_ts {} were recorded before; rolled back, applying one at a time",
            group.commitTs());
        return applyOneByOne(worker, group);
      }
    }
    final List<ApplyOutcome> outcomes = new ArrayList<>(group.size());
    for (SinkTxn txn : group.txns()) {
      outcomes.add(
          appliedBefore.contains(txn.commitTs())
              ? ApplyOutcome.ALREADY_APPLIED
              : ApplyOutcome.APPLIED);
    }
    return outcomes;
  }

  private List<ApplyOutcome> applyOneByOne(final int worker, final TxnGroup group) {
    final List<ApplyOutcome> outcomes = new ArrayList<>(group.size());
    for (SinkTxn txn : group.txns()) {
      final boolean applied =
          !appliedBefore.contains(txn.commitTs()) && applyTogether(worker, List.of(txn));
      outcomes.add(applied ? ApplyOutcome.APPLIED : ApplyOutcome.ALREADY_APPLIED);
    }
    return outcomes;
  }

  /** One downstream transaction for {@code txns}; false if one of them was recorded already. */
  private boolean applyTogether(final int worker, final List<SinkTxn> txns) {
    return run(new Attempt(worker, txns, null), describe(txns));
  }

  private boolean run(final Attempt attempt, final String what) {
    return retry.run(
        "applying " + what,
        attempt::run,
        error ->
            new FatalBinlogException(
                ErrorCode.DOWNSTREAM_REJECTED,
                "the downstream rejected "
                    + what
                    + (attempt.txns.size() > 1 ? " (one downstream transaction, rolled back)" : "")
                    + " at statement ["
                    + attempt.failingSql
                    + "]: "
                    + DownstreamErrors.describe(error),
                error));
  }

  private static String describe(final List<SinkTxn> txns) {
    if (txns.size() == 1) {
      return "the transaction with commit_ts " + txns.get(0).commitTs();
    }
    return "the transactions with commit_ts " + TxnGroup.commitTsOf(txns);
  }

  /** One try; remembers the statement that failed. */
  private final class Attempt {
    private final int worker;
    private final List<SinkTxn> txns;
    // null: the commit_ts progress table (transactional mode)
    private final AppliedMark mark;
    private String failingSql;

    Attempt(final int worker, final List<SinkTxn> txns, final AppliedMark mark) {
      this.worker = worker;
      this.txns = txns;
      this.mark = mark;
    }

    Boolean run() throws SQLException {
      failingSql = null;
      if (worker < 0) {
        try (Connection connection = dataSource.getConnection()) {
          connection.setAutoCommit(false);
          return runIn(connection);
        }
      }
      final Connection connection = connections.get(worker);
      try {
        return runIn(connection);
      } catch (SQLException | RuntimeException e) {
        connections.discard(worker);
        throw e;
      }
    }

    private boolean runIn(final Connection connection) throws SQLException {
      try {
        if (mark != null && mark.isApplied(connection)) {
          connection.rollback();
          return false;
        }
        // Multi-statement texts only on a worker's connection (the pool keeps them off).
        applyIn(connection, worker >= 0 && connections.multiStatements());
        failingSql = "COMMIT";
        connection.commit();
        return true;
      } catch (AlreadyAppliedException e) {
        connection.rollback();
        return false;
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(connection, e);
        throw e;
      }
    }

    /**
     * Progress rows first (a duplicate fails there, before any row is written), then the rows. With
     * multi-statements all of it goes in as few round trips as the byte bound allows; if that fails
     * for good, it is rolled back and redone one statement at a time, which tells a duplicate
     * progress row from a refused row and names the statement.
     */
    private void applyIn(final Connection connection, final boolean multi) throws SQLException {
      final List<Long> commitTs = TxnGroup.commitTsOf(txns);
      final StatementPlan plan = plan(connection);
      if (multi && mark == null) {
        final List<Statement> all = new ArrayList<>();
        all.add(progress.recordAppliedStatement(commitTs));
        all.addAll(plan.statements());
        try {
          failingSql = "one of the group's " + all.size() + " statements";
          multiStatement.execute(connection, all);
          return;
        } catch (SQLException e) {
          if (DownstreamErrors.isRetriable(e)) {
            throw e;
          }
          connection.rollback();
        }
      }
      if (mark == null) {
        failingSql = "INSERT INTO " + progress.schema().applied();
        progress.recordApplied(connection, commitTs);
      }
      try (StatementBatch batch = new StatementBatch(connection)) {
        try {
          for (Statement statement : plan.statements()) {
            batch.add(statement);
          }
          batch.flush();
        } finally {
          failingSql = batch.lastSql();
        }
      }
      if (mark != null) {
        failingSql = mark.describe();
        mark.record(connection);
      }
    }

    /** The rows' statements ({@link StatementPlan}). */
    private StatementPlan plan(final Connection connection) throws SQLException {
      final Map<String, TableKeys> keysByTable = new HashMap<>();
      final StatementPlan plan = new StatementPlan(dml, safeMode, insertRows, insertBytes);
      for (SinkTxn txn : txns) {
        for (RowChange row : txn.rows()) {
          final TableKeys keys = keys(connection, keysByTable, row, txn);
          Set<String> conflictKeys = ConflictKeys.of(row, keys);
          if (foreignKeys.involved(connection, row.db(), row.table())) {
            conflictKeys = new HashSet<>(conflictKeys);
            conflictKeys.add(ForeignKeyTables.KEY);
          }
          plan.add(row, keys, conflictKeys);
        }
      }
      return plan;
    }

    private TableKeys keys(
        final Connection connection,
        final Map<String, TableKeys> cache,
        final RowChange row,
        final SinkTxn txn)
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

  /** Closes the workers' connections. */
  @Override
  public void close() {
    connections.close();
  }

  static void rollbackQuietly(final Connection connection, final Exception cause) {
    try {
      connection.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }
}
