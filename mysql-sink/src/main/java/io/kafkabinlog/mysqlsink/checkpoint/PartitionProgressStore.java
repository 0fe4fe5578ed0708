package io.kafkabinlog.mysqlsink.checkpoint;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.sql.DataSource;

/**
 * The partitioned mode's progress, kept downstream beside the compatible checkpoint row: one row
 * per (cluster, rows topic, partition) with the {@link PartitionPosition} of that partition.
 *
 * <p>Exactly once: a table's part of an upstream transaction is applied in one downstream
 * transaction that first locks its partition's row ({@link #lockNextOffset}, {@code SELECT ... FOR
 * UPDATE}), skips the work if the stored next offset is already past the work's first record, and
 * otherwise moves the row past it ({@link #recordApplied}) before committing. The row lock also
 * fences a member that lost the partition in a rebalance but still finishes its last piece of work:
 * whichever of the two commits second sees the offset moved and rolls back.
 *
 * <p>Positions only grow ({@code GREATEST}), so any member may write what it knows about its
 * partitions at any time ({@link #advance}); a write that comes late never moves a row back.
 */
public final class PartitionProgressStore {
  private final DataSource dataSource;
  private final CheckpointSchema schema;
  private final long clusterId;
  private final String topic;

  /**
   * @param clusterId the upstream cluster id (an unsigned 64-bit value)
   * @param topic the rows topic (rows of another topic of the same cluster are kept apart)
   */
  public PartitionProgressStore(
      final DataSource dataSource,
      final CheckpointSchema schema,
      final long clusterId,
      final String topic) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.schema = Objects.requireNonNull(schema, "schema");
    this.clusterId = clusterId;
    this.topic = Objects.requireNonNull(topic, "topic");
  }

  public String topic() {
    return topic;
  }

  /** The statement {@link #create} runs. */
  public String createStatement() {
    // InnoDB named explicitly: the row must commit with the applied rows. Topic names are ASCII.
    return "CREATE TABLE IF NOT EXISTS "
        + schema.partitionProgress()
        + "(clusterID bigint unsigned NOT NULL,"
        + " topic varchar(249) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,"
        + " partition_id int NOT NULL, next_offset bigint NOT NULL,"
        + " commit_ts bigint unsigned NOT NULL,"
        + " updated_at datetime(6) NOT NULL DEFAULT current_timestamp(6)"
        + " ON UPDATE current_timestamp(6),"
        + " PRIMARY KEY (clusterID, topic, partition_id)) ENGINE=InnoDB";
  }

  /** Creates the table if missing (the checkpoint schema itself must exist). */
  public void create(final Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(createStatement());
    }
  }

  /**
   * The partition's position; a partition without a row gets one at ({@code -1}, {@code
   * initialCommitTs}) first, so that {@link #lockNextOffset} always finds a row to lock.
   */
  public PartitionPosition ensure(final int partition, final long initialCommitTs)
      throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(true);
      try (PreparedStatement insert =
          connection.prepareStatement(
              "INSERT IGNORE INTO "
                  + schema.partitionProgress()
                  + "(clusterID, topic, partition_id, next_offset, commit_ts)"
                  + " VALUES (?, ?, ?, -1, ?)")) {
        bindKey(insert, partition);
        ProgressStore.bindUnsigned(insert, 4, initialCommitTs);
        insert.executeUpdate();
      }
      try (PreparedStatement select =
          connection.prepareStatement(
              "SELECT next_offset, commit_ts FROM "
                  + schema.partitionProgress()
                  + " WHERE clusterID = ? AND topic = ? AND partition_id = ?")) {
        bindKey(select, partition);
        try (ResultSet rows = select.executeQuery()) {
          if (!rows.next()) {
            throw new SQLException("the progress row of partition " + partition + " vanished");
          }
          return position(rows);
        }
      }
    }
  }

  /** Every stored partition of the topic. */
  public Map<Integer, PartitionPosition> all() throws SQLException {
    final Map<Integer, PartitionPosition> all = new TreeMap<>();
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT partition_id, next_offset, commit_ts FROM "
                    + schema.partitionProgress()
                    + " WHERE clusterID = ? AND topic = ?")) {
      ProgressStore.bindUnsigned(select, 1, clusterId);
      select.setString(2, topic);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          all.put(
              rows.getInt(1),
              new PartitionPosition(rows.getLong(2), Long.parseUnsignedLong(rows.getString(3))));
        }
      }
    }
    return all;
  }

  /**
   * Moves the given partitions' rows forward to at least these positions, on a connection of its
   * own (committed on return). Rows that are further already stay.
   */
  public void advance(final Map<Integer, PartitionPosition> positions) throws SQLException {
    if (positions.isEmpty()) {
      return;
    }
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update =
            connection.prepareStatement(
                "UPDATE "
                    + schema.partitionProgress()
                    + " SET next_offset = GREATEST(next_offset, ?),"
                    + " commit_ts = GREATEST(commit_ts, ?)"
                    + " WHERE clusterID = ? AND topic = ? AND partition_id = ?")) {
      connection.setAutoCommit(true);
      for (final Map.Entry<Integer, PartitionPosition> entry : positions.entrySet()) {
        update.setLong(1, entry.getValue().nextOffset());
        ProgressStore.bindUnsigned(update, 2, entry.getValue().commitTs());
        ProgressStore.bindUnsigned(update, 3, clusterId);
        update.setString(4, topic);
        update.setInt(5, entry.getKey());
        update.executeUpdate();
      }
    }
  }

  /**
   * Locks the partition's row in the caller's transaction and returns its next offset: work whose
   * first record is below it was applied before.
   *
   * @throws SQLException if the partition has no row ({@link #ensure} makes it)
   */
  public long lockNextOffset(final Connection connection, final int partition) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "SELECT next_offset FROM "
                + schema.partitionProgress()
                + " WHERE clusterID = ? AND topic = ? AND partition_id = ? FOR UPDATE")) {
      bindKey(select, partition);
      try (ResultSet rows = select.executeQuery()) {
        if (!rows.next()) {
          throw new SQLException(
              "no progress row for partition " + partition + " of " + topic, "02000");
        }
        return rows.getLong(1);
      }
    }
  }

  /**
   * In the caller's transaction (after {@link #lockNextOffset}): the partition is applied up to
   * {@code nextOffset} and at least up to {@code commitTs}.
   */
  public void recordApplied(
      final Connection connection, final int partition, final long nextOffset, final long commitTs)
      throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "UPDATE "
                + schema.partitionProgress()
                + " SET next_offset = GREATEST(next_offset, ?),"
                + " commit_ts = GREATEST(commit_ts, ?)"
                + " WHERE clusterID = ? AND topic = ? AND partition_id = ?")) {
      update.setLong(1, nextOffset);
      ProgressStore.bindUnsigned(update, 2, commitTs);
      ProgressStore.bindUnsigned(update, 3, clusterId);
      update.setString(4, topic);
      update.setInt(5, partition);
      update.executeUpdate();
    }
  }

  /** The statement {@link #recordApplied} runs, for error messages. */
  public String describeRecord() {
    return "UPDATE " + schema.partitionProgress();
  }

  /**
   * Writes the compatible checkpoint row as {@code loaded} (not consistent) if there is none, so
   * that {@link #advanceCheckpoint} always locks an existing row: members that lock the gap of a
   * missing row and then insert it deadlock each other.
   */
  public void ensureCheckpoint(final ProgressStore progress, final Checkpoint loaded)
      throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "INSERT IGNORE INTO "
                    + schema.checkpoint()
                    + "(clusterID, checkPoint) VALUES (?, ?)")) {
      connection.setAutoCommit(true);
      ProgressStore.bindUnsigned(insert, 1, clusterId);
      insert.setString(
          2,
          new Checkpoint(false, loaded.commitTs(), loaded.tsMap(), loaded.schemaVersion())
              .toJson());
      insert.executeUpdate();
    }
  }

  /**
   * Moves the compatible checkpoint row to {@code commitTs} unless it is there or further already
   * (members compute the minimum at different times; the row must never move back). Reads and
   * writes under the row's lock in one transaction. A missing row is written from {@code loaded}'s
   * other fields.
   *
   * @param loaded the checkpoint loaded at start (ts-map and schema version are kept)
   * @return the checkpoint's commit_ts after the call
   */
  public long advanceCheckpoint(
      final ProgressStore progress, final Checkpoint loaded, final long commitTs)
      throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        Checkpoint stored = null;
        try (PreparedStatement select =
            connection.prepareStatement(
                "SELECT checkPoint FROM "
                    + schema.checkpoint()
                    + " WHERE clusterID = ? FOR UPDATE")) {
          ProgressStore.bindUnsigned(select, 1, clusterId);
          try (ResultSet rows = select.executeQuery()) {
            if (rows.next() && rows.getString(1) != null && !rows.getString(1).isEmpty()) {
              stored = Checkpoint.parse(rows.getString(1));
            }
          }
        }
        final long result;
        if (stored != null && Long.compareUnsigned(stored.commitTs(), commitTs) >= 0) {
          result = stored.commitTs();
        } else {
          final Checkpoint base = stored == null ? loaded : stored;
          // Never consistent: one member's stop says nothing about the other partitions.
          progress.advance(
              connection, new Checkpoint(false, commitTs, base.tsMap(), base.schemaVersion()));
          result = commitTs;
        }
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        try {
          connection.rollback();
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      }
    }
  }

  private void bindKey(final PreparedStatement statement, final int partition) throws SQLException {
    ProgressStore.bindUnsigned(statement, 1, clusterId);
    statement.setString(2, topic);
    statement.setInt(3, partition);
  }

  private static PartitionPosition position(final ResultSet rows) throws SQLException {
    return new PartitionPosition(rows.getLong(1), Long.parseUnsignedLong(rows.getString(2)));
  }
}
