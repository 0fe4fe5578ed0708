package io.kafkabinlog.mysqlsink.apply;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.mysqlsink.checkpoint.AlreadyAppliedException;
import io.kafkabinlog.mysqlsink.checkpoint.ProgressStore;
import io.kafkabinlog.mysqlsink.ddl.DdlTranslator;
import io.kafkabinlog.mysqlsink.ddl.UseStatement;
import io.kafkabinlog.mysqlsink.model.SinkTxn;
import io.kafkabinlog.mysqlsink.model.SinkTxn.SinkDdl;
import io.kafkabinlog.mysqlsink.schema.DownstreamSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one upstream DDL: {@code USE db} and the DDL translated for MariaDB, executed alone
 * (MariaDB commits implicitly around a DDL), then the DDL ledger and the progress table in one
 * transaction.
 *
 * <ul>
 *   <li>schema-only DDL, a commit_ts in {@code ignore-txn-commit-ts}, and DDL with nothing left for
 *       MariaDB are recorded without executing anything;
 *   <li>a DDL the ledger or the progress table already has is skipped (replay);
 *   <li>the errors the original drainer treats as "already done" (database or table exists or not,
 *       duplicate or unknown column or key: 1007, 1008, 1049, 1050, 1051, 1054, 1060, 1061, 1091,
 *       1146, 1176) count as success: they are what re-running a DDL whose record was lost in a
 *       crash between the DDL and the ledger looks like;
 *   <li>any other refusal stops with {@link FatalBinlogException} DOWNSTREAM_REJECTED naming the
 *       commit_ts, the query and the server's error, and how to skip it.
 * </ul>
 *
 * <p>The downstream table cache is evicted for the DDL's table (or database) afterwards.
 */
public final class DdlApplier {
  private static final Logger LOG = LoggerFactory.getLogger(DdlApplier.class);

  private static final Set<Integer> ALREADY_DONE =
      Set.of(1007, 1008, 1049, 1050, 1051, 1054, 1060, 1061, 1091, 1146, 1176);

  private final DataSource dataSource;
  private final ProgressStore progress;
  private final DownstreamSchema schema;
  private final DdlTranslator translator;
  private final DownstreamRetry retry;
  private final Set<Long> ignoreCommitTs;

  /**
   * @param ignoreCommitTs commit_ts values recorded as applied without executing them
   */
  public DdlApplier(
      final DataSource dataSource,
      final ProgressStore progress,
      final DownstreamSchema schema,
      final DdlTranslator translator,
      final DownstreamRetry retry,
      final Set<Long> ignoreCommitTs) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.progress = Objects.requireNonNull(progress, "progress");
    this.schema = Objects.requireNonNull(schema, "schema");
    this.translator = Objects.requireNonNull(translator, "translator");
    this.retry = Objects.requireNonNull(retry, "retry");
    this.ignoreCommitTs = Set.copyOf(ignoreCommitTs);
  }

  /** Applies the DDL transaction {@code txn} once. */
  public ApplyOutcome apply(final SinkTxn txn) {
    final SinkDdl ddl = txn.ddl();
    if (ddl == null) {
      throw new IllegalArgumentException("not a DDL: commit_ts " + txn.commitTs());
    }
    final long commitTs = txn.commitTs();
    return retry.run(
        "applying the DDL with commit_ts " + commitTs,
        () -> applyOnce(commitTs, ddl),
        error ->
            new FatalBinlogException(
                ErrorCode.DOWNSTREAM_REJECTED,
                "the downstream rejected the DDL with commit_ts "
                    + commitTs
                    + " ["
                    + ddl.query()
                    + "]: "
                    + DownstreamErrors.describe(error)
                    + "; to skip it, add "
                    + commitTs
                    + " to ignore-txn-commit-ts",
                error));
  }

  private ApplyOutcome applyOnce(final long commitTs, final SinkDdl ddl) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(true);
      if (progress.isDdlApplied(connection, commitTs) || progress.isApplied(connection, commitTs)) {
        return ApplyOutcome.ALREADY_APPLIED;
      }
      final ApplyOutcome outcome;
      if (ddl.schemaOnly()) {
        outcome = ApplyOutcome.RECORDED_ONLY;
      } else if (ignoreCommitTs.contains(commitTs)) {
        LOG.warn(
            "Skipping the DDL with commit_ts {} (in ignore-txn-commit-ts): {}",
            commitTs,
            ddl.query());
        outcome = ApplyOutcome.RECORDED_ONLY;
      } else {
        final Optional<String> text = translator.translate(ddl.query());
        if (text.isEmpty()) {
          LOG.info(
              "The DDL with commit_ts {} has nothing for MariaDB, recorded only: {}",
              commitTs,
              ddl.query());
          outcome = ApplyOutcome.RECORDED_ONLY;
        } else {
          execute(connection, commitTs, ddl, text.get());
          outcome = ApplyOutcome.APPLIED;
        }
      }
      return record(connection, commitTs, ddl) ? outcome : ApplyOutcome.ALREADY_APPLIED;
    }
  }

  private void execute(
      final Connection connection, final long commitTs, final SinkDdl ddl, final String text)
      throws SQLException {
    try (java.sql.Statement statement = connection.createStatement()) {
      final Optional<UseStatement> use = UseStatement.before(ddl.db(), text);
      if (use.isPresent()) {
        statement.execute(use.get().sql());
      }
      statement.execute(text);
    } catch (SQLException e) {
      if (!ALREADY_DONE.contains(e.getErrorCode())) {
        throw e;
      }
      LOG.warn(
          "The DDL with commit_ts {} failed as already done, taken as applied: [{}]: {}",
          commitTs,
          text,
          DownstreamErrors.describe(e));
    } finally {
      evict(ddl);
    }
  }

  /** Ledger (unless schema-only) and progress in one transaction; false if already recorded. */
  private boolean record(final Connection connection, final long commitTs, final SinkDdl ddl)
      throws SQLException {
    connection.setAutoCommit(false);
    try {
      if (!ddl.schemaOnly()) {
        progress.recordDdl(connection, commitTs, ddl.jobId(), ddl.query());
      }
      progress.recordApplied(connection, commitTs);
      connection.commit();
      return true;
    } catch (AlreadyAppliedException e) {
      connection.rollback();
      return false;
    } catch (SQLException | RuntimeException e) {
      TransactionApplier.rollbackQuietly(connection, e);
      throw e;
    }
  }

  /** The whole database: a RENAME or TRUNCATE also changes a table the DDL record does not name. */
  private void evict(final SinkDdl ddl) {
    schema.evictDatabase(ddl.db());
    if (ddl.table() != null) {
      schema.evict(ddl.db(), ddl.table());
    }
  }
}
