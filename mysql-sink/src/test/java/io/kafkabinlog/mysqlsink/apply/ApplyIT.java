package io.kafkabinlog.mysqlsink.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.error.BinlogException;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.mysqlsink.checkpoint.CheckpointSchema;
import io.kafkabinlog.mysqlsink.checkpoint.ProgressStore;
import io.kafkabinlog.mysqlsink.ddl.DdlTranslator;
import io.kafkabinlog.mysqlsink.model.RowChange;
import io.kafkabinlog.mysqlsink.model.RowChange.ChangeType;
import io.kafkabinlog.mysqlsink.model.SinkTxn;
import io.kafkabinlog.mysqlsink.model.SinkTxn.SinkDdl;
import io.kafkabinlog.mysqlsink.schema.DownstreamSchema;
import io.kafkabinlog.mysqlsink.sql.DmlStatements;
import io.kafkabinlog.mysqlsink.sql.JdbcValues;
import io.kafkabinlog.testkit.MariaDbServiceExtension;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mariadb.jdbc.MariaDbDataSource;

@Tag("integration")
@Timeout(60)
class ApplyIT {
  @RegisterExtension static final MariaDbServiceExtension MARIADB = new MariaDbServiceExtension();

  private static final long CLUSTER = 6_000_000_000_000_000_001L;

  private DataSource dataSource;
  private ProgressStore progress;
  private DownstreamSchema schema;
  private String db;

  @BeforeEach
  void setUp() throws Exception {
    db = MARIADB.database();
    dataSource = dataSource("");
    final CheckpointSchema checkpointSchema = CheckpointSchema.inSchema(db);
    checkpointSchema.create(MARIADB.connection());
    progress = new ProgressStore(dataSource, checkpointSchema, CLUSTER, 0);
    schema = new DownstreamSchema();
  }

  private DataSource dataSource(final String options) throws SQLException {
    final String url = MARIADB.jdbcUrl();
    final MariaDbDataSource mariaDb =
        new MariaDbDataSource(
            options.isEmpty() ? url : url + (url.contains("?") ? "&" : "?") + options.substring(1));
    mariaDb.setUser(MARIADB.endpoints().mariaDbUser());
    mariaDb.setPassword(MARIADB.endpoints().mariaDbPassword());
    return mariaDb;
  }

  private static DownstreamRetry noWaitRetry(final int attempts) {
    return new DownstreamRetry(attempts, Duration.ofMillis(1), Duration.ofMillis(1), d -> {});
  }

  private TransactionApplier transactions(final DataSource source, final DownstreamRetry retry) {
    return new TransactionApplier(
        source, progress, schema, new DmlStatements(JdbcValues.utc()), retry, false, 2);
  }

  private DdlApplier ddls(final Set<Long> ignore) {
    return new DdlApplier(
        dataSource, progress, schema, new DdlTranslator(), noWaitRetry(3), ignore);
  }

  private SinkTxn ddl(final long commitTs, final String query, final String table) {
    return new SinkTxn(
        commitTs, commitTs - 1, List.of(), new SinkDdl(query, commitTs, db, table, false));
  }

  private SinkTxn dml(final long commitTs, final RowChange... rows) {
    return new SinkTxn(commitTs, commitTs - 1, List.of(rows), null);
  }

  private Map<String, Object> row(final long id, final String name, final String amount) {
    final Map<String, Object> image = new LinkedHashMap<>();
    image.put("id", id);
    image.put("name", name);
    image.put("amount", amount == null ? null : new BigDecimal(amount));
    return image;
  }

  private RowChange insert(final long id, final String name, final String amount) {
    return new RowChange(db, "t1", ChangeType.INSERT, null, row(id, name, amount));
  }

  private RowChange update(final Map<String, Object> before, final Map<String, Object> after) {
    return new RowChange(db, "t1", ChangeType.UPDATE, before, after);
  }

  private RowChange delete(final long id, final String name, final String amount) {
    return new RowChange(db, "t1", ChangeType.DELETE, row(id, name, amount), null);
  }

  private List<SinkTxn> sequence() {
    return List.of(
        ddl(
            100,
            "CREATE TABLE t1 (id BIGINT PRIMARY KEY /*T![clustered_index] CLUSTERED */,"
                + " name VARCHAR(20), amount DECIMAL(10,2))",
            "t1"),
        dml(101, insert(1, "a", "1.00"), insert(2, "b", "2.00"), insert(3, "c", null)),
        dml(102, update(row(2, "b", "2.00"), row(2, "bb", "2.50"))),
        dml(103, delete(3, "c", null)),
        dml(
            104,
            insert(4, "d", "4.00"),
            update(row(1, "a", "1.00"), row(1, "a", "1.10")),
            insert(5, "e", "5.00"),
            insert(6, "f", "6.00"),
            insert(7, "g", "7.00"),
            delete(2, "bb", "2.50")));
  }

  private List<ApplyOutcome> applyAll(final List<SinkTxn> txns) {
    final TransactionApplier applier = transactions(dataSource, noWaitRetry(3));
    final DdlApplier ddlApplier = ddls(Set.of());
    final List<ApplyOutcome> outcomes = new ArrayList<>();
    for (SinkTxn txn : txns) {
      outcomes.add(txn.ddl() != null ? ddlApplier.apply(txn) : applier.apply(txn));
    }
    return outcomes;
  }

  @Test
  void shouldApplyASequenceAndRecordEveryCommitTs() throws Exception {
    assertThat(applyAll(sequence())).containsOnly(ApplyOutcome.APPLIED);

    assertThat(rows()).containsExactly("1 a 1.10", "4 d 4.00", "5 e 5.00", "6 f 6.00", "7 g 7.00");
    assertThat(applied()).containsExactly(100L, 101L, 102L, 103L, 104L);
    assertThat(query("SELECT commit_ts, job_id FROM " + progress.schema().ddlLedger()))
        .containsExactly("100 100");
  }

  @Test
  void shouldApplyEachTransactionOnlyOnceWhenReplayed() throws Exception {
    applyAll(sequence());
    final List<String> before = rows();

    // a fresh schema cache and appliers, as after a restart
    schema = new DownstreamSchema();
    assertThat(applyAll(sequence())).containsOnly(ApplyOutcome.ALREADY_APPLIED);

    assertThat(rows()).isEqualTo(before);
    assertThat(applied()).containsExactly(100L, 101L, 102L, 103L, 104L);
  }

  @Test
  void shouldStopAtADdlTheDownstreamRefusesAndSkipItWhenIgnored() throws Exception {
    applyAll(sequence().subList(0, 1));
    final SinkTxn bad = ddl(200, "ALTER TABLE t1 ADD COLUMN c INT INT", "t1");

    assertThatThrownBy(() -> ddls(Set.of()).apply(bad))
        .isInstanceOf(FatalBinlogException.class)
        .satisfies(
            e -> assertThat(((BinlogException) e).code()).isEqualTo(ErrorCode.DOWNSTREAM_REJECTED))
        .hasMessageContaining("commit_ts 200")
        .hasMessageContaining("ALTER TABLE t1 ADD COLUMN c INT INT")
        .hasMessageContaining("error 1064")
        .hasMessageContaining("ignore-txn-commit-ts");
    assertThat(applied()).containsExactly(100L);

    assertThat(ddls(Set.of(200L)).apply(bad)).isEqualTo(ApplyOutcome.RECORDED_ONLY);
    assertThat(applied()).containsExactly(100L, 200L);
    assertThat(query("SELECT commit_ts FROM " + progress.schema().ddlLedger()))
        .containsExactly("100", "200");
    // and a replay does not stop at it any more
    assertThat(ddls(Set.of()).apply(bad)).isEqualTo(ApplyOutcome.ALREADY_APPLIED);
  }

  @Test
  void shouldRecordASchemaOnlyDdlWithoutExecutingIt() throws Exception {
    applyAll(sequence().subList(0, 1));
    final SinkTxn schemaOnly =
        new SinkTxn(
            300, 299, List.of(), new SinkDdl("ALTER TABLE t1 DROP COLUMN name", 9, db, "t1", true));

    assertThat(ddls(Set.of()).apply(schemaOnly)).isEqualTo(ApplyOutcome.RECORDED_ONLY);

    assertThat(
            query(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = '"
                    + db
                    + "' AND table_name = 't1' ORDER BY ordinal_position"))
        .containsExactly("id", "name", "amount");
    assertThat(applied()).containsExactly(100L, 300L);
  }

  @Test
  void shouldSeeAColumnAddedByADdlInTheNextTransaction() throws Exception {
    applyAll(sequence().subList(0, 2));
    ddls(Set.of()).apply(ddl(150, "ALTER TABLE t1 ADD COLUMN note VARCHAR(10)", "t1"));
    final Map<String, Object> image = row(8, "h", "8.00");
    image.put("note", "new");

    transactions(dataSource, noWaitRetry(1))
        .apply(dml(151, new RowChange(db, "t1", ChangeType.INSERT, null, image)));

    assertThat(query("SELECT note FROM t1 WHERE id = 8")).containsExactly("new");
  }

  @Test
  void shouldLeaveNothingOfATransactionWhoseStatementFailsMidway() throws Exception {
    applyAll(sequence().subList(0, 2));
    final SinkTxn failing =
        dml(105, insert(10, "j", "10.00"), update(row(1, "a", "1.00"), row(2, "a", "1.00")));

    assertThatThrownBy(() -> transactions(dataSource, noWaitRetry(3)).apply(failing))
        .isInstanceOf(FatalBinlogException.class)
        .satisfies(
            e -> assertThat(((BinlogException) e).code()).isEqualTo(ErrorCode.DOWNSTREAM_REJECTED))
        .hasMessageContaining("commit_ts 105")
        .hasMessageContaining("UPDATE `" + db + "`.`t1` SET")
        .hasMessageContaining("Duplicate entry");

    assertThat(rows()).containsExactly("1 a 1.00", "2 b 2.00", "3 c null");
    assertThat(applied()).containsExactly(100L, 101L);
  }

  @Test
  void shouldStopNamingAMissingDownstreamTable() throws Exception {
    final SinkTxn txn =
        dml(106, new RowChange(db, "nope", ChangeType.INSERT, null, Map.of("id", 1L)));

    assertThatThrownBy(() -> transactions(dataSource, noWaitRetry(3)).apply(txn))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining(db + ".nope")
        .hasMessageContaining("commit_ts 106");
    assertThat(applied()).isEmpty();
  }

  @Test
  void shouldRetryALockWaitTimeoutAndApplyOnceTheLockIsGone() throws Exception {
    applyAll(sequence().subList(0, 2));
    final DataSource impatient = dataSource("&sessionVariables=innodb_lock_wait_timeout=1");
    final Connection holder = MARIADB.connection();
    holder.setAutoCommit(false);
    try (Statement statement = holder.createStatement()) {
      statement.executeQuery("SELECT * FROM t1 WHERE id = 1 FOR UPDATE").close();
    }
    final SinkTxn txn = dml(107, update(row(1, "a", "1.00"), row(1, "z", "1.00")));

    assertThatThrownBy(() -> transactions(impatient, noWaitRetry(2)).apply(txn))
        .isInstanceOf(RetriableBinlogException.class)
        .satisfies(
            e ->
                assertThat(((BinlogException) e).code())
                    .isEqualTo(ErrorCode.DOWNSTREAM_UNAVAILABLE))
        .hasMessageContaining("error 1205");
    assertThat(applied()).doesNotContain(107L);

    // the first attempt times out; the wait before the second releases the lock
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
    assertThat(transactions(impatient, releasing).apply(txn)).isEqualTo(ApplyOutcome.APPLIED);
    assertThat(query("SELECT name FROM t1 WHERE id = 1")).containsExactly("z");
    assertThat(applied()).contains(107L);
  }

  private List<String> rows() throws SQLException {
    return query("SELECT id, name, amount FROM t1 ORDER BY id");
  }

  private List<Long> applied() throws SQLException {
    return query("SELECT commit_ts FROM " + progress.schema().applied() + " ORDER BY commit_ts")
        .stream()
        .map(Long::parseLong)
        .toList();
  }

  private List<String> query(final String sql) throws SQLException {
    final List<String> out = new ArrayList<>();
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(sql)) {
      final int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        final StringBuilder line = new StringBuilder();
        for (int i = 1; i <= columns; i++) {
          line.append(i == 1 ? "" : " ").append(rs.getString(i));
        }
        out.add(line.toString());
      }
    }
    return out;
  }
}
