package io.kafkabinlog.mysqlsink.partitioned;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.mysqlsink.apply.ApplyOutcome;
import io.kafkabinlog.mysqlsink.checkpoint.PartitionPosition;
import io.kafkabinlog.mysqlsink.filter.TableFilter;
import io.kafkabinlog.mysqlsink.filter.TableName;
import io.kafkabinlog.mysqlsink.model.RowChange;
import io.kafkabinlog.mysqlsink.model.RowChange.ChangeType;
import io.kafkabinlog.mysqlsink.model.SinkTxn;
import io.kafkabinlog.mysqlsink.observe.SinkObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class PartitionLaneTest {
  private static final int PARTITIONS = 3;

  /** One worker thread: a lane waiting on a DDL must not hold it. */
  private final ExecutorService workers = Executors.newSingleThreadExecutor();

  private final List<String> applied = Collections.synchronizedList(new ArrayList<>());
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private volatile CountDownLatch gate = new CountDownLatch(0);

  private final PartitionLane.Work work =
      new PartitionLane.Work() {
        @Override
        public ApplyOutcome applyRows(
            final int partition, final SinkTxn txn, final long firstOffset, final long nextOffset) {
          awaitGate();
          if (txn.rows().get(0).table().equals("poison")) {
            throw new IllegalStateException("refused");
          }
          applied.add(
              "p"
                  + partition
                  + ":"
                  + txn.commitTs()
                  + ":"
                  + txn.rows().get(0).table()
                  + "@"
                  + firstOffset
                  + "-"
                  + nextOffset);
          return ApplyOutcome.APPLIED;
        }

        @Override
        public ApplyOutcome applyDdl(final SinkTxn txn) {
          awaitGate();
          applied.add("ddl:" + txn.commitTs() + (txn.ddl().schemaOnly() ? ":schema-only" : ""));
          return ApplyOutcome.APPLIED;
        }
      };

  @AfterEach
  void tearDown() {
    gate.countDown();
    workers.shutdownNow();
  }

  private void awaitGate() {
    try {
      gate.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private PartitionLane lane(final int partition, final long storedCommitTs) {
    return lane(partition, storedCommitTs, TableFilter.defaults());
  }

  private PartitionLane lane(final int partition, final long storedCommitTs, final TableFilter f) {
    return new PartitionLane(
        partition,
        PARTITIONS,
        new PartitionPosition(-1, storedCommitTs),
        work,
        f,
        SinkObserver.NONE,
        workers,
        e -> failure.compareAndSet(null, e));
  }

  private static RowsItem.Group rows(
      final long commitTs, final String table, final long first, final long next) {
    return new RowsItem.Group(
        new SinkTxn(
            commitTs,
            commitTs - 1,
            List.of(new RowChange("d", table, ChangeType.INSERT, null, Map.of("id", 1L))),
            null),
        first,
        next);
  }

  private static RowsItem.Group ddl(final long commitTs, final long offset) {
    return new RowsItem.Group(
        new SinkTxn(
            commitTs,
            commitTs - 1,
            List.of(),
            new SinkTxn.SinkDdl("ALTER TABLE t ADD c INT", 1, "d", "t", false)),
        offset,
        offset + 1);
  }

  private static void await(final BooleanSupplier condition) throws InterruptedException {
    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition in time").isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  @Test
  void appliesItemsInPartitionOrderAndSkipsWhatWasAppliedBeforeItsAssignment() throws Exception {
    final PartitionLane lane = lane(1, 100);
    lane.offer(rows(90, "old", 0, 1));
    lane.offer(ddl(95, 1));
    lane.offer(rows(110, "a", 2, 4));
    lane.offer(rows(110, "b", 4, 5));
    lane.offer(new RowsItem.Resolved(120, PARTITIONS, 6));
    lane.offer(rows(130, "a", 6, 7));
    await(() -> lane.queued() == 0);

    assertThat(applied).containsExactly("p1:110:a@2-4", "p1:110:b@4-5", "p1:130:a@6-7");
    assertThat(lane.progress().position())
        .as("130's other tables may still come")
        .isEqualTo(new PartitionPosition(7, 129));
    assertThat(failure.get()).isNull();
  }

  @Test
  void aDdlWaitsForTheBarrierWhileTheMembersOtherPartitionsKeepApplying() throws Exception {
    final PartitionLane p0 = lane(0, 100);
    final PartitionLane p1 = lane(1, 100);
    p0.offer(rows(150, "a", 0, 1));
    p0.offer(ddl(200, 1));
    p0.offer(rows(210, "a", 2, 3));
    await(() -> p0.waitingDdl() == 200);
    assertThat(p0.progress().position())
        .as("everything before the DDL is applied")
        .isEqualTo(new PartitionPosition(1, 199));

    // The single worker is free for partition 1, whose work the barrier waits for.
    p1.offer(rows(160, "b", 0, 1));
    p1.offer(rows(190, "b", 1, 2));
    await(() -> p1.queued() == 0);
    assertThat(applied).containsExactly("p0:150:a@0-1", "p1:160:b@0-1", "p1:190:b@1-2");

    p0.release(198);
    Thread.sleep(50);
    assertThat(p0.waitingDdl()).as("a partition is still before 199").isEqualTo(200);
    assertThat(applied).hasSize(3);

    p0.release(199);
    await(() -> p0.queued() == 0);
    assertThat(applied).endsWith("ddl:200", "p0:210:a@2-3");
    assertThat(p0.waitingDdl()).isEqualTo(-1);
    assertThat(p0.progress().position()).isEqualTo(new PartitionPosition(3, 209));
  }

  @Test
  void aDdlPassedByTheProgressDoesNotWait() throws Exception {
    final PartitionLane lane = lane(0, 300);
    lane.offer(ddl(200, 0));
    lane.offer(rows(310, "a", 1, 2));
    await(() -> lane.queued() == 0);
    assertThat(applied).containsExactly("p0:310:a@1-2");
  }

  @Test
  void filteredRowsAreNotWorkAndAFilteredDdlIsRecordedOnly() throws Exception {
    final PartitionLane lane =
        lane(
            2,
            100,
            new TableFilter(
                List.of(), List.of(new TableName("d", "skipped")), List.of(), List.of()));
    lane.offer(rows(110, "skipped", 0, 1));
    lane.offer(
        new RowsItem.Group(
            new SinkTxn(
                120,
                119,
                List.of(),
                new SinkTxn.SinkDdl("DROP TABLE skipped", 1, "d", "skipped", false)),
            1,
            2));
    await(() -> lane.waitingDdl() == 120);
    assertThat(lane.progress().position()).isEqualTo(new PartitionPosition(1, 119));
    lane.release(119);
    await(() -> lane.queued() == 0);
    assertThat(applied).containsExactly("ddl:120:schema-only");
    assertThat(lane.progress().position()).isEqualTo(new PartitionPosition(2, 120));
  }

  @Test
  void aFailureStopsTheLaneAndIsReported() throws Exception {
    final PartitionLane lane = lane(0, 100);
    lane.offer(rows(110, "poison", 0, 1));
    lane.offer(rows(120, "a", 1, 2));
    await(() -> failure.get() != null);
    assertThat(failure.get()).hasMessage("refused");
    Thread.sleep(50);
    assertThat(applied).isEmpty();
    assertThat(lane.queued()).isZero();
    lane.offer(rows(130, "a", 2, 3));
    Thread.sleep(50);
    assertThat(applied).isEmpty();
  }

  @Test
  void aMarkerCountingOtherPartitionsIsRefused() throws Exception {
    final PartitionLane lane = lane(0, 100);
    lane.offer(new RowsItem.Resolved(110, PARTITIONS + 1, 1));
    await(() -> failure.get() != null);
    assertThat(failure.get()).isInstanceOf(FatalBinlogException.class);
    assertThat(failure.get().getMessage()).contains("counts 4 partitions, the topic has 3");
  }

  @Test
  void closingFinishesTheItemInFlightAndDropsTheRest() throws Exception {
    gate = new CountDownLatch(1);
    final PartitionLane lane = lane(0, 100);
    lane.offer(rows(110, "a", 0, 1));
    lane.offer(rows(120, "a", 1, 2));
    Thread.sleep(50);
    assertThat(lane.queuedRows()).as("the one in flight counts until it is applied").isEqualTo(2);
    assertThat(lane.close(Duration.ofMillis(50))).as("110 is still being applied").isFalse();
    assertThat(lane.queuedRows()).isZero();
    gate.countDown();
    assertThat(lane.close(Duration.ofSeconds(5))).isTrue();
    assertThat(applied).containsExactly("p0:110:a@0-1");
    assertThat(lane.progress().position()).isEqualTo(new PartitionPosition(1, 109));
  }

  @Test
  void aLongPartitionTakesTurnsWithTheOthers() throws Exception {
    final PartitionLane busy = lane(0, 100);
    final PartitionLane other = lane(1, 100);
    gate = new CountDownLatch(1);
    for (int i = 0; i < 3 * PartitionLane.TURN; i++) {
      busy.offer(rows(200 + i, "a", i, i + 1));
    }
    other.offer(rows(150, "b", 0, 1));
    gate.countDown();
    await(() -> busy.queued() == 0 && other.queued() == 0);
    assertThat(applied.indexOf("p1:150:b@0-1"))
        .as("partition 1 got a turn before partition 0 finished")
        .isBetween(1, 2 * PartitionLane.TURN);
  }
}
