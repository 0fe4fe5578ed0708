package io.kafkabinlog.mysqlsink.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.mysqlsink.causality.CausalityScheduler;
import io.kafkabinlog.mysqlsink.causality.ConflictKeys;
import io.kafkabinlog.mysqlsink.model.RowChange;
import io.kafkabinlog.mysqlsink.model.RowChange.ChangeType;
import io.kafkabinlog.mysqlsink.model.SinkTxn;
import io.kafkabinlog.mysqlsink.model.SinkTxn.SinkDdl;
import io.kafkabinlog.mysqlsink.model.TableKeys;
import io.kafkabinlog.mysqlsink.model.TxnGroup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class ApplyLoopTest {
  private final ConflictKeys keys =
      new ConflictKeys(
          (db, table) ->
              new TableKeys(db, table, List.of("id", "v"), List.of(List.of("id")), Set.of()));

  /** The groups a fake applier was given, in the order it started them. */
  private final List<List<Long>> groups = Collections.synchronizedList(new ArrayList<>());

  private static SinkTxn upsert(final long commitTs, final long id) {
    return rows(commitTs, id);
  }

  /** A transaction inserting one row per id. */
  private static SinkTxn rows(final long commitTs, final long... ids) {
    final List<RowChange> rows = new ArrayList<>();
    for (long id : ids) {
      rows.add(new RowChange("d", "t", ChangeType.INSERT, null, Map.of("id", id, "v", commitTs)));
    }
    return new SinkTxn(commitTs, commitTs - 1, rows, null);
  }

  private static SinkTxn ddl(final long commitTs) {
    return new SinkTxn(
        commitTs,
        commitTs - 1,
        List.of(),
        new SinkDdl("ALTER TABLE t ADD c INT", 1, "d", "t", false));
  }

  private ApplyLoop.Applier recording() {
    return (worker, group) -> {
      groups.add(group.commitTs());
      return outcomes(group);
    };
  }

  private static List<ApplyOutcome> outcomes(final TxnGroup group) {
    return Collections.nCopies(group.size(), ApplyOutcome.APPLIED);
  }

  @Test
  void shouldReportAWorkersFailureWithoutAnotherSubmission() throws Exception {
    try (ApplyLoop loop =
        new ApplyLoop(
            new CausalityScheduler(2, 10),
            keys,
            (worker, group) -> {
              throw new IllegalStateException("downstream refused " + group.commitTs());
            },
            8,
            20)) {
      loop.submit(upsert(11, 1));
      loop.flush();
      waitFor(
          () -> {
            try {
              loop.checkHealthy();
              return false;
            } catch (IllegalStateException e) {
              return e.getMessage().equals("downstream refused [11]");
            }
          });
    }
  }

  @Test
  void shouldFlushTheOpenGroupAtAResolvedTsAndFollowTheMarkerOnceItIsApplied() throws Exception {
    try (ApplyLoop loop = new ApplyLoop(new CausalityScheduler(2, 10), keys, recording(), 8, 20)) {
      loop.submit(upsert(11, 1));
      loop.submit(upsert(12, 2));
      loop.resolved(15);
      waitFor(() -> loop.watermark() == 15);
      assertThat(groups).containsExactly(List.of(11L, 12L));
      loop.resolved(30);
      assertThat(loop.watermark()).isEqualTo(30);
    }
  }

  @Test
  void shouldApplyConflictingTransactionsInCommitOrderAndAdvanceTheCheckpoint() throws Exception {
    final List<Long> appliedOfRow1 = Collections.synchronizedList(new ArrayList<>());
    final List<Long> checkpoints = new ArrayList<>();
    try (ApplyLoop loop =
        new ApplyLoop(
            new CausalityScheduler(4, 10),
            keys,
            (worker, group) -> {
              for (SinkTxn txn : group.txns()) {
                if (txn.rows().get(0).after().get("id").equals(1L)) {
                  appliedOfRow1.add(txn.commitTs());
                }
              }
              return outcomes(group);
            },
            8,
            1)) {
      loop.advanceCheckpoint(checkpoints::add);
      for (long ts = 11; ts <= 60; ts++) {
        loop.submit(upsert(ts, ts % 3 == 0 ? 1 : ts));
      }
      loop.awaitIdle();
      loop.advanceCheckpoint(checkpoints::add);
      loop.advanceCheckpoint(checkpoints::add);

      assertThat(loop.watermark()).isEqualTo(60);
    }
    assertThat(appliedOfRow1).isSorted().hasSize(17);
    assertThat(checkpoints).containsExactly(60L);
  }

  @Test
  void shouldApplyIndependentTransactionsInParallel() throws Exception {
    final CountDownLatch bothRunning = new CountDownLatch(2);
    try (ApplyLoop loop =
        new ApplyLoop(
            new CausalityScheduler(2, 0),
            keys,
            (worker, group) -> {
              bothRunning.countDown();
              try {
                // each waits for the other: only completes if both run at once
                assertThat(bothRunning.await(10, TimeUnit.SECONDS)).isTrue();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
              return outcomes(group);
            },
            8,
            1)) {
      loop.submit(upsert(1, 1));
      loop.submit(upsert(2, 2));
      loop.awaitIdle();
      assertThat(loop.watermark()).isEqualTo(2);
    }
  }

  @Test
  void shouldStopAtTheFirstFailureWithoutAdvancingPastIt() throws Exception {
    final FatalBinlogException rejected =
        new FatalBinlogException(ErrorCode.DOWNSTREAM_REJECTED, "commit_ts 3 rejected");
    try (ApplyLoop loop =
        new ApplyLoop(
            new CausalityScheduler(1, 0),
            keys,
            (worker, group) -> {
              if (group.commitTs().contains(3L)) {
                throw rejected;
              }
              return outcomes(group);
            },
            8,
            1)) {
      loop.submit(upsert(1, 1));
      loop.submit(upsert(2, 2));
      // the last submit before the failure can happen
      loop.submit(upsert(3, 3));

      assertThatThrownBy(loop::awaitIdle).isSameAs(rejected);
      assertThatThrownBy(() -> loop.submit(upsert(5, 5))).isSameAs(rejected);
      assertThat(loop.watermark()).isEqualTo(2);
    }
  }

  @Test
  void shouldGroupConsecutiveTransactionsUpToTxnBatchRowsAndNeverSplitOne() throws Exception {
    try (ApplyLoop loop = new ApplyLoop(new CausalityScheduler(1, 0), keys, recording(), 8, 5)) {
      loop.submit(rows(1, 1, 2)); // 2 rows
      loop.submit(rows(2, 3, 4)); // 4
      loop.submit(rows(3, 5)); // 5: full
      loop.submit(rows(4, 6, 7)); // 2
      loop.submit(rows(5, 8, 9, 10, 11, 12, 13, 14)); // 7 rows: alone, closes 4's group
      loop.submit(rows(6)); // no rows: counts as one
      loop.submit(rows(7, 15));
      loop.awaitIdle();
      assertThat(loop.watermark()).isEqualTo(7);
    }
    assertThat(groups)
        .containsExactly(List.of(1L, 2L, 3L), List.of(4L), List.of(5L), List.of(6L, 7L));
  }

  @Test
  void shouldApplyADdlAloneBetweenGroups() throws Exception {
    try (ApplyLoop loop = new ApplyLoop(new CausalityScheduler(4, 0), keys, recording(), 8, 20)) {
      loop.submit(upsert(1, 1));
      loop.submit(upsert(2, 2));
      loop.submit(ddl(3));
      loop.submit(upsert(4, 3));
      loop.submit(ddl(5));
      loop.submit(ddl(6));
      loop.submit(upsert(7, 4));
      loop.awaitIdle();
    }
    assertThat(groups)
        .containsExactly(
            List.of(1L, 2L), List.of(3L), List.of(4L), List.of(5L), List.of(6L), List.of(7L));
  }

  @Test
  void shouldHandOnAnOpenGroupOnlyWhenFlushed() throws Exception {
    try (ApplyLoop loop = new ApplyLoop(new CausalityScheduler(2, 0), keys, recording(), 8, 20)) {
      loop.submit(upsert(1, 1));
      loop.submit(upsert(2, 2));
      Thread.sleep(100);
      assertThat(groups).as("nothing is applied while the group is open").isEmpty();
      assertThat(loop.watermark()).isZero();

      loop.flush();
      loop.submit(upsert(3, 3));
      loop.awaitIdle();
      assertThat(loop.watermark()).isEqualTo(3);
    }
    assertThat(groups).containsExactlyInAnyOrder(List.of(1L, 2L), List.of(3L));
  }

  @Test
  void shouldRunAGroupAfterEveryEarlierGroupItConflictsWith() throws Exception {
    final CountDownLatch release = new CountDownLatch(1);
    final List<Long> started = Collections.synchronizedList(new ArrayList<>());
    try (ApplyLoop loop =
        new ApplyLoop(
            new CausalityScheduler(4, 0),
            keys,
            (worker, group) -> {
              started.add(group.lastCommitTs());
              if (group.commitTs().contains(1L)) {
                await(release);
              }
              return outcomes(group);
            },
            8,
            2)) {
      loop.submit(rows(1, 100)); // group [1, 2]: row 100 and row 200
      loop.submit(rows(2, 200));
      loop.submit(rows(3, 300)); // group [3, 4]: 4 touches row 200 again
      loop.submit(rows(4, 200));
      loop.submit(rows(5, 500)); // group [5, 6]: independent
      loop.submit(rows(6, 600));
      loop.flush();

      waitFor(() -> started.contains(6L));
      assertThat(started)
          .as("[3, 4] shares row 200 with the running [1, 2] and waits; [5, 6] does not")
          .containsExactlyInAnyOrder(2L, 6L);
      release.countDown();
      loop.awaitIdle();
    }
    assertThat(started).containsExactlyInAnyOrder(2L, 6L, 4L);
    assertThat(started.indexOf(4L)).isGreaterThan(started.indexOf(2L));
  }

  @Test
  void shouldMoveTheWatermarkPastAGroupOnlyOnceTheWholeGroupCommitted() throws Exception {
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch running = new CountDownLatch(1);
    final CausalityScheduler scheduler = new CausalityScheduler(4, 0);
    try (ApplyLoop loop =
        new ApplyLoop(
            scheduler,
            keys,
            (worker, group) -> {
              if (group.commitTs().contains(2L)) {
                running.countDown();
                await(release);
              }
              return outcomes(group);
            },
            8,
            3)) {
      loop.submit(rows(1, 1)); // group [1, 2, 3] blocks in the applier
      loop.submit(rows(2, 2));
      loop.submit(rows(3, 3));
      loop.submit(rows(4, 4)); // group [4] is independent and commits at once
      loop.flush();
      assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
      waitFor(() -> scheduler.inFlight() == 1); // [4] committed
      final List<Long> checkpoints = new ArrayList<>();
      loop.advanceCheckpoint(checkpoints::add);
      assertThat(loop.watermark())
          .as("not even commit_ts 1 counts as applied before its group committed")
          .isZero();
      assertThat(checkpoints).isEmpty();

      release.countDown();
      loop.awaitIdle();
      loop.advanceCheckpoint(checkpoints::add);
      assertThat(checkpoints).containsExactly(4L);
    }
  }

  private static void await(final CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("not released");
      }
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void waitFor(final BooleanSupplier condition) throws InterruptedException {
    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition in time").isLessThan(deadline);
      Thread.sleep(5);
    }
  }
}
