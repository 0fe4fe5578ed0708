package io.kafkabinlog.tidbsim.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.common.txnstatus.TxnStatus;
import io.kafkabinlog.schemas.codec.row.Handle;
import io.kafkabinlog.schemas.codec.row.RowCodec;
import io.kafkabinlog.schemas.codec.row.RowImage;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.proto.binlog.PrewriteValue;
import io.kafkabinlog.schemas.proto.binlog.TableMutation;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.catalog.ColumnSpec;
import io.kafkabinlog.tidbsim.catalog.DdlStatement;
import io.kafkabinlog.tidbsim.catalog.TableSpec;
import io.kafkabinlog.tidbsim.expected.ExpectedStateLog;
import io.kafkabinlog.tidbsim.mutation.SimRow;
import io.kafkabinlog.tidbsim.pumpclient.BinlogWriteException;
import io.kafkabinlog.tidbsim.testing.SimHarness;
import io.kafkabinlog.tidbsim.testing.StateAssertions;
import io.kafkabinlog.tidbsim.txn.TxnOutcome;
import io.kafkabinlog.tidbsim.workload.Rows;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A DML transaction's binlogs, outcome record and expected-state entry, as TiDB writes them. */
class SimClusterCommitTest {
  private static final String DB = "d";

  @TempDir Path dir;
  private SimHarness h;
  private SimCluster sim;

  @BeforeEach
  void setUp() {
    h = SimHarness.open(dir, Duration.ofMillis(300));
    sim = h.sim();
    sim.ddl(new DdlStatement.CreateDatabase(DB));
    sim.ddl(
        new DdlStatement.CreateTable(
            DB,
            TableSpec.builder("t")
                .column(ColumnSpec.bigint("id").notNull())
                .column(ColumnSpec.varchar("name", 20))
                .primaryKey("id")
                .build()));
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  private TableInfo table(final String name) {
    return h.catalog().table(DB, name).orElseThrow();
  }

  @Test
  void shouldTakeCommitTsOnlyAfterThePrewriteWasAcknowledged() throws Exception {
    final int before = h.events().size();
    final Txn txn = sim.begin();
    final TableInfo t = txn.table(DB, "t");
    txn.insert(t, Rows.of(t, "id", 7L, "name", "abc"));
    final long commitTs = txn.commit();
    final long startTs = txn.startTs();

    assertThat(h.events().since(before))
        .containsExactly(
            "tso " + startTs,
            "prewrite " + startTs,
            "tso " + commitTs,
            "commit " + startTs + " " + commitTs);
    final Binlog prewrite = h.binlog().find(startTs, BinlogType.Prewrite).orElseThrow();
    final Binlog commit = h.binlog().find(startTs, BinlogType.Commit).orElseThrow();
    assertThat(prewrite.getCommitTs()).isZero();
    assertThat(prewrite.getPrewriteKey().isEmpty()).isFalse();
    // The commit binlog is the prewrite with tp, commit_ts set and the value cleared.
    assertThat(commit.getCommitTs()).isEqualTo(commitTs);
    assertThat(commit.hasPrewriteValue()).isFalse();
    assertThat(commit.getPrewriteKey()).isEqualTo(prewrite.getPrewriteKey());
    assertThat(commit)
        .isEqualTo(
            prewrite.toBuilder()
                .setTp(BinlogType.Commit)
                .setCommitTs(commitTs)
                .clearPrewriteValue()
                .build());

    final PrewriteValue value = PrewriteValue.parseFrom(prewrite.getPrewriteValue());
    assertThat(value.getSchemaVersion()).isEqualTo(txn.schemaVersion());
    final TableMutation m = value.getMutations(0);
    assertThat(m.getTableId()).isEqualTo(t.id());
    final RowImage row = new RowCodec(t).decodeInserted(m.getInsertedRows(0).toByteArray());
    assertThat(row.handle()).isEqualTo(new Handle.IntHandle(7));
    assertThat(row.get(Rows.column(t, "name").id())).isEqualTo("abc");

    assertThat(h.outcomes().find(startTs)).contains(new TxnOutcome(startTs, commitTs));
    assertThat(h.txnStatus().status(startTs)).isEqualTo(new TxnStatus.Committed(commitTs));
    StateAssertions.assertExpectedStateMatchesStorage(dir, sim);
    assertThat(sim.rowCount(t.id())).isEqualTo(1);
  }

  @Test
  void shouldFailTheTransactionWhenNoPumpTakesThePrewrite() {
    final long entriesBefore = ExpectedStateLog.read(dir, e -> {});
    final long outcomesBefore = h.outcomes().recordCount();
    h.binlog().refusePrewrites(true);
    final Txn txn = sim.begin();
    final TableInfo t = txn.table(DB, "t");
    txn.insert(t, Rows.of(t, "id", 1L, "name", "lost"));

    assertThatThrownBy(txn::commit).isInstanceOf(BinlogWriteException.class);

    assertThat(h.binlog().find(txn.startTs(), BinlogType.Prewrite)).isEmpty();
    assertThat(h.binlog().find(txn.startTs(), BinlogType.Commit)).isEmpty();
    assertThat(h.outcomes().recordCount()).isEqualTo(outcomesBefore);
    assertThat(ExpectedStateLog.read(dir, e -> {})).isEqualTo(entriesBefore);
    assertThat(sim.rowCount(t.id())).isZero();
    assertThat(sim.stats().failed()).isEqualTo(1);
    // Its row and table locks are gone: the next transaction takes them at once.
    h.binlog().refusePrewrites(false);
    insert(1L, "kept");
    assertThat(StateAssertions.storage(sim).get("d.t")).containsExactly("id=1 | name=kept");
  }

  @Test
  void shouldRollBackWithARollbackBinlogWhenPdGivesNoCommitTs() {
    final long entriesBefore = ExpectedStateLog.read(dir, e -> {});
    final Txn txn = sim.begin();
    final TableInfo t = txn.table(DB, "t");
    txn.insert(t, Rows.of(t, "id", 1L, "name", "lost"));
    h.tso().setDown(true);
    final int before = h.events().size();

    assertThatThrownBy(txn::commit).isInstanceOf(RetriableBinlogException.class);

    assertThat(h.events().since(before))
        .containsExactly("prewrite " + txn.startTs(), "rollback " + txn.startTs());
    final Binlog rollback = h.binlog().find(txn.startTs(), BinlogType.Rollback).orElseThrow();
    assertThat(rollback.getCommitTs()).isZero();
    assertThat(rollback.hasPrewriteValue()).isFalse();
    assertThat(h.outcomes().find(txn.startTs())).contains(new TxnOutcome(txn.startTs(), 0));
    assertThat(h.txnStatus().status(txn.startTs())).isEqualTo(new TxnStatus.RolledBack());
    assertThat(ExpectedStateLog.read(dir, e -> {})).isEqualTo(entriesBefore);
    assertThat(sim.rowCount(t.id())).isZero();
    h.tso().setDown(false);
    insert(1L, "kept");
    assertThat(StateAssertions.storage(sim).get("d.t")).containsExactly("id=1 | name=kept");
  }

  @Test
  void shouldWriteNoBinlogForATransactionThatChangedNothing() {
    final int before = h.events().size();
    final Txn txn = sim.begin();
    final TableInfo t = txn.table(DB, "t");
    assertThat(txn.getForUpdate(t, Rows.of(t, "id", 99L))).isEmpty();
    assertThat(txn.delete(t, Rows.of(t, "id", 99L))).isFalse();

    assertThat(txn.commit()).isZero();

    assertThat(h.events().since(before)).containsExactly("tso " + txn.startTs());
    assertThat(h.outcomes().find(txn.startTs())).isEmpty();
  }

  @Test
  void shouldWriteNoBinlogForAnExplicitRollbackAndReleaseItsLocks() {
    final int before = h.events().size();
    final Txn txn = sim.begin();
    final TableInfo t = txn.table(DB, "t");
    txn.insert(t, Rows.of(t, "id", 5L, "name", "never"));
    txn.rollback();

    assertThat(h.events().since(before)).containsExactly("tso " + txn.startTs());
    assertThat(sim.rowCount(t.id())).isZero();
    assertThatThrownBy(txn::commit).isInstanceOf(IllegalStateException.class);
    insert(5L, "again");
    assertThat(sim.rowCount(t.id())).isEqualTo(1);
  }

  @Test
  void shouldCommitWithoutTheCommitBinlogWhenTheFaultSwitchIsArmed() {
    h.faults().armCrashAfterPrewrite(1);
    final Txn txn = sim.begin();
    final TableInfo t = txn.table(DB, "t");
    txn.insert(t, Rows.of(t, "id", 3L, "name", "crashed"));
    final long commitTs = txn.commit();

    assertThat(h.binlog().find(txn.startTs(), BinlogType.Prewrite)).isPresent();
    assertThat(h.binlog().find(txn.startTs(), BinlogType.Commit)).isEmpty();
    assertThat(h.outcomes().find(txn.startTs())).contains(new TxnOutcome(txn.startTs(), commitTs));
    assertThat(h.txnStatus().status(txn.startTs())).isEqualTo(new TxnStatus.Committed(commitTs));
    assertThat(h.faults().state().recentCrashedStartTs()).containsExactly(txn.startTs());
    assertThat(sim.stats().crashedBeforeCommitBinlog()).isEqualTo(1);
    StateAssertions.assertExpectedStateMatchesStorage(dir, sim);
    assertThat(StateAssertions.storage(sim).get("d.t")).containsExactly("id=3 | name=crashed");

    // Only the armed count crashes.
    final long next = insert(4L, "fine");
    assertThat(h.binlog().written(BinlogType.Commit))
        .extracting(Binlog::getCommitTs)
        .contains(next);
  }

  @Test
  void shouldRefuseADuplicatePrimaryKey() {
    insert(1L, "first");

    assertThatThrownBy(() -> insert(1L, "second")).isInstanceOf(DuplicateKeyException.class);
    // Within one transaction too.
    assertThatThrownBy(
            () ->
                sim.inTxn(
                    1,
                    txn -> {
                      final TableInfo t = txn.table(DB, "t");
                      txn.insert(t, Rows.of(t, "id", 2L));
                      return txn.insert(t, Rows.of(t, "id", 2L));
                    }))
        .isInstanceOf(DuplicateKeyException.class);
    // An update moving a row onto another one's key.
    insert(3L, "third");
    assertThatThrownBy(
            () ->
                sim.inTxn(
                    1,
                    txn -> {
                      final TableInfo t = txn.table(DB, "t");
                      final SimRow row = txn.getForUpdate(t, Rows.of(t, "id", 3L)).orElseThrow();
                      return txn.update(t, row, Rows.of(t, "id", 1L));
                    }))
        .isInstanceOf(DuplicateKeyException.class);
    assertThat(StateAssertions.storage(sim).get("d.t"))
        .containsExactly("id=1 | name=first", "id=3 | name=third");
  }

  @Test
  void shouldRefuseADuplicateClusteredPrimaryKey() {
    sim.ddl(
        new DdlStatement.CreateTable(
            DB,
            TableSpec.builder("c")
                .column(ColumnSpec.varchar("region", 10).notNull())
                .column(ColumnSpec.bigint("no").notNull())
                .column(ColumnSpec.integer("v"))
                .clusteredPrimaryKey("region", "no")
                .build()));
    insertInto("c", "region", "eu", "no", 1L, "v", 1L);
    insertInto("c", "region", "us", "no", 1L, "v", 2L);

    assertThatThrownBy(() -> insertInto("c", "region", "eu", "no", 1L, "v", 3L))
        .isInstanceOf(DuplicateKeyException.class);
    assertThat(sim.rowCount(table("c").id())).isEqualTo(2);
  }

  @Test
  void shouldRefuseADuplicateNonClusteredPrimaryKey() {
    sim.ddl(
        new DdlStatement.CreateTable(
            DB,
            TableSpec.builder("n")
                .column(ColumnSpec.varchar("email", 40).notNull())
                .column(ColumnSpec.integer("v"))
                .nonClusteredPrimaryKey("email")
                .build()));
    insertInto("n", "email", "a@x", "v", 1L);

    assertThatThrownBy(() -> insertInto("n", "email", "a@x", "v", 2L))
        .isInstanceOf(DuplicateKeyException.class);
    insertInto("n", "email", "b@x", "v", 2L);
    // Changing the key onto another row's is refused too; the row keeps its _tidb_rowid.
    assertThatThrownBy(
            () ->
                sim.inTxn(
                    1,
                    txn -> {
                      final TableInfo t = txn.table(DB, "n");
                      final SimRow b =
                          txn.getForUpdate(t, Rows.of(t, "email", "b@x")).orElseThrow();
                      return txn.update(t, b, Rows.of(t, "email", "a@x"));
                    }))
        .isInstanceOf(DuplicateKeyException.class);
    // A key freed in the same transaction may be taken again.
    sim.inTxn(
        1,
        txn -> {
          final TableInfo t = txn.table(DB, "n");
          assertThat(txn.delete(t, Rows.of(t, "email", "a@x"))).isTrue();
          return txn.insert(t, Rows.of(t, "email", "a@x", "v", 9L));
        });
    assertThat(StateAssertions.storage(sim).get("d.n"))
        .extracting(row -> row.replaceFirst("_tidb_rowid=\\d+ \\| ", ""))
        .containsExactlyInAnyOrder("email=b@x | v=2", "email=a@x | v=9");
  }

  @Test
  void shouldRefuseADuplicateInAUniqueIndexButNotNulls() {
    sim.ddl(
        new DdlStatement.CreateTable(
            DB,
            TableSpec.builder("u")
                .column(ColumnSpec.bigint("id").notNull())
                .column(ColumnSpec.varchar("code", 10))
                .primaryKey("id")
                .uniqueKey("uk_code", "code")
                .build()));
    insertInto("u", "id", 1L, "code", "a");
    insertInto("u", "id", 2L, "code", null);
    insertInto("u", "id", 3L, "code", null);

    assertThatThrownBy(() -> insertInto("u", "id", 4L, "code", "a"))
        .isInstanceOf(DuplicateKeyException.class)
        .hasMessageContaining("uk_code");
    // A row moved to another primary key keeps its unique value.
    sim.inTxn(
        1,
        txn -> {
          final TableInfo t = txn.table(DB, "u");
          final SimRow row = txn.getForUpdate(t, Rows.of(t, "id", 1L)).orElseThrow();
          return txn.update(t, row, Rows.of(t, "id", 10L));
        });
    assertThatThrownBy(() -> insertInto("u", "id", 5L, "code", "a"))
        .isInstanceOf(DuplicateKeyException.class);
    // A value freed by a committed delete is free.
    sim.inTxn(
        1,
        txn -> {
          final TableInfo t = txn.table(DB, "u");
          return txn.delete(t, Rows.of(t, "id", 10L));
        });
    insertInto("u", "id", 6L, "code", "a");
    assertThat(StateAssertions.storage(sim).get("d.u"))
        .containsExactly("id=2 | code=null", "id=3 | code=null", "id=6 | code=a");
  }

  @Test
  void shouldAllocateAutoIncrementAboveEveryExplicitValue() {
    sim.ddl(
        new DdlStatement.CreateTable(
            DB,
            TableSpec.builder("a")
                .column(ColumnSpec.integer("id").unsigned().notNull().autoIncrement())
                .column(ColumnSpec.varchar("v", 10))
                .primaryKey("id")
                .build()));
    final TableInfo a = table("a");
    final List<Object> ids =
        sim.inTxn(
            1,
            txn -> {
              final TableInfo t = txn.table(DB, "a");
              return List.of(
                  Rows.get(t, txn.insert(t, SimRow.of(Map.of())), "id"),
                  Rows.get(t, txn.insert(t, SimRow.of(Map.of())), "id"),
                  Rows.get(t, txn.insert(t, Rows.of(t, "id", 10L)), "id"),
                  Rows.get(t, txn.insert(t, SimRow.of(Map.of())), "id"));
            });

    assertThat(ids).containsExactly(1L, 2L, 10L, 11L);
    assertThat(StateAssertions.storage(sim).get("d.a"))
        .containsExactly("id=1 | v=null", "id=10 | v=null", "id=11 | v=null", "id=2 | v=null");
    final Binlog prewrite = h.binlog().lastPrewrite();
    assertThat(insertedHandles(prewrite, a))
        .containsExactly(
            new Handle.IntHandle(1),
            new Handle.IntHandle(2),
            new Handle.IntHandle(10),
            new Handle.IntHandle(11));
  }

  @Test
  void shouldAllocateHiddenRowIdsForTablesWithoutAClusteredKey() {
    sim.ddl(
        new DdlStatement.CreateTable(
            DB, TableSpec.builder("e").column(ColumnSpec.integer("kind")).build()));
    final TableInfo e = table("e");
    assertThat(e.hasHiddenRowId()).isTrue();
    final List<Long> rowIds =
        sim.inTxn(
            1,
            txn -> {
              final TableInfo t = txn.table(DB, "e");
              return List.of(
                  txn.insert(t, Rows.of(t, "kind", 1L)).rowId(),
                  txn.insert(t, Rows.of(t, "kind", 1L)).rowId(),
                  txn.insert(t, Rows.of(t, "kind", 2L)).rowId());
            });

    assertThat(rowIds).containsExactly(1L, 2L, 3L);
    final Binlog prewrite = h.binlog().lastPrewrite();
    assertThat(insertedHandles(prewrite, e))
        .containsExactly(new Handle.IntHandle(1), new Handle.IntHandle(2), new Handle.IntHandle(3));
    StateAssertions.assertExpectedStateMatchesStorage(dir, sim);
  }

  private static List<Handle> insertedHandles(final Binlog prewrite, final TableInfo table) {
    try {
      final RowCodec codec = new RowCodec(table);
      return PrewriteValue.parseFrom(prewrite.getPrewriteValue())
          .getMutations(0)
          .getInsertedRowsList()
          .stream()
          .map(r -> codec.decodeInserted(r.toByteArray()).handle())
          .toList();
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private long insert(final long id, final String name) {
    return insertInto("t", "id", id, "name", name);
  }

  private long insertInto(final String table, final Object... namesAndValues) {
    final Txn txn = sim.begin();
    try (txn) {
      final TableInfo t = txn.table(DB, table);
      txn.insert(t, Rows.of(t, namesAndValues));
      return txn.commit();
    }
  }
}
