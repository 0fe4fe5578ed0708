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
import io.kafkabinlog.mysqlsink.model.TableKeys;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class ApplyLoopTest {
  private final ConflictKeys keys =
      new ConflictKeys(
          (db, table) ->
              new TableKeys(db, table, List.of("id", "v"), List.of(List.of("id")), Set.of()));

  private static SinkTxn upsert(final long commitTs, final long id) {
    return new SinkTxn(
        commitTs,
        commitTs - 1,
        List.of(new RowChange("d", "t", ChangeType.INSERT, null, Map.of("id", id, "v", commitTs))),
        null);
  }

  @Test
  void shouldApplyConflictingTransactionsInCommitOrderAndAdvanceTheCheckpoint() throws Exception {
    final List<Long> appliedOfRow1 = Collections.synchronizedList(new ArrayList<>());
    final List<Long> checkpoints = new ArrayList<>();
    try (ApplyLoop loop =
        new ApplyLoop(
            new CausalityScheduler(4, 10),
            keys,
            txn -> {
              if (txn.rows().get(0).after().get("id").equals(1L)) {
                appliedOfRow1.add(txn.commitTs());
              }
              return ApplyOutcome.APPLIED;
            },
            8)) {
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
            txn -> {
              bothRunning.countDown();
              try {
                // each waits for the other: only completes if both run at once
                assertThat(bothRunning.await(10, TimeUnit.SECONDS)).isTrue();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
              return ApplyOutcome.APPLIED;
            },
            8)) {
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
            txn -> {
              if (txn.commitTs() == 3) {
                throw rejected;
              }
              return ApplyOutcome.APPLIED;
            },
            8)) {
      loop.submit(upsert(1, 1));
      loop.submit(upsert(2, 2));
      // the last submit before the failure can happen
      loop.submit(upsert(3, 3));

      assertThatThrownBy(loop::awaitIdle).isSameAs(rejected);
      assertThatThrownBy(() -> loop.submit(upsert(5, 5))).isSameAs(rejected);
      assertThat(loop.watermark()).isEqualTo(2);
    }
  }
}
