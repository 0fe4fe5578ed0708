package io.kafkabinlog.tidbsim.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.schemas.codec.row.RowCodec;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.proto.binlog.PrewriteValue;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.catalog.ColumnSpec;
import io.kafkabinlog.tidbsim.catalog.DdlStatement;
import io.kafkabinlog.tidbsim.catalog.TableSpec;
import io.kafkabinlog.tidbsim.expected.ExpectedStateLog;
import io.kafkabinlog.tidbsim.expected.LogEntry;
import io.kafkabinlog.tidbsim.mutation.RowChange;
import io.kafkabinlog.tidbsim.mutation.SimRow;
import io.kafkabinlog.tidbsim.testing.SimHarness;
import io.kafkabinlog.tidbsim.testing.StateAssertions;
import io.kafkabinlog.tidbsim.workload.Rows;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Conflicting transactions serialize, and commit_ts order is the order of their effects. */
class SimClusterConcurrencyTest {
  private static final String DB = "d";
  private static final int PER_THREAD = 150;

  @TempDir Path dir;
  private SimHarness h;
  private SimCluster sim;

  @BeforeEach
  void setUp() {
    h = SimHarness.open(dir, Duration.ofSeconds(5));
    sim = h.sim();
    sim.ddl(new DdlStatement.CreateDatabase(DB));
    sim.ddl(
        new DdlStatement.CreateTable(
            DB,
            TableSpec.builder("counter")
                .column(ColumnSpec.bigint("id").notNull())
                .column(ColumnSpec.bigint("n").notNull())
                .column(ColumnSpec.varchar("by", 10))
                .primaryKey("id")
                .build()));
    sim.inTxn(
        1,
        txn -> {
          final TableInfo t = txn.table(DB, "counter");
          return txn.insert(t, Rows.of(t, "id", 1L, "n", 0L, "by", "init"));
        });
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  @Test
  void shouldFailOneOfTwoDeadlockedTransactionsAtOnce() throws Exception {
    sim.inTxn(
        1,
        txn -> {
          final TableInfo t = txn.table(DB, "counter");
          return txn.insert(t, Rows.of(t, "id", 2L, "n", 0L));
        });
    final CountDownLatch bothHoldOne = new CountDownLatch(2);
    final ExecutorService pool = Executors.newFixedThreadPool(2);
    final List<Future<String>> results = new ArrayList<>();
    final long started = System.nanoTime();
    for (long[] order : new long[][] {{1, 2}, {2, 1}}) {
      results.add(
          pool.submit(
              () -> {
                try (Txn txn = sim.begin()) {
                  final TableInfo t = txn.table(DB, "counter");
                  txn.getForUpdate(t, Rows.of(t, "id", order[0])).orElseThrow();
                  bothHoldOne.countDown();
                  bothHoldOne.await(5, TimeUnit.SECONDS);
                  txn.getForUpdate(t, Rows.of(t, "id", order[1])).orElseThrow();
                  txn.commit();
                  return "committed";
                } catch (WriteConflictException e) {
                  return e.getMessage();
                }
              }));
    }
    final List<String> outcomes = new ArrayList<>();
    for (Future<String> r : results) {
      outcomes.add(r.get(10, TimeUnit.SECONDS));
    }
    pool.shutdown();

    // The lock wait timeout is 5 s: the cycle was found, not waited out.
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    assertThat(outcomes).anyMatch(o -> o.startsWith("Deadlock found"));
  }

  @Test
  void shouldSerializeTwoThreadsUpdatingOneRowInCommitTsOrder() throws Exception {
    final ExecutorService pool = Executors.newFixedThreadPool(2);
    final List<Future<?>> done = new ArrayList<>();
    for (String name : List.of("a", "b")) {
      done.add(
          pool.submit(
              () -> {
                for (int i = 0; i < PER_THREAD; i++) {
                  sim.inTxn(
                      5,
                      txn -> {
                        final TableInfo t = txn.table(DB, "counter");
                        final SimRow row = txn.getForUpdate(t, Rows.of(t, "id", 1L)).orElseThrow();
                        final long n = (Long) Rows.get(t, row, "n");
                        return txn.update(t, row, Rows.of(t, "n", n + 1, "by", name));
                      });
                }
              }));
    }
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    final TableInfo t = h.catalog().table(DB, "counter").orElseThrow();
    final long nId = Rows.column(t, "n").id();

    // No lost update.
    assertThat(CommittedRows.of(sim, t.id()).get(0).value(nId)).isEqualTo(2L * PER_THREAD);

    // The expected-state entries of the row are in commit_ts order and count 1, 2, 3, ...
    final List<long[]> entries = new ArrayList<>();
    ExpectedStateLog.read(
        dir,
        e -> {
          if (e instanceof LogEntry.Dml dml) {
            for (RowChange c : dml.changes()) {
              if (c instanceof RowChange.Update u) {
                entries.add(new long[] {dml.commitTs(), (Long) u.newRow().value(nId)});
              }
            }
          }
        });
    assertThat(entries).hasSize(2 * PER_THREAD);
    for (int i = 0; i < entries.size(); i++) {
      assertThat(entries.get(i)[1]).as("entry %d", i).isEqualTo(i + 1L);
      if (i > 0) {
        assertThat(entries.get(i)[0]).isGreaterThan(entries.get(i - 1)[0]);
      }
    }

    // The binlogs tell the same story: by commit_ts, each update's old value is the previous new.
    final Map<Long, Binlog> prewrites = new HashMap<>();
    h.binlog().written(BinlogType.Prewrite).forEach(p -> prewrites.put(p.getStartTs(), p));
    final List<Binlog> commits = new ArrayList<>(h.binlog().written(BinlogType.Commit));
    commits.removeIf(c -> c.getDdlJobId() != 0);
    commits.sort(Comparator.comparingLong(Binlog::getCommitTs));
    final RowCodec codec = new RowCodec(t);
    long previous = -1;
    for (Binlog c : commits) {
      final PrewriteValue v =
          PrewriteValue.parseFrom(prewrites.get(c.getStartTs()).getPrewriteValue());
      if (v.getMutations(0).getUpdatedRowsCount() == 0) {
        continue; // the initial insert
      }
      final var updated = codec.decodeUpdated(v.getMutations(0).getUpdatedRows(0).toByteArray());
      final long oldN = (Long) updated.oldRow().get(nId);
      final long newN = (Long) updated.newRow().get(nId);
      assertThat(newN).isEqualTo(oldN + 1);
      if (previous >= 0) {
        assertThat(oldN).isEqualTo(previous);
      }
      previous = newN;
    }
    assertThat(previous).isEqualTo(2L * PER_THREAD);
    StateAssertions.assertExpectedStateMatchesStorage(dir, sim);
  }
}
