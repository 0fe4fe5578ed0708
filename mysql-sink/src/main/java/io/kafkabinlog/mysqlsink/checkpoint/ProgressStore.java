package io.kafkabinlog.mysqlsink.checkpoint;

import io.kafkabinlog.mysqlsink.sql.Statement;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;
import javax.sql.DataSource;

/**
 * The sink's exactly-once bookkeeping for one upstream cluster, kept in the downstream database.
 *
 * <p>Every applied upstream transaction inserts its commit_ts into the progress table inside the
 * same downstream transaction as its rows ({@link #recordApplied}): the rows and the record commit
 * or roll back together. The compatible checkpoint row says that everything at or below its
 * commitTS is applied ({@link #advance}); after a restart the sink replays from there and skips the
 * commit_ts values {@link #appliedAbove} returns. Progress rows at or below a durable checkpoint
 * are no longer needed ({@link #cleanup}).
 *
 * <p>SQL failures are thrown as they come: the applier classifies them (retry, or stop) in one
 * place for all of its statements.
 */
public final class ProgressStore {
  /** MariaDB's error for a duplicate key. */
  private static final int ER_DUP_ENTRY = 1062;

  /** Rows deleted per statement by {@link #cleanup}, so that no delete holds locks for long. */
  static final int CLEANUP_BATCH = 10_000;

  private final DataSource dataSource;
  private final CheckpointSchema schema;
  private final long clusterId;
  private final long initialCommitTs;

  /**
   * @param clusterId the upstream cluster id (an unsigned 64-bit value)
   * @param initialCommitTs where replay starts while no checkpoint row exists ({@code
   *     initial-commit-ts})
   */
  public ProgressStore(
      final DataSource dataSource,
      final CheckpointSchema schema,
      final long clusterId,
      final long initialCommitTs) {
    this.dataSource = dataSource;
    this.schema = schema;
    this.clusterId = clusterId;
    this.initialCommitTs = initialCommitTs;
  }

  public CheckpointSchema schema() {
    return schema;
  }

  public long clusterId() {
    return clusterId;
  }

  /**
   * Records {@code commitTs} as applied, inside the caller's transaction ({@code connection} with
   * autocommit off), so that it commits exactly when the transaction's rows do.
   *
   * @throws AlreadyAppliedException if the commit_ts is already recorded: roll back, it is applied
   */
  public void recordApplied(final Connection connection, final long commitTs) throws SQLException {
    insertOnce(
        connection,
        commitTs,
        "INSERT INTO " + schema.applied() + "(clusterID, commit_ts) VALUES (?, ?)",
        schema.applied());
  }

  /**
   * {@link #recordApplied(Connection, long)} for several commit_ts values in one statement (the
   * upstream transactions of one downstream transaction).
   *
   * @throws AlreadyAppliedException if any of them is already recorded (the cause's message says
   *     which): nothing is recorded, roll back
   */
  public void recordApplied(final Connection connection, final List<Long> commitTs)
      throws SQLException {
    final Statement insert = recordAppliedStatement(commitTs);
    try (PreparedStatement statement = connection.prepareStatement(insert.sql())) {
      insert.bind(statement);
      statement.executeUpdate();
    } catch (SQLException e) {
      throw duplicateAsApplied(e, commitTs.get(0), schema.applied());
    }
  }

  /**
   * The statement {@link #recordApplied(Connection, List)} executes, for a caller that sends it
   * together with other statements; a duplicate then fails it with the server's error 1062.
   */
  public Statement recordAppliedStatement(final List<Long> commitTs) {
    if (commitTs.isEmpty()) {
      throw new IllegalArgumentException("no commit_ts to record");
    }
    final StringBuilder sql =
        new StringBuilder("INSERT INTO ")
            .append(schema.applied())
            .append("(clusterID, commit_ts) VALUES ");
    final List<Object> params = new ArrayList<>(2 * commitTs.size());
    for (int i = 0; i < commitTs.size(); i++) {
      sql.append(i == 0 ? "(?, ?)" : ",(?, ?)");
      params.add(unsigned(clusterId));
      params.add(unsigned(commitTs.get(i)));
    }
    return new Statement(sql.toString(), params);
  }

  /** A Java long that holds an unsigned 64-bit value, as a JDBC parameter. */
  private static Object unsigned(final long value) {
    return value >= 0 ? (Object) value : new BigDecimal(Long.toUnsignedString(value));
  }

  /** Whether {@code commitTs} is recorded as applied (as seen by the caller's transaction). */
  public boolean isApplied(final Connection connection, final long commitTs) throws SQLException {
    return exists(connection, schema.applied(), commitTs);
  }

  /**
   * Records a DDL as applied. MariaDB commits implicitly before and after a DDL statement, so this
   * cannot share a transaction with the DDL itself: the caller runs the DDL, then records it here
   * (with {@link #recordApplied}) in one transaction. A crash in between re-runs the DDL on replay,
   * which the applier must tolerate as the original did ("table exists" and similar errors).
   *
   * @throws AlreadyAppliedException if a DDL with this commit_ts is already recorded
   */
  public void recordDdl(
      final Connection connection, final long commitTs, final long jobId, final String query)
      throws SQLException {
    final String sql =
        "INSERT INTO "
            + schema.ddlLedger()
            + "(clusterID, commit_ts, job_id, query) VALUES (?, ?, ?, ?)";
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      bindUnsigned(statement, 1, clusterId);
      bindUnsigned(statement, 2, commitTs);
      statement.setLong(3, jobId);
      statement.setString(4, query);
      statement.executeUpdate();
    } catch (SQLException e) {
      throw duplicateAsApplied(e, commitTs, schema.ddlLedger());
    }
  }

  /** Whether the DDL with {@code commitTs} is in the ledger. */
  public boolean isDdlApplied(final Connection connection, final long commitTs)
      throws SQLException {
    return exists(connection, schema.ddlLedger(), commitTs);
  }

  /**
   * The stored checkpoint, or {@link Checkpoint#initial} at {@code initial-commit-ts} when there is
   * none. Like the original, a stored commitTS of 0 also means "start at initial-commit-ts".
   */
  public Checkpoint load() throws SQLException {
    final Optional<Checkpoint> stored = stored();
    if (stored.isEmpty()) {
      return Checkpoint.initial(initialCommitTs);
    }
    final Checkpoint checkpoint = stored.get();
    return checkpoint.commitTs() == 0 ? checkpoint.withCommitTs(initialCommitTs) : checkpoint;
  }

  /**
   * Writes the compatible checkpoint row on the given connection (in its transaction, if one is
   * open). {@code checkpoint.commitTs()} must be a commit_ts at or below which every upstream
   * transaction is applied; the caller knows that, this store does not check it.
   */
  public void advance(final Connection connection, final Checkpoint checkpoint)
      throws SQLException {
    // REPLACE as the original does, so a row an original drainer left behind is taken over.
    final String sql =
        "REPLACE INTO " + schema.checkpoint() + "(clusterID, checkPoint) VALUES (?, ?)";
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      bindUnsigned(statement, 1, clusterId);
      statement.setString(2, checkpoint.toJson());
      statement.executeUpdate();
    }
  }

  /** {@link #advance(Connection, Checkpoint)} on a connection of its own, committed on return. */
  public void advance(final Checkpoint checkpoint) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(true);
      advance(connection, checkpoint);
    }
  }

  /**
   * The commit_ts values recorded above {@code checkpoint}: applied before a restart although the
   * checkpoint had not reached them yet; replay skips them.
   */
  public NavigableSet<Long> appliedAbove(final Checkpoint checkpoint) throws SQLException {
    final String sql =
        "SELECT commit_ts FROM " + schema.applied() + " WHERE clusterID = ? AND commit_ts > ?";
    final NavigableSet<Long> applied = new TreeSet<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      bindUnsigned(statement, 1, clusterId);
      bindUnsigned(statement, 2, checkpoint.commitTs());
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          applied.add(Long.parseUnsignedLong(rows.getString(1)));
        }
      }
    }
    return applied;
  }

  /**
   * Deletes progress rows below {@code commitTsBelow}, but never one above the checkpoint stored in
   * the database: a checkpoint that is not durable yet could still be lost, and with it the rows
   * replay needs to skip. Runs in batches of {@value #CLEANUP_BATCH}, each committed on its own.
   *
   * @return the number of rows deleted
   */
  public long cleanup(final long commitTsBelow) throws SQLException {
    final Optional<Checkpoint> stored = stored();
    if (stored.isEmpty() || commitTsBelow <= 0) {
      return 0;
    }
    final long upTo = Math.min(commitTsBelow - 1, stored.get().commitTs());
    if (upTo < 0) {
      return 0;
    }
    final String sql =
        "DELETE FROM "
            + schema.applied()
            + " WHERE clusterID = ? AND commit_ts <= ? LIMIT "
            + CLEANUP_BATCH;
    long deleted = 0;
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      connection.setAutoCommit(true);
      bindUnsigned(statement, 1, clusterId);
      bindUnsigned(statement, 2, upTo);
      int batch;
      do {
        batch = statement.executeUpdate();
        deleted += batch;
      } while (batch == CLEANUP_BATCH);
    }
    return deleted;
  }

  private Optional<Checkpoint> stored() throws SQLException {
    final String sql = "SELECT checkPoint FROM " + schema.checkpoint() + " WHERE clusterID = ?";
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      bindUnsigned(statement, 1, clusterId);
      try (ResultSet rows = statement.executeQuery()) {
        if (!rows.next()) {
          return Optional.empty();
        }
        final String json = rows.getString(1);
        return json == null || json.isEmpty()
            ? Optional.empty()
            : Optional.of(Checkpoint.parse(json));
      }
    }
  }

  private void insertOnce(
      final Connection connection, final long commitTs, final String sql, final String table)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      bindUnsigned(statement, 1, clusterId);
      bindUnsigned(statement, 2, commitTs);
      statement.executeUpdate();
    } catch (SQLException e) {
      throw duplicateAsApplied(e, commitTs, table);
    }
  }

  private boolean exists(final Connection connection, final String table, final long commitTs)
      throws SQLException {
    final String sql = "SELECT 1 FROM " + table + " WHERE clusterID = ? AND commit_ts = ?";
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      bindUnsigned(statement, 1, clusterId);
      bindUnsigned(statement, 2, commitTs);
      try (ResultSet rows = statement.executeQuery()) {
        return rows.next();
      }
    }
  }

  private static SQLException duplicateAsApplied(
      final SQLException error, final long commitTs, final String table) {
    return error.getErrorCode() == ER_DUP_ENTRY
        ? new AlreadyAppliedException(commitTs, table, error)
        : error;
  }

  /** Binds a Java long that holds an unsigned 64-bit value (cluster ids may use the top bit). */
  static void bindUnsigned(final PreparedStatement statement, final int index, final long value)
      throws SQLException {
    statement.setObject(index, unsigned(value));
  }
}
