package io.kafkabinlog.pump.watermark;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.pump.ingest.RawPosition;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.raw.BinlogHeader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class WatermarkTrackerTest {
  private static final RawPosition AT = new RawPosition(0, 0, 1);

  private final AtomicLong clock = new AtomicLong(1_000);
  private final WatermarkTracker tracker = new WatermarkTracker(clock::get);

  @Test
  void shouldStartAtZeroWithNothingPending() {
    assertThat(tracker.maxCommitTs()).isZero();
    assertThat(tracker.pendingPrewrites()).isZero();
    assertThat(tracker.oldestPendingAge()).isEmpty();
    assertThat(tracker.lastWriteNanos()).isZero();
    assertThat(tracker.awaitNoPending(Duration.ZERO)).isTrue();
  }

  @Test
  void shouldHoldTheWatermarkBelowThePendingPrewrite() {
    prewrite(10);
    assertThat(tracker.maxCommitTs()).isZero();
    commit(5, 8); // a transaction from before the restart: moves the max only
    assertThat(tracker.maxCommitTs()).isEqualTo(8);
    commit(7, 20);
    // min(20, pending 10)
    assertThat(tracker.maxCommitTs()).isEqualTo(10);
    commit(10, 25);
    assertThat(tracker.maxCommitTs()).isEqualTo(25);
    assertThat(tracker.pendingPrewrites()).isZero();
  }

  @Test
  void shouldCountARetriedPrewriteOnce() {
    prewrite(10);
    clock.addAndGet(500);
    prewrite(10);
    assertThat(tracker.pendingPrewrites()).isEqualTo(1);
    clock.addAndGet(500);
    // Age from the first acknowledgement.
    assertThat(tracker.oldestPendingAge()).contains(Duration.ofNanos(1_000));
    rollback(10);
    assertThat(tracker.pendingPrewrites()).isZero();
  }

  @Test
  void shouldMoveTheMaxWithFakeBinlogsButNotWithRealRollbacks() {
    ack(BinlogHeader.fake(30));
    assertThat(tracker.maxCommitTs()).isEqualTo(30);
    prewrite(40);
    ack(BinlogHeader.fake(50));
    assertThat(tracker.maxCommitTs()).isEqualTo(40);
    rollback(40);
    assertThat(tracker.maxCommitTs()).isEqualTo(50);
    rollback(99); // a rollback of nothing pending moves nothing
    assertThat(tracker.maxCommitTs()).isEqualTo(50);
  }

  @Test
  void shouldNeverReportAWatermarkBelowOneAlreadyReported() {
    commit(1, 100);
    assertThat(tracker.maxCommitTs()).isEqualTo(100);
    // A prewrite acknowledged after commit 100 commits above 100, so the dip is not reported.
    prewrite(60);
    assertThat(tracker.maxCommitTs()).isEqualTo(100);
    commit(60, 120);
    assertThat(tracker.maxCommitTs()).isEqualTo(120);
    commit(2, 110);
    assertThat(tracker.maxCommitTs()).isEqualTo(120);
  }

  @Test
  void shouldReportAgeOfTheOldestPendingAndSnapshotTheSet() {
    prewrite(30);
    clock.addAndGet(100);
    prewrite(20);
    clock.addAndGet(100);
    assertThat(tracker.oldestPendingAge()).contains(Duration.ofNanos(200));
    assertThat(tracker.lastWriteNanos()).isEqualTo(1_100);
    final var snapshot = tracker.pendingStartTs();
    assertThat(snapshot).containsExactly(20L, 30L);
    commit(20, 40);
    assertThat(snapshot).containsExactly(20L, 30L);
    assertThat(tracker.pendingStartTs()).containsExactly(30L);
    assertThat(tracker.oldestPendingAge()).contains(Duration.ofNanos(200));
  }

  @Test
  void shouldWaitForThePendingCommitsAndTimeOutOtherwise() throws Exception {
    prewrite(10);
    prewrite(11);
    assertThat(tracker.awaitNoPending(Duration.ofMillis(50))).isFalse();

    final ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      final CountDownLatch started = new CountDownLatch(1);
      final Future<Boolean> waited =
          pool.submit(
              () -> {
                started.countDown();
                return tracker.awaitNoPending(Duration.ofSeconds(20));
              });
      started.await();
      commit(10, 12);
      Thread.sleep(50);
      assertThat(waited).isNotDone();
      rollback(11);
      assertThat(waited.get(5, TimeUnit.SECONDS)).isTrue();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shouldStayConsistentAndMonotoneUnderConcurrentWriters() throws Exception {
    final WatermarkTracker shared = new WatermarkTracker();
    final int threads = 4;
    final int txnsPerThread = 20_000;
    final AtomicBoolean writing = new AtomicBoolean(true);
    final List<Long> regressions = new ArrayList<>();
    final Thread reader =
        new Thread(
            () -> {
              long last = 0;
              while (writing.get()) {
                final long now = shared.maxCommitTs();
                if (now < last) {
                  synchronized (regressions) {
                    regressions.add(now);
                  }
                }
                last = now;
              }
            });
    reader.start();
    final ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      final List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        final int thread = t;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < txnsPerThread; i++) {
                    // Disjoint start_ts per thread; commit_ts above start_ts, as TiDB's.
                    final long startTs = 10L * (i * threads + thread) + 1;
                    shared.onAcknowledged(new BinlogHeader(BinlogType.Prewrite, startTs, 0), AT);
                    shared.onAcknowledged(
                        new BinlogHeader(BinlogType.Commit, startTs, startTs + 5), AT);
                  }
                }));
      }
      for (final Future<?> f : done) {
        f.get(20, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
      writing.set(false);
      reader.join();
    }
    assertThat(regressions).isEmpty();
    assertThat(shared.pendingPrewrites()).isZero();
    final long largestStart = 10L * ((txnsPerThread - 1) * threads + threads - 1) + 1;
    assertThat(shared.maxCommitTs()).isEqualTo(largestStart + 5);
    assertThat(shared.awaitNoPending(Duration.ZERO)).isTrue();
  }

  private void prewrite(final long startTs) {
    ack(new BinlogHeader(BinlogType.Prewrite, startTs, 0));
  }

  private void commit(final long startTs, final long commitTs) {
    ack(new BinlogHeader(BinlogType.Commit, startTs, commitTs));
  }

  private void rollback(final long startTs) {
    ack(new BinlogHeader(BinlogType.Rollback, startTs, 0));
  }

  private void ack(final BinlogHeader header) {
    tracker.onAcknowledged(header, AT);
  }
}
