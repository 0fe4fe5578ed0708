package io.kafkabinlog.tidbsim.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kafkabinlog.schemas.codec.row.RowCodec;
import io.kafkabinlog.schemas.codec.row.UpdatedRow;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.proto.binlog.PrewriteValue;
import io.kafkabinlog.schemas.proto.binlog.TableMutation;
import io.kafkabinlog.schemas.tableinfo.ActionType;
import io.kafkabinlog.schemas.tableinfo.Job;
import io.kafkabinlog.schemas.tableinfo.SchemaState;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.catalog.ColumnSpec;
import io.kafkabinlog.tidbsim.catalog.DdlStatement;
import io.kafkabinlog.tidbsim.catalog.TableSpec;
import io.kafkabinlog.tidbsim.mutation.SimRow;
import io.kafkabinlog.tidbsim.pumpclient.BinlogWriteException;
import io.kafkabinlog.tidbsim.testing.SimHarness;
import io.kafkabinlog.tidbsim.testing.StateAssertions;
import io.kafkabinlog.tidbsim.txn.TxnOutcome;
import io.kafkabinlog.tidbsim.workload.Rows;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DDL jobs: their binlogs, their history entries and what they do to rows and transactions. */
class SimClusterDdlTest {
  private static final String DB = "d";

  @TempDir Path dir;
  private SimHarness h;
  private SimCluster sim;

  @BeforeEach
  void setUp() {
    h = SimHarness.open(dir, Duration.ofMillis(500));
    sim = h.sim();
    sim.ddl(new DdlStatement.CreateDatabase(DB));
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  private Job createT() {
    return sim.ddl(
        new DdlStatement.CreateTable(
            DB,
            TableSpec.builder("t")
                .column(ColumnSpec.bigint("id").notNull())
                .column(ColumnSpec.varchar("name", 20))
                .column(ColumnSpec.integer("score"))
                .primaryKey("id")
                .build()));
  }

  @Test
  void shouldWriteADdlPrewriteAndCommitAndRecordTheJobWithItsFinishedTs() {
    final int before = h.binlog().written().size();
    final Job job = createT();

    final List<Binlog> binlogs = h.binlog().written().subList(before, before + 2);
    final Binlog prewrite = binlogs.get(0);
    final Binlog commit = binlogs.get(1);
    assertThat(prewrite.getTp()).isEqualTo(BinlogType.Prewrite);
    assertThat(prewrite.getDdlJobId()).isEqualTo(job.id());
    assertThat(prewrite.getDdlSchemaState()).isEqualTo(SchemaState.PUBLIC);
    assertThat(prewrite.getDdlQuery().toString(StandardCharsets.UTF_8)).isEqualTo(job.query());
    assertThat(job.query()).startsWith("CREATE TABLE");
    assertThat(prewrite.hasPrewriteValue()).isFalse();
    assertThat(commit.getTp()).isEqualTo(BinlogType.Commit);
    assertThat(commit.getStartTs()).isEqualTo(prewrite.getStartTs());
    assertThat(commit.getCommitTs()).isGreaterThan(prewrite.getStartTs());
    assertThat(commit.getDdlJobId()).isEqualTo(job.id());

    final Job inHistory = h.catalog().historyJob(job.id()).orElseThrow();
    assertThat(inHistory.type()).isEqualTo(ActionType.CREATE_TABLE);
    assertThat(inHistory.binlog().finishedTs()).isEqualTo(commit.getCommitTs());
    assertThat(inHistory.binlog().schemaVersion()).isEqualTo(h.catalog().schemaVersion());
    assertThat(h.outcomes().find(prewrite.getStartTs()))
        .contains(new TxnOutcome(prewrite.getStartTs(), commit.getCommitTs()));
  }

  @Test
  void shouldWriteTwoDdlBinlogsForDropColumnDeleteOnlyFirst() {
    createT();
    final int before = h.binlog().written().size();
    final Job job = sim.ddl(new DdlStatement.DropColumn(DB, "t", "score"));

    final List<Binlog> binlogs = h.binlog().written().subList(before, h.binlog().written().size());
    assertThat(binlogs)
        .extracting(Binlog::getTp, Binlog::getDdlJobId, Binlog::getDdlSchemaState)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                BinlogType.Prewrite, job.id(), SchemaState.DELETE_ONLY),
            org.assertj.core.groups.Tuple.tuple(
                BinlogType.Commit, job.id(), SchemaState.DELETE_ONLY),
            org.assertj.core.groups.Tuple.tuple(BinlogType.Prewrite, job.id(), SchemaState.NONE),
            org.assertj.core.groups.Tuple.tuple(BinlogType.Commit, job.id(), SchemaState.NONE));
    assertThat(binlogs.get(2).getStartTs()).isGreaterThan(binlogs.get(1).getCommitTs());
    assertThat(h.catalog().historyJob(job.id()).orElseThrow().binlog().finishedTs())
        .isEqualTo(binlogs.get(3).getCommitTs());
    assertThat(h.catalog().table(DB, "t").orElseThrow().cols())
        .extracting(c -> c.name().l())
        .containsExactly("id", "name");
  }

  @Test
  void shouldFinishADropColumnWhoseSecondBinlogFailsOnce() {
    createT();
    h.binlog().refuseOnce(b -> b.getDdlJobId() > 0 && b.getDdlSchemaState() == SchemaState.NONE);
    final int before = h.binlog().written().size();

    final Job job = sim.ddl(new DdlStatement.DropColumn(DB, "t", "score"));

    // The job's DeleteOnly binlog is out: it must land in the history, so the sim tries again.
    assertThat(h.binlog().written().subList(before, h.binlog().written().size()))
        .extracting(Binlog::getTp, Binlog::getDdlJobId, Binlog::getDdlSchemaState)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                BinlogType.Prewrite, job.id(), SchemaState.DELETE_ONLY),
            org.assertj.core.groups.Tuple.tuple(
                BinlogType.Commit, job.id(), SchemaState.DELETE_ONLY),
            org.assertj.core.groups.Tuple.tuple(BinlogType.Prewrite, job.id(), SchemaState.NONE),
            org.assertj.core.groups.Tuple.tuple(BinlogType.Commit, job.id(), SchemaState.NONE));
    assertThat(h.events().all()).anyMatch(e -> e.startsWith("refused "));
    assertThat(h.catalog().historyJob(job.id())).isPresent();
    assertThat(sim.stats().failed()).isEqualTo(1);
  }

  @Test
  void shouldAbandonADdlWhoseOnlyBinlogFails() {
    createT();
    final long version = h.catalog().schemaVersion();
    h.binlog().refuseOnce(b -> b.getDdlJobId() > 0);

    assertThatThrownBy(
            () -> sim.ddl(new DdlStatement.AddColumn(DB, "t", ColumnSpec.integer("never"))))
        .isInstanceOf(BinlogWriteException.class);

    assertThat(h.catalog().schemaVersion()).isEqualTo(version);
    assertThat(lastJob().type()).isEqualTo(ActionType.CREATE_TABLE);
    // The table is not left locked.
    insert(1L, "one", 1L);
  }

  @Test
  void shouldFailATransactionOnATableChangedAfterItBeganAndSucceedOnRetry() {
    createT();
    final Txn stale = sim.begin();
    sim.ddl(new DdlStatement.AddColumn(DB, "t", ColumnSpec.varchar("extra", 8).defaultValue("x")));
    assertThatThrownBy(() -> stale.table(DB, "t")).isInstanceOf(WriteConflictException.class);
    // Asked again (an application that ignores the error), it neither succeeds nor leaks a lock.
    assertThatThrownBy(() -> stale.table(DB, "t")).isInstanceOf(WriteConflictException.class);
    stale.close();
    sim.ddl(new DdlStatement.AddColumn(DB, "t", ColumnSpec.integer("more")));

    final AtomicInteger attempts = new AtomicInteger();
    sim.inTxn(
        3,
        txn -> {
          if (attempts.incrementAndGet() == 1) {
            // A DDL lands between this attempt's begin and its first use of the table.
            sim.ddl(new DdlStatement.ModifyColumn(DB, "t", ColumnSpec.varchar("name", 40)));
          }
          final TableInfo t = txn.table(DB, "t");
          return txn.insert(t, Rows.of(t, "id", 1L, "name", "after"));
        });

    assertThat(attempts.get()).isEqualTo(2);
    assertThat(sim.stats().retried()).isEqualTo(1);
    final Binlog prewrite = h.binlog().lastPrewrite();
    assertThat(schemaVersionOf(prewrite)).isEqualTo(h.catalog().schemaVersion());
    StateAssertions.assertExpectedStateMatchesStorage(dir, sim);
  }

  @Test
  void shouldMakeADdlWaitForTheTransactionsUsingItsTable() throws Exception {
    createT();
    final Txn open = sim.begin();
    final TableInfo t = open.table(DB, "t");
    open.insert(t, Rows.of(t, "id", 1L));
    final Thread ddl =
        new Thread(() -> sim.ddl(new DdlStatement.AddColumn(DB, "t", ColumnSpec.integer("later"))));
    ddl.start();
    Thread.sleep(100);
    assertThat(h.catalog().table(DB, "t").orElseThrow().cols()).hasSize(3);

    final long commitTs = open.commit();
    ddl.join(5_000);

    final Job job = lastJob();
    assertThat(job.type()).isEqualTo(ActionType.ADD_COLUMN);
    assertThat(job.binlog().finishedTs()).isGreaterThan(commitTs);
    StateAssertions.assertExpectedStateMatchesStorage(dir, sim);
  }

  @Test
  void shouldGiveExistingRowsTheOriginDefaultOfAnAddedColumn() {
    createT();
    insert(1L, "one", 10L);
    insert(2L, "two", null);

    sim.ddl(
        new DdlStatement.AddColumn(
            DB, "t", ColumnSpec.varchar("added", 20).notNull().defaultValue("dflt")));

    assertThat(StateAssertions.storage(sim).get("d.t"))
        .containsExactly(
            "id=1 | name=one | score=10 | added=dflt", "id=2 | name=two | score=null | added=dflt");
    StateAssertions.assertExpectedStateMatchesStorage(dir, sim);
    // An update of an old row logs the default as the old value of the new column.
    final UpdatedRow updated = updateName(1L, "uno");
    final TableInfo t = h.catalog().table(DB, "t").orElseThrow();
    assertThat(updated.oldRow().get(Rows.column(t, "added").id())).isEqualTo("dflt");
    assertThat(updated.newRow().get(Rows.column(t, "name").id())).isEqualTo("uno");
  }

  @Test
  void shouldRemoveTheValuesOfADroppedColumnSoLaterChangesStillEncode() {
    createT();
    final long scoreId = Rows.column(h.catalog().table(DB, "t").orElseThrow(), "score").id();
    insert(1L, "one", 10L);
    insert(2L, "two", 20L);

    sim.ddl(new DdlStatement.DropColumn(DB, "t", "score"));

    assertThat(CommittedRows.of(sim, h.catalog().table(DB, "t").orElseThrow().id()))
        .allSatisfy(row -> assertThat(row.has(scoreId)).isFalse());
    final UpdatedRow updated = updateName(1L, "uno");
    assertThat(updated.oldRow().unknownColumnIds()).isEmpty();
    assertThat(updated.oldRow().has(scoreId)).isFalse();
    sim.inTxn(
        1,
        txn -> {
          final TableInfo t = txn.table(DB, "t");
          return txn.delete(t, Rows.of(t, "id", 2L));
        });
    assertThat(StateAssertions.storage(sim).get("d.t")).containsExactly("id=1 | name=uno");
    StateAssertions.assertExpectedStateMatchesStorage(dir, sim);
  }

  @Test
  void shouldKeepRowsAcrossRenameAndEmptyThemOnTruncate() {
    createT();
    insert(1L, "one", 1L);
    sim.ddl(new DdlStatement.RenameTable(DB, "t", DB, "t2"));
    assertThat(StateAssertions.storage(sim)).containsOnlyKeys("d.t2");
    assertThat(StateAssertions.storage(sim).get("d.t2")).hasSize(1);

    final long oldId = h.catalog().table(DB, "t2").orElseThrow().id();
    sim.ddl(new DdlStatement.TruncateTable(DB, "t2"));
    final TableInfo truncated = h.catalog().table(DB, "t2").orElseThrow();
    assertThat(truncated.id()).isNotEqualTo(oldId);
    assertThat(StateAssertions.storage(sim).get("d.t2")).isEmpty();
    insert("t2", 5L, "five", 5L);
    StateAssertions.assertExpectedStateMatchesStorage(dir, sim);
  }

  private long insert(final long id, final String name, final Long score) {
    return insert("t", id, name, score);
  }

  private long insert(final String table, final long id, final String name, final Long score) {
    final Txn txn = sim.begin();
    try (txn) {
      final TableInfo t = txn.table(DB, table);
      txn.insert(t, Rows.of(t, "id", id, "name", name, "score", score));
      return txn.commit();
    }
  }

  /** Updates the name of row {@code id}; returns the updated_rows entry decoded. */
  private UpdatedRow updateName(final long id, final String name) {
    final TableInfo[] used = new TableInfo[1];
    sim.inTxn(
        1,
        txn -> {
          final TableInfo t = txn.table(DB, "t");
          used[0] = t;
          final SimRow row = txn.getForUpdate(t, Rows.of(t, "id", id)).orElseThrow();
          return txn.update(t, row, Rows.of(t, "name", name));
        });
    final TableMutation m = mutationOf(h.binlog().lastPrewrite());
    return new RowCodec(used[0]).decodeUpdated(m.getUpdatedRows(0).toByteArray());
  }

  private static TableMutation mutationOf(final Binlog prewrite) {
    try {
      return PrewriteValue.parseFrom(prewrite.getPrewriteValue()).getMutations(0);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private static long schemaVersionOf(final Binlog prewrite) {
    try {
      return PrewriteValue.parseFrom(prewrite.getPrewriteValue()).getSchemaVersion();
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private Job lastJob() {
    final List<Job> jobs = h.catalog().historyJobs();
    return jobs.get(jobs.size() - 1);
  }
}
