package io.kafkabinlog.mysqlsink.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.error.BinlogException;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.mysqlsink.checkpoint.CheckpointSchema;
import io.kafkabinlog.mysqlsink.checkpoint.ProgressStore;
import io.kafkabinlog.mysqlsink.model.RowChange;
import io.kafkabinlog.mysqlsink.model.RowChange.ChangeType;
import io.kafkabinlog.mysqlsink.model.SinkTxn;
import io.kafkabinlog.mysqlsink.model.TxnGroup;
import io.kafkabinlog.mysqlsink.schema.DownstreamSchema;
import io.kafkabinlog.mysqlsink.sql.DmlStatements;
import io.kafkabinlog.mysqlsink.sql.JdbcValues;
import io.kafkabinlog.testkit.MariaDbServiceExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mariadb.jdbc.MariaDbDataSource;

/** txn-batch groups applied by {@link TransactionApplier} as one downstream transaction. */
@Tag("integration")
@Timeout(60)
class TxnGroupApplyIT {
  @RegisterExtension static final MariaDbServiceExtension MARIADB = new MariaDbServiceExtension();

  private static final long CLUSTER = 5_000_000_000_000_000_001L;

  private final List<TransactionApplier> appliers = new ArrayList<>();
  private ProgressStore progress;
  private String db;

  @BeforeEach
  void setUp() throws Exception {
    db = MARIADB.database();
    final CheckpointSchema checkpointSchema = CheckpointSchema.inSchema(db);
    checkpointSchema.create(MARIADB.connection());
    progress = new ProgressStore(dataSource(""), checkpointSchema, CLUSTER, 0);
    try (Connection c = MARIADB.connection();
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE `" + db + "`.t (id BIGINT PRIMARY KEY, v VARCHAR(20))");
      st.execute("INSERT INTO `" + db + "`.t VALUES (1, 'one'), (2, 'two')");
    }
  }

  @AfterEach
  void closeAppliers() {
    appliers.forEach(TransactionApplier::close);
  }

  private DataSource dataSource(final String options) throws SQLException {
    final String url = MARIADB.jdbcUrl();
    final MariaDbDataSource mariaDb =
        new MariaDbDataSource(
            options.isEmpty() ? url : url + (url.contains("?") ? "&" : "?") + options);
    mariaDb.setUser(MARIADB.endpoints().mariaDbUser());
    mariaDb.setPassword(MARIADB.endpoints().mariaDbPassword());
    return mariaDb;
  }

  private static DownstreamRetry noWaitRetry(final int attempts) {
    return new DownstreamRetry(attempts, Duration.ofMillis(1), Duration.ofMillis(1), d -> {});
  }

  /**
   * An applier whose workers' connections take multi-statements ({@code options} on both them and
   * the pool), as the sink's.
   */
  private TransactionApplier applier(
      final String options, final DownstreamRetry retry, final NavigableSet<Long> before)
      throws SQLException {
    final String multi = (options.isEmpty() ? "" : options + "&") + "allowMultiQueries=true";
    return applier(
        dataSource(options), new WorkerConnections(dataSource(multi), 2, true), retry, before);
  }

  private TransactionApplier applier(
      final DataSource source,
      final WorkerConnections workers,
      final DownstreamRetry retry,
      final NavigableSet<Long> before) {
    final TransactionApplier applier =
        new TransactionApplier(
            source,
            progress,
            new DownstreamSchema(),
            new DmlStatements(JdbcValues.utc()),
            retry,
            false,
            1000,
            1 << 20,
            before,
            workers,
            new ForeignKeyTables());
    appliers.add(applier);
    return applier;
  }

  private TransactionApplier applier(final DownstreamRetry retry) throws SQLException {
    return applier("", retry, new TreeSet<>());
  }

  private static Map<String, Object> image(final long id, final String v) {
    final Map<String, Object> image = new LinkedHashMap<>();
    image.put("id", id);
    image.put("v", v);
    return image;
  }

  private RowChange insert(final long id, final String v) {
    return new RowChange(db, "t", ChangeType.INSERT, null, image(id, v));
  }

  private RowChange update(final long id, final String from, final long toId, final String to) {
    return new RowChange(db, "t", ChangeType.UPDATE, image(id, from), image(toId, to));
  }

  private static SinkTxn txn(final long commitTs, final RowChange... rows) {
    return new SinkTxn(commitTs, commitTs - 1, List.of(rows), null);
  }

  private static TxnGroup group(final SinkTxn... txns) {
    return new TxnGroup(List.of(txns));
  }

  @Test
  void appliesAGroupAsOneTransactionWithAProgressRowPerCommitTs() throws Exception {
    final List<ApplyOutcome> outcomes =
        applier(noWaitRetry(1))
            .apply(
                0,
                group(
                    txn(101, insert(10, "a"), insert(11, "b")),
                    txn(102, update(1, "one", 1, "uno"), insert(12, "c")),
                    txn(103),
                    txn(104, insert(13, "d"))));

    assertThat(outcomes).containsOnly(ApplyOutcome.APPLIED).hasSize(4);
    assertThat(rows()).containsExactly("1=uno", "2=two", "10=a", "11=b", "12=c", "13=d");
    assertThat(applied()).containsExactly(101L, 102L, 103L, 104L);
  }

  @Test
  void keepsTheOrderOfRowsOfTablesInAForeignKey() throws Exception {
    try (Connection c = MARIADB.connection();
        Statement st = c.createStatement()) {
      st.execute("CREATE TABLE `" + db + "`.parent (id BIGINT PRIMARY KEY)");
      st.execute(
          "CREATE TABLE `"
              + db
              + "`.child (id BIGINT PRIMARY KEY, parent_id BIGINT NOT NULL,"
              + " FOREIGN KEY (parent_id) REFERENCES parent (id))");
      st.execute("INSERT INTO `" + db + "`.parent VALUES (1)");
    }
    final TxnGroup group =
        group(
            txn(601, row("child", 10, 1)),
            // merged into one INSERT with child 10, child 20 would come before its parent
            txn(
                602,
                new RowChange(db, "parent", ChangeType.INSERT, null, Map.of("id", 2L)),
                row("child", 20, 2)));

    assertThat(applier(noWaitRetry(1)).apply(0, group))
        .containsExactly(ApplyOutcome.APPLIED, ApplyOutcome.APPLIED);
    assertThat(applied()).containsExactly(601L, 602L);
  }

  private RowChange row(final String table, final long id, final long parent) {
    final Map<String, Object> image = new LinkedHashMap<>();
    image.put("id", id);
    image.put("parent_id", parent);
    return new RowChange(db, table, ChangeType.INSERT, null, image);
  }

  @Test
  void aGroupWithAFailingStatementRollsBackEntirelyAndNamesEveryCommitTs() throws Exception {
    final TransactionApplier applier = applier(noWaitRetry(3));
    // 202 moves row 1 onto the existing id 2: the server refuses it, after 201's rows went in.
    final TxnGroup failing =
        group(
            txn(201, insert(20, "a")),
            txn(202, insert(21, "b"), update(1, "one", 2, "clash")),
            txn(203, insert(22, "c")));

    assertThatThrownBy(() -> applier.apply(0, failing))
        .isInstanceOf(FatalBinlogException.class)
        .satisfies(
            e -> assertThat(((BinlogException) e).code()).isEqualTo(ErrorCode.DOWNSTREAM_REJECTED))
        .hasMessageContaining("commit_ts [201, 202, 203]")
        .hasMessageContaining("rolled back")
        .hasMessageContaining("UPDATE `" + db + "`.`t` SET")
        .hasMessageContaining("Duplicate entry");
    assertThat(rows()).containsExactly("1=one", "2=two");
    assertThat(applied()).isEmpty();

    // The worker's connection was given up; the next group on that worker gets a good one.
    assertThat(applier.apply(0, group(txn(204, insert(23, "d")))))
        .containsExactly(ApplyOutcome.APPLIED);
    assertThat(applied()).containsExactly(204L);
  }

  @Test
  void aGroupIsRetriedWholeAfterALockWaitTimeout() throws Exception {
    final String impatient = "sessionVariables=innodb_lock_wait_timeout=1";
    final Connection holder = MARIADB.connection();
    holder.setAutoCommit(false);
    try (Statement statement = holder.createStatement()) {
      statement.executeQuery("SELECT * FROM `" + db + "`.t WHERE id = 2 FOR UPDATE").close();
    }
    final TxnGroup group =
        group(
            txn(301, insert(30, "a")),
            txn(302, update(2, "two", 2, "dos")),
            txn(303, insert(31, "b")));

    assertThatThrownBy(() -> applier(impatient, noWaitRetry(2), new TreeSet<>()).apply(1, group))
        .isInstanceOf(RetriableBinlogException.class)
        .satisfies(
            e ->
                assertThat(((BinlogException) e).code())
                    .isEqualTo(ErrorCode.DOWNSTREAM_UNAVAILABLE))
        .hasMessageContaining("commit_ts [301, 302, 303]")
        .hasMessageContaining("failed 2 times")
        .hasMessageContaining("error 1205");
    assertThat(rows()).containsExactly("1=one", "2=two");
    assertThat(applied()).isEmpty();

    // The first attempt times out; the wait before the second releases the lock.
    final DownstreamRetry releasing =
        new DownstreamRetry(
            3,
            Duration.ofMillis(1),
            Duration.ofMillis(1),
            d -> {
              try {
                holder.commit();
              } catch (SQLException e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(applier(impatient, releasing, new TreeSet<>()).apply(1, group))
        .containsExactly(ApplyOutcome.APPLIED, ApplyOutcome.APPLIED, ApplyOutcome.APPLIED);
    assertThat(rows()).containsExactly("1=one", "2=dos", "30=a", "31=b");
    assertThat(applied()).containsExactly(301L, 302L, 303L);
    holder.close();
  }

  @Test
  void aReplayedGroupSkipsWhatWasRecordedAndAppliesTheRest() throws Exception {
    // 402 was applied by an earlier run the replay set does not know of.
    applier(noWaitRetry(1)).apply(0, group(txn(402, insert(41, "b"))));

    final List<ApplyOutcome> outcomes =
        applier(noWaitRetry(1))
            .apply(
                0,
                group(
                    txn(401, insert(40, "a")),
                    txn(402, insert(41, "b")),
                    txn(403, insert(42, "c"))));

    assertThat(outcomes)
        .containsExactly(ApplyOutcome.APPLIED, ApplyOutcome.ALREADY_APPLIED, ApplyOutcome.APPLIED);
    assertThat(rows()).containsExactly("1=one", "2=two", "40=a", "41=b", "42=c");
    assertThat(applied()).containsExactly(401L, 402L, 403L);
  }

  @Test
  void commitTsValuesRecordedBeforeTheRunAreSkippedWithoutARoundTrip() throws Exception {
    // Nothing listens there: any statement would fail.
    final DataSource nowhere =
        new MariaDbDataSource("jdbc:mariadb://127.0.0.1:1/?connectTimeout=500");
    final TransactionApplier applier =
        applier(
            nowhere,
            new WorkerConnections(nowhere, 1, true),
            noWaitRetry(1),
            new TreeSet<>(List.of(501L, 502L)));

    assertThat(applier.apply(0, group(txn(501, insert(50, "a")), txn(502, insert(51, "b")))))
        .containsExactly(ApplyOutcome.ALREADY_APPLIED, ApplyOutcome.ALREADY_APPLIED);
    assertThatThrownBy(() -> applier.apply(0, group(txn(502), txn(503, insert(52, "c")))))
        .isInstanceOf(RetriableBinlogException.class)
        .hasMessageContaining("commit_ts 503");
  }

  private List<String> rows() throws SQLException {
    final List<String> out = new ArrayList<>();
    try (Connection c = MARIADB.connection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, v FROM `" + db + "`.t ORDER BY id")) {
      while (rs.next()) {
        out.add(rs.getLong(1) + "=" + rs.getString(2));
      }
    }
    return out;
  }

  private List<Long> applied() throws SQLException {
    final List<Long> out = new ArrayList<>();
    try (Connection c = MARIADB.connection();
        Statement st = c.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT commit_ts FROM " + progress.schema().applied() + " ORDER BY commit_ts")) {
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
    }
    return out;
  }
}
