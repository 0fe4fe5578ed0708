package io.kafkabinlog.pump.watermark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.common.tso.TimestampOracle;
import io.kafkabinlog.pump.ingest.RawLog;
import io.kafkabinlog.pump.ingest.RawPosition;
import io.kafkabinlog.pump.metrics.PumpMetrics;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.raw.BinlogHeader;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class FakeBinlogTickerTest {
  // Long enough that the scheduled checks (every INTERVAL/2) never run during a test that calls
  // tick() itself with its own clock.
  private static final Duration INTERVAL = Duration.ofMinutes(3);

  private final AtomicLong clock = new AtomicLong(1_000_000);
  private final CountingTso tso = new CountingTso();
  private final FakeRawLog rawLog = new FakeRawLog();
  private final WatermarkTracker tracker = new WatermarkTracker(clock::get);
  private final PrometheusRegistry prometheus = new PrometheusRegistry();
  private final PumpMetrics metrics = new PumpMetrics(prometheus);
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void tearDown() {
    scheduler.shutdownNow();
  }

  @Test
  void shouldWriteAFakeBinlogOnlyAfterAnIdleInterval() throws Exception {
    final FakeBinlogTicker ticker = manualTicker();
    ticker.start();

    advance(INTERVAL.minusMillis(1));
    ticker.tick();
    assertThat(rawLog.appended).isEmpty();

    advance(Duration.ofMillis(1));
    ticker.tick();
    assertThat(rawLog.appended).hasSize(1);
    final Appended fake = rawLog.appended.get(0);
    assertThat(fake.header()).isEqualTo(BinlogHeader.fake(1));
    final Binlog payload = Binlog.parseFrom(fake.payload());
    assertThat(payload.getTp()).isEqualTo(BinlogType.Rollback);
    assertThat(payload.getStartTs()).isEqualTo(1);
    assertThat(payload.getCommitTs()).isEqualTo(1);
    assertThat(fakeCount()).isEqualTo(1);
    ticker.close();
  }

  @Test
  void shouldStayQuietWhileRealBinlogsAreAcknowledged() {
    final FakeBinlogTicker ticker = manualTicker();
    ticker.start();
    for (int i = 0; i < 10; i++) {
      advance(INTERVAL.minusSeconds(1));
      tracker.onAcknowledged(
          new BinlogHeader(BinlogType.Commit, i + 1, i + 2), new RawPosition(0, i, 1));
      ticker.tick();
    }
    assertThat(rawLog.appended).isEmpty();
    assertThat(tso.calls.get()).isZero();

    advance(INTERVAL);
    ticker.tick();
    assertThat(rawLog.appended).hasSize(1);
    ticker.close();
  }

  @Test
  void shouldCountItsOwnFakeAsAWriteAndNeverQueueASecondWhileOneIsInFlight() {
    rawLog.holdAcks = true;
    final FakeBinlogTicker ticker = manualTicker();
    ticker.start();
    advance(INTERVAL);
    ticker.tick();
    advance(INTERVAL);
    ticker.tick();
    assertThat(rawLog.appended).hasSize(1);

    rawLog.completeAll();
    // The acknowledgement of the fake is a write: the next one needs another idle interval.
    advance(INTERVAL.minusMillis(1));
    ticker.tick();
    assertThat(rawLog.appended).hasSize(1);
    advance(Duration.ofMillis(1));
    ticker.tick();
    assertThat(rawLog.appended).hasSize(2);
    ticker.close();
  }

  @Test
  void shouldRetryOnTheNextTickWhenTheTsoIsUnavailable() {
    final FakeBinlogTicker ticker = manualTicker();
    ticker.start();
    tso.failing.set(true);
    advance(INTERVAL);
    ticker.tick();
    ticker.tick();
    assertThat(rawLog.appended).isEmpty();
    assertThat(ticker.writeNow()).isCompletedExceptionally();

    tso.failing.set(false);
    ticker.tick();
    assertThat(rawLog.appended).hasSize(1);
    ticker.close();
  }

  @Test
  void shouldRetryOnTheNextTickWhenKafkaFailed() {
    rawLog.failing = true;
    final FakeBinlogTicker ticker = manualTicker();
    ticker.start();
    advance(INTERVAL);
    ticker.tick();
    rawLog.failing = false;
    ticker.tick();
    assertThat(rawLog.appended).hasSize(2);
    assertThat(fakeCount()).isEqualTo(1);
    ticker.close();
  }

  @Test
  void shouldWriteTheFinalFakeOnDemandEvenAfterClose() throws Exception {
    final FakeBinlogTicker ticker = manualTicker();
    ticker.close();
    final FakeBinlogTicker.FakeWrite written = ticker.writeNow().get(5, TimeUnit.SECONDS);
    assertThat(written.ts()).isEqualTo(1);
    assertThat(written.position()).isEqualTo(new RawPosition(7, 0, 1));
    assertThat(ticker.writeNow().get(5, TimeUnit.SECONDS).ts()).isEqualTo(2);
  }

  @Test
  void shouldTickOnTheSchedulerWithTheRealClock() {
    final WatermarkTracker realTracker = new WatermarkTracker();
    rawLog.listener = realTracker;
    final FakeBinlogTicker ticker =
        new FakeBinlogTicker(tso, rawLog, realTracker, Duration.ofMillis(100), metrics, scheduler);
    ticker.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> rawLog.appended.size() >= 3);
    ticker.close();
    final int afterClose = rawLog.appended.size();
    assertThat(realTracker.maxCommitTs()).isGreaterThanOrEqualTo(3);
    // Ordered by TSO, each one fresh.
    final List<Long> ts = new ArrayList<>();
    synchronized (rawLog) {
      rawLog.appended.forEach(a -> ts.add(a.header().commitTs()));
    }
    assertThat(ts).isSorted().doesNotHaveDuplicates();
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(2))
        .until(() -> rawLog.appended.size() == afterClose);
  }

  private FakeBinlogTicker manualTicker() {
    return new FakeBinlogTicker(tso, rawLog, tracker, INTERVAL, metrics, scheduler, clock::get);
  }

  private void advance(final Duration by) {
    clock.addAndGet(by.toNanos());
  }

  private double fakeCount() {
    return prometheus.scrape().stream()
        .filter(s -> s.getMetadata().getName().startsWith("binlog_pump_fake_binlog"))
        .map(CounterSnapshot.class::cast)
        .flatMap(s -> s.getDataPoints().stream())
        .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
        .sum();
  }

  record Appended(BinlogHeader header, ByteString payload) {}

  /** A raw log in memory that acknowledges at once, or when told, or fails. */
  static final class FakeRawLog implements RawLog {
    final List<Appended> appended = new ArrayList<>();
    final List<CompletableFuture<RawPosition>> held = new ArrayList<>();
    volatile boolean holdAcks;
    volatile boolean failing;
    volatile WatermarkTracker listener;
    private long offset;

    @Override
    public synchronized CompletableFuture<RawPosition> append(
        final BinlogHeader header, final ByteString payload) {
      appended.add(new Appended(header, payload));
      if (failing) {
        return CompletableFuture.failedFuture(
            new RetriableBinlogException(ErrorCode.KAFKA_UNAVAILABLE, "broker down"));
      }
      final RawPosition position = new RawPosition(7, offset++, 1);
      if (listener != null) {
        listener.onAcknowledged(header, position);
      }
      if (holdAcks) {
        final CompletableFuture<RawPosition> future = new CompletableFuture<>();
        held.add(future);
        return future;
      }
      return CompletableFuture.completedFuture(position);
    }

    synchronized void completeAll() {
      held.forEach(f -> f.complete(new RawPosition(7, 0, 1)));
      held.clear();
    }

    @Override
    public int partition() {
      return 7;
    }

    @Override
    public void close() {}
  }

  /** Hands out 1, 2, 3, ... and can be switched to fail like an unreachable PD. */
  static final class CountingTso implements TimestampOracle {
    final AtomicInteger calls = new AtomicInteger();
    final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicLong next = new AtomicLong();

    @Override
    public long getTimestamp() {
      calls.incrementAndGet();
      if (failing.get()) {
        throw new RetriableBinlogException(ErrorCode.TSO_UNAVAILABLE, "PD unreachable");
      }
      return next.incrementAndGet();
    }

    @Override
    public long clusterId() {
      return 1;
    }
  }
}
