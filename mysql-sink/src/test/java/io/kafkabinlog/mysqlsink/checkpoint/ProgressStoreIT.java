package io.kafkabinlog.mysqlsink.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.testkit.MariaDbServiceExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mariadb.jdbc.MariaDbDataSource;

@Tag("integration")
@Timeout(60)
class ProgressStoreIT {
  @RegisterExtension static final MariaDbServiceExtension MARIADB = new MariaDbServiceExtension();

  private static final long CLUSTER = 7_000_000_000_000_000_001L;
  private static final long INITIAL = 400L << 18;

  private DataSource dataSource;
  private CheckpointSchema schema;

  @BeforeEach
  void createSchema() throws Exception {
    final MariaDbDataSource mariaDb = new MariaDbDataSource(MARIADB.jdbcUrl());
    mariaDb.setUser(MARIADB.endpoints().mariaDbUser());
    mariaDb.setPassword(MARIADB.endpoints().mariaDbPassword());
    dataSource = mariaDb;
    schema = CheckpointSchema.inSchema(MARIADB.database());
    schema.create(MARIADB.connection());
    execute("CREATE TABLE t (id BIGINT PRIMARY KEY)");
  }

  private ProgressStore store() {
    return new ProgressStore(dataSource, schema, CLUSTER, INITIAL);
  }

  @Test
  void shouldStartAtTheInitialCommitTsWithoutACheckpointRow() throws Exception {
    assertThat(store().load()).isEqualTo(Checkpoint.initial(INITIAL));
    assertThat(store().appliedAbove(store().load())).isEmpty();
  }

  @Test
  void shouldStoreTheCheckpointAsTheOriginalDrainerDoes() throws Exception {
    final ProgressStore store = store();

    store.advance(Checkpoint.initial(INITIAL).withCommitTs(409_123_456_789L));

    assertThat(query("SELECT CAST(clusterID AS CHAR), checkPoint FROM " + schema.checkpoint()))
        .isEqualTo(
            "7000000000000000001 "
                + "{\"consistent\":false,\"commitTS\":409123456789,\"ts-map\":{},"
                + "\"schema-version\":0}");
    assertThat(store().load()).isEqualTo(Checkpoint.initial(409_123_456_789L));
  }

  @Test
  void shouldReadACheckpointAnOriginalDrainerWrote() throws Exception {
    execute(
        "replace into "
            + schema.checkpoint()
            + " values("
            + CLUSTER
            + ", '{\"consistent\":true,\"commitTS\":4242,\"ts-map\":{\"primary-ts\":1,"
            + "\"secondary-ts\":2},\"schema-version\":31}')");

    assertThat(store().load())
        .isEqualTo(new Checkpoint(true, 4242, Map.of("primary-ts", 1L, "secondary-ts", 2L), 31));
  }

  @Test
  void shouldKeepAClusterIdWithTheTopBitSet() throws Exception {
    final long clusterId = -2L; // 18446744073709551614 unsigned
    final ProgressStore store = new ProgressStore(dataSource, schema, clusterId, INITIAL);
    try (Connection connection = transaction()) {
      store.recordApplied(connection, 11);
      connection.commit();
    }
    store.advance(Checkpoint.initial(10));

    assertThat(query("SELECT CAST(clusterID AS CHAR) FROM " + schema.checkpoint()))
        .isEqualTo("18446744073709551614");
    assertThat(store.load().commitTs()).isEqualTo(10);
    assertThat(store.appliedAbove(store.load())).containsExactly(11L);
    assertThat(store().appliedAbove(Checkpoint.initial(0))).isEmpty();
  }

  @Test
  void shouldLeaveNeitherTheRowNorTheProgressWhenTheTransactionRollsBack() throws Exception {
    final ProgressStore store = store();
    try (Connection connection = transaction()) {
      insertRow(connection, 1);
      store.recordApplied(connection, 100);
      assertThat(store.isApplied(connection, 100)).isTrue();

      connection.rollback();
    }

    assertThat(query("SELECT COUNT(*) FROM t")).isEqualTo("0");
    try (Connection connection = transaction()) {
      assertThat(store.isApplied(connection, 100)).isFalse();
    }
    assertThat(store.appliedAbove(Checkpoint.initial(0))).isEmpty();
  }

  @Test
  void shouldRecordTheCommitTsValuesOfAGroupTogetherOrNotAtAll() throws Exception {
    final ProgressStore store = store();
    try (Connection connection = transaction()) {
      store.recordApplied(connection, List.of(200L, 201L, 202L));
      connection.commit();
    }
    assertThat(appliedRows()).isEqualTo("200,201,202");

    try (Connection connection = transaction()) {
      assertThatThrownBy(() -> store.recordApplied(connection, List.of(203L, 201L, 204L)))
          .isInstanceOf(AlreadyAppliedException.class)
          .cause()
          .hasMessageContaining("Duplicate entry")
          .hasMessageContaining("201");
      connection.rollback();
    }
    assertThat(appliedRows()).as("nothing of the refused group").isEqualTo("200,201,202");
  }

  @Test
  void shouldRefuseToRecordACommitTsTwice() throws Exception {
    final ProgressStore store = store();
    try (Connection connection = transaction()) {
      insertRow(connection, 1);
      store.recordApplied(connection, 100);
      connection.commit();
    }

    try (Connection connection = transaction()) {
      assertThat(store.isApplied(connection, 100)).isTrue();
      insertRow(connection, 2);
      assertThatThrownBy(() -> store.recordApplied(connection, 100))
          .isInstanceOfSatisfying(
              AlreadyAppliedException.class, e -> assertThat(e.commitTs()).isEqualTo(100));
      connection.rollback();
    }
    assertThat(query("SELECT GROUP_CONCAT(id) FROM t")).isEqualTo("1");
  }

  @Test
  void shouldSkipOnReplayWhatWasAppliedAboveTheCheckpoint() throws Exception {
    final ProgressStore store = store();
    for (final long commitTs : new long[] {1, 2, 3, 5}) {
      apply(store, commitTs);
    }
    store.advance(store.load().withCommitTs(3));

    final ProgressStore restarted = store();
    final Checkpoint checkpoint = restarted.load();

    assertThat(checkpoint.commitTs()).isEqualTo(3);
    assertThat(restarted.appliedAbove(checkpoint)).containsExactly(5L);
    try (Connection connection = transaction()) {
      assertThat(restarted.isApplied(connection, 4)).isFalse();
      assertThat(restarted.isApplied(connection, 5)).isTrue();
    }
    // Another cluster's progress in the same schema is its own.
    assertThat(new ProgressStore(dataSource, schema, 1, 0).appliedAbove(Checkpoint.initial(0)))
        .isEmpty();
  }

  @Test
  void shouldCleanUpOnlyBelowTheStoredCheckpoint() throws Exception {
    final ProgressStore store = store();
    for (final long commitTs : new long[] {1, 2, 3, 5}) {
      apply(store, commitTs);
    }
    assertThat(store.cleanup(100)).as("no checkpoint stored yet").isZero();
    store.advance(store.load().withCommitTs(3));

    assertThat(store.cleanup(3)).isEqualTo(2);
    assertThat(appliedRows()).isEqualTo("3,5");

    assertThat(store.cleanup(100)).as("bounded by the stored checkpoint 3").isEqualTo(1);
    assertThat(appliedRows()).isEqualTo("5");
    assertThat(store.appliedAbove(store.load())).containsExactly(5L);
  }

  @Test
  void shouldCleanUpMoreThanOneBatch() throws Exception {
    final int count = ProgressStore.CLEANUP_BATCH + 5;
    execute(
        "INSERT INTO " + schema.applied() + " SELECT " + CLUSTER + ", seq FROM seq_1_to_" + count);
    final ProgressStore store = store();
    store.advance(Checkpoint.initial(count));

    assertThat(store.cleanup(count + 1)).isEqualTo(count);
    assertThat(query("SELECT COUNT(*) FROM " + schema.applied())).isEqualTo("0");
  }

  @Test
  void shouldRecordADdlOnce() throws Exception {
    final ProgressStore store = store();
    final String ddl = "CREATE TABLE u (id INT PRIMARY KEY)";
    try (Connection connection = transaction()) {
      assertThat(store.isDdlApplied(connection, 50)).isFalse();
      store.recordDdl(connection, 50, 77, ddl);
      store.recordApplied(connection, 50);
      connection.rollback();
    }
    try (Connection connection = transaction()) {
      assertThat(store.isDdlApplied(connection, 50)).as("rolled back").isFalse();
      execute(ddl); // DDL commits on its own in MariaDB; the ledger follows in a transaction
      store.recordDdl(connection, 50, 77, ddl);
      store.recordApplied(connection, 50);
      connection.commit();
    }

    try (Connection connection = transaction()) {
      assertThat(store.isDdlApplied(connection, 50)).isTrue();
      assertThatThrownBy(() -> store.recordDdl(connection, 50, 77, ddl))
          .isInstanceOf(AlreadyAppliedException.class);
      connection.rollback();
    }
    assertThat(query("SELECT job_id, query, applied_at IS NOT NULL FROM " + schema.ddlLedger()))
        .isEqualTo("77 " + ddl + " 1");
  }

  private void apply(final ProgressStore store, final long commitTs) throws SQLException {
    try (Connection connection = transaction()) {
      insertRow(connection, commitTs);
      store.recordApplied(connection, commitTs);
      connection.commit();
    }
  }

  private Connection transaction() throws SQLException {
    final Connection connection = dataSource.getConnection();
    connection.setAutoCommit(false);
    return connection;
  }

  private static void insertRow(final Connection connection, final long id) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("INSERT INTO t VALUES (" + id + ")");
    }
  }

  private String appliedRows() throws SQLException {
    return query(
        "SELECT GROUP_CONCAT(commit_ts ORDER BY commit_ts) FROM "
            + schema.applied()
            + " WHERE clusterID = "
            + CLUSTER);
  }

  private static void execute(final String sql) throws SQLException {
    try (Statement statement = MARIADB.connection().createStatement()) {
      statement.execute(sql);
    }
  }

  /** The first row, its columns joined by spaces. */
  private static String query(final String sql) throws SQLException {
    try (Statement statement = MARIADB.connection().createStatement();
        ResultSet rows = statement.executeQuery(sql)) {
      assertThat(rows.next()).as(sql).isTrue();
      final StringBuilder text = new StringBuilder();
      for (int column = 1; column <= rows.getMetaData().getColumnCount(); column++) {
        text.append(column > 1 ? " " : "").append(rows.getString(column));
      }
      return text.toString();
    }
  }
}
