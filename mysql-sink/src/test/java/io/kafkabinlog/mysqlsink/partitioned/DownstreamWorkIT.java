package io.kafkabinlog.mysqlsink.partitioned;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.mysqlsink.apply.ApplyOutcome;
import io.kafkabinlog.mysqlsink.apply.DdlApplier;
import io.kafkabinlog.mysqlsink.apply.DownstreamRetry;
import io.kafkabinlog.mysqlsink.apply.TransactionApplier;
import io.kafkabinlog.mysqlsink.checkpoint.Checkpoint;
import io.kafkabinlog.mysqlsink.checkpoint.CheckpointSchema;
import io.kafkabinlog.mysqlsink.checkpoint.PartitionPosition;
import io.kafkabinlog.mysqlsink.checkpoint.PartitionProgressStore;
import io.kafkabinlog.mysqlsink.checkpoint.ProgressStore;
import io.kafkabinlog.mysqlsink.ddl.DdlTranslator;
import io.kafkabinlog.mysqlsink.model.RowChange;
import io.kafkabinlog.mysqlsink.model.RowChange.ChangeType;
import io.kafkabinlog.mysqlsink.model.SinkTxn;
import io.kafkabinlog.mysqlsink.schema.DownstreamSchema;
import io.kafkabinlog.mysqlsink.sql.DmlStatements;
import io.kafkabinlog.mysqlsink.sql.JdbcValues;
import io.kafkabinlog.testkit.MariaDbServiceExtension;
import io.kafkabinlog.testkit.ServiceEndpoints;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mariadb.jdbc.MariaDbPoolDataSource;

/**
 * The partitioned mode's exactly-once bookkeeping against the real MariaDB: two "members" (each
 * with its own pool, schema cache and DDL gate) applying the same work at the same time, as a
 * member that lost a partition in a rebalance and still finishes its last piece of work would.
 */
@Tag("integration")
@Timeout(120)
class DownstreamWorkIT {
  @RegisterExtension static final MariaDbServiceExtension MARIADB = new MariaDbServiceExtension();

  private static final long CLUSTER = 5;
  private static final String TOPIC = "binlog.5.rows";

  private final ExecutorService threads = Executors.newFixedThreadPool(2);
  private final List<MariaDbPoolDataSource> pools = new ArrayList<>();
  private String db;
  private CheckpointSchema schema;

  @BeforeEach
  void setUp() throws Exception {
    db = MARIADB.database();
    schema = CheckpointSchema.inSchema(db);
    try (Connection c = MARIADB.connection();
        Statement st = c.createStatement()) {
      schema.create(c);
      st.execute("CREATE TABLE `" + db + "`.t (id BIGINT PRIMARY KEY, v VARCHAR(10))");
    }
  }

  @AfterEach
  void tearDown() {
    threads.shutdownNow();
    pools.forEach(MariaDbPoolDataSource::close);
  }

  /** One member's work and stores, on a pool of its own. */
  private record Member(
      DownstreamWork work, PartitionProgressStore store, ProgressStore progress) {}

  private Member member() throws Exception {
    final ServiceEndpoints services = MARIADB.endpoints();
    final MariaDbPoolDataSource pool =
        new MariaDbPoolDataSource(
            "jdbc:mariadb://"
                + services.mariaDbHost()
                + ":"
                + services.mariaDbPort()
                + "/?maxPoolSize=4&minPoolSize=1");
    pool.setUser(services.mariaDbUser());
    pool.setPassword(services.mariaDbPassword());
    pools.add(pool);
    final ProgressStore progress = new ProgressStore(pool, schema, CLUSTER, 100);
    final PartitionProgressStore store = new PartitionProgressStore(pool, schema, CLUSTER, TOPIC);
    try (Connection c = pool.getConnection()) {
      store.create(c);
    }
    final DownstreamSchema keys = new DownstreamSchema();
    final DownstreamRetry retry = DownstreamRetry.defaults();
    return new Member(
        new DownstreamWork(
            new TransactionApplier(
                pool, progress, keys, new DmlStatements(JdbcValues.utc()), retry, false, 20),
            new DdlGate(
                pool,
                new DdlApplier(pool, progress, keys, new DdlTranslator(), retry, Set.of()),
                DdlGate.lockName(db, CLUSTER)),
            store,
            keys),
        store,
        progress);
  }

  private SinkTxn inserts(final long commitTs, final long... ids) {
    final List<RowChange> rows = new ArrayList<>();
    for (long id : ids) {
      rows.add(new RowChange(db, "t", ChangeType.INSERT, null, Map.of("id", id, "v", "v" + id)));
    }
    return new SinkTxn(commitTs, commitTs - 1, rows, null);
  }

  @Test
  void aTablesPartIsAppliedOnceAndMovesItsPartitionInTheSameTransaction() throws Exception {
    final Member a = member();
    assertThat(a.store().ensure(1, 100)).isEqualTo(new PartitionPosition(-1, 100));

    assertThat(a.work().applyRows(1, inserts(200, 1, 2), 10, 12)).isEqualTo(ApplyOutcome.APPLIED);
    assertThat(a.work().applyRows(1, inserts(200, 1, 2), 10, 12))
        .as("re-delivered")
        .isEqualTo(ApplyOutcome.ALREADY_APPLIED);
    assertThat(a.work().applyRows(1, inserts(210, 3), 12, 13)).isEqualTo(ApplyOutcome.APPLIED);

    assertThat(ids()).containsExactly(1L, 2L, 3L);
    assertThat(a.store().all()).isEqualTo(Map.of(1, new PartitionPosition(13, 209)));
  }

  @Test
  void twoMembersApplyingTheSameWorkAtOnceApplyItOnce() throws Exception {
    final Member a = member();
    final Member b = member();
    a.store().ensure(0, 100);
    for (int round = 0; round < 20; round++) {
      final long commitTs = 200 + round;
      final SinkTxn txn = inserts(commitTs, 10L * round, 10L * round + 1);
      final long offset = round;
      final CyclicBarrier start = new CyclicBarrier(2);
      final Callable<ApplyOutcome> byA =
          () -> {
            start.await();
            return a.work().applyRows(0, txn, offset, offset + 1);
          };
      final Callable<ApplyOutcome> byB =
          () -> {
            start.await();
            return b.work().applyRows(0, txn, offset, offset + 1);
          };
      final Future<ApplyOutcome> first = threads.submit(byA);
      final Future<ApplyOutcome> second = threads.submit(byB);
      assertThat(List.of(first.get(30, TimeUnit.SECONDS), second.get(30, TimeUnit.SECONDS)))
          .as("round %d", round)
          .containsExactlyInAnyOrder(ApplyOutcome.APPLIED, ApplyOutcome.ALREADY_APPLIED);
    }
    assertThat(ids()).hasSize(40);
  }

  @Test
  void aDdlOnSeveralPartitionsRunsOnceThoughMembersReachItTogether() throws Exception {
    final Member a = member();
    final Member b = member();
    // Not idempotent: a second run would add an index v_2.
    final SinkTxn ddl =
        new SinkTxn(
            300,
            299,
            List.of(),
            new SinkTxn.SinkDdl("ALTER TABLE t ADD INDEX (v)", 7, db, "t", false));
    final CyclicBarrier start = new CyclicBarrier(2);
    final Future<ApplyOutcome> first =
        threads.submit(
            () -> {
              start.await();
              return a.work().applyDdl(ddl);
            });
    final Future<ApplyOutcome> second =
        threads.submit(
            () -> {
              start.await();
              return b.work().applyDdl(ddl);
            });
    assertThat(List.of(first.get(30, TimeUnit.SECONDS), second.get(30, TimeUnit.SECONDS)))
        .containsExactlyInAnyOrder(ApplyOutcome.APPLIED, ApplyOutcome.ALREADY_APPLIED);
    try (Connection c = MARIADB.connection();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT COUNT(DISTINCT INDEX_NAME) FROM information_schema.STATISTICS"
                    + " WHERE TABLE_SCHEMA = '"
                    + db
                    + "' AND TABLE_NAME = 't' AND INDEX_NAME <> 'PRIMARY'")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1);
    }
  }

  @Test
  void positionsAndTheCheckpointNeverMoveBack() throws Exception {
    final Member a = member();
    a.store().ensure(0, 100);
    a.store().ensure(1, 100);
    a.store().advance(Map.of(0, new PartitionPosition(50, 500), 1, new PartitionPosition(7, 300)));
    a.store().advance(Map.of(0, new PartitionPosition(40, 600), 1, new PartitionPosition(9, 200)));
    assertThat(a.store().all())
        .isEqualTo(Map.of(0, new PartitionPosition(50, 600), 1, new PartitionPosition(9, 300)));
    assertThat(a.store().ensure(0, 100))
        .as("an existing row is kept")
        .isEqualTo(new PartitionPosition(50, 600));

    final Checkpoint loaded = a.progress().load();
    assertThat(a.store().advanceCheckpoint(a.progress(), loaded, 300)).isEqualTo(300);
    assertThat(a.store().advanceCheckpoint(a.progress(), loaded, 250))
        .as("a member with an older minimum")
        .isEqualTo(300);
    assertThat(a.store().advanceCheckpoint(a.progress(), loaded, 310)).isEqualTo(310);
    assertThat(a.progress().load()).isEqualTo(new Checkpoint(false, 310, Map.of(), 0));
  }

  private List<Long> ids() throws Exception {
    final List<Long> ids = new ArrayList<>();
    try (Connection c = MARIADB.connection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id FROM `" + db + "`.t ORDER BY id")) {
      while (rs.next()) {
        ids.add(rs.getLong(1));
      }
    }
    return ids;
  }
}
