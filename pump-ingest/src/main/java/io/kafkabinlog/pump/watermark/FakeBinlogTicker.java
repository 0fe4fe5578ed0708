package io.kafkabinlog.pump.watermark;

import io.kafkabinlog.common.error.BinlogException;
import io.kafkabinlog.common.error.Causes;
import io.kafkabinlog.common.error.Outage;
import io.kafkabinlog.common.tso.TimestampOracle;
import io.kafkabinlog.pump.ingest.RawLog;
import io.kafkabinlog.pump.ingest.RawPosition;
import io.kafkabinlog.pump.metrics.PumpMetrics;
import io.kafkabinlog.schemas.binlog.Binlogs;
import io.kafkabinlog.schemas.raw.BinlogHeader;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a fake binlog ({@code tp=Rollback, start_ts = commit_ts = fresh TSO}) into the pump's
 * partition when nothing was acknowledged during the last {@code gen-binlog-interval}, as the
 * original pump (tidb-binlog-protocol.md 4.5): an idle pump's watermark then still moves, and the
 * merge never stalls on it. Also writes the final fake binlog L of a closing pump ({@link
 * #writeNow}).
 *
 * <p>TSO and append are issued under one lock, so this pump's fake binlogs land in TSO order.
 */
public final class FakeBinlogTicker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FakeBinlogTicker.class);
  private static final long MIN_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /**
   * A fake binlog Kafka acknowledged.
   *
   * @param ts its start_ts = commit_ts
   * @param position where it sits in the raw partition
   */
  public record FakeWrite(long ts, RawPosition position) {}

  private final TimestampOracle tso;
  private final RawLog rawLog;
  private final WatermarkView view;
  private final Duration interval;
  private final PumpMetrics metrics;
  private final ScheduledExecutorService scheduler;
  private final LongSupplier nanoTime;

  private final Object writeLock = new Object();
  private ScheduledFuture<?> task;
  private long baselineNanos;
  private volatile long lastFakeAckNanos;
  private boolean inFlight;
  private final Outage tsoOutage = new Outage();
  private final Outage kafkaOutage = new Outage();
  private volatile boolean closed;

  public FakeBinlogTicker(
      final TimestampOracle tso,
      final RawLog rawLog,
      final WatermarkView view,
      final Duration interval,
      final PumpMetrics metrics,
      final ScheduledExecutorService scheduler) {
    this(tso, rawLog, view, interval, metrics, scheduler, System::nanoTime);
  }

  /**
   * @param nanoTime the clock {@link WatermarkView#lastWriteNanos} is measured with
   */
  public FakeBinlogTicker(
      final TimestampOracle tso,
      final RawLog rawLog,
      final WatermarkView view,
      final Duration interval,
      final PumpMetrics metrics,
      final ScheduledExecutorService scheduler,
      final LongSupplier nanoTime) {
    this.tso = Objects.requireNonNull(tso, "tso");
    this.rawLog = Objects.requireNonNull(rawLog, "rawLog");
    this.view = Objects.requireNonNull(view, "view");
    this.interval = Objects.requireNonNull(interval, "interval");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("gen-binlog-interval must be positive: " + interval);
    }
  }

  /** Starts checking for idleness about twice per interval. */
  public synchronized void start() {
    if (task != null || closed) {
      throw new IllegalStateException(closed ? "ticker is closed" : "ticker already started");
    }
    // Idle time counts from the start, so the first fake comes one idle interval after it.
    baselineNanos = nanoTime.getAsLong();
    final long every = Math.max(MIN_CHECK_NANOS, interval.toNanos() / 2);
    task = scheduler.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.NANOSECONDS);
  }

  /** One idleness check; tests with their own clock call it directly. */
  void tick() {
    try {
      final long now = nanoTime.getAsLong();
      final long lastWrite =
          latest(baselineNanos(), latest(view.lastWriteNanos(), lastFakeAckNanos));
      if (now - lastWrite < interval.toNanos()) {
        return;
      }
      final CompletableFuture<FakeWrite> fake = write(true);
      if (fake == null) {
        return;
      }
      fake.whenComplete(
          (written, error) -> {
            if (error == null) {
              LOG.debug("fake binlog {} written at {}", written.ts(), written.position());
            }
          });
    } catch (RuntimeException e) {
      // A scheduled task that throws is never run again; an idle pump must keep ticking.
      LOG.error("fake binlog tick failed; retrying next tick", e);
    }
  }

  /**
   * Writes a fake binlog with a fresh TSO now, whatever the idleness (also after {@link #close},
   * which only stops the periodic checks: a closing pump writes its final fake binlog L so). The
   * future fails with a {@link BinlogException} when the TSO or Kafka is unavailable.
   */
  public CompletableFuture<FakeWrite> writeNow() {
    return write(false);
  }

  /**
   * @param periodic a tick's write: skipped (null) while the previous fake is in flight or once
   *     closed. Checked under the write lock, so that no tick's fake can land after the final one a
   *     closing pump writes right after {@link #close}.
   */
  private CompletableFuture<FakeWrite> write(final boolean periodic) {
    final long ts;
    final CompletableFuture<RawPosition> appended;
    synchronized (writeLock) {
      if (periodic && (inFlight || closed)) {
        return null; // never queue a second fake behind one on its way
      }
      try {
        ts = tso.getTimestamp();
      } catch (BinlogException e) {
        if (tsoOutage.failed()) {
          LOG.warn(
              "no TSO for a fake binlog; the watermark of this pump stands still until the"
                  + " timestamp oracle answers again (retrying every tick): {}",
              e.getMessage());
        }
        return CompletableFuture.failedFuture(e);
      }
      if (tsoOutage.succeeded()) {
        LOG.info("timestamp oracle answers again; fake binlogs resume");
      }
      inFlight = true;
      appended = rawLog.append(BinlogHeader.fake(ts), Binlogs.fake(ts).toByteString());
    }
    return appended
        .whenComplete(
            (position, error) -> {
              synchronized (writeLock) {
                inFlight = false;
                if (error == null) {
                  if (kafkaOutage.succeeded()) {
                    LOG.info("fake binlogs are acknowledged again");
                  }
                } else if (kafkaOutage.failed()) {
                  LOG.warn(
                      "fake binlog {} was not written (retrying every tick): {}",
                      ts,
                      Causes.unwrap(error).toString());
                }
              }
              if (error == null) {
                lastFakeAckNanos = nanoTime.getAsLong();
                metrics.fakeBinlog();
              }
            })
        .thenApply(position -> new FakeWrite(ts, position));
  }

  private synchronized long baselineNanos() {
    return baselineNanos;
  }

  // nanoTime values compare by difference; 0 means "never".
  private static long latest(final long a, final long b) {
    if (a == 0) {
      return b;
    }
    if (b == 0) {
      return a;
    }
    return a - b >= 0 ? a : b;
  }

  /**
   * Stops the periodic checks; a write in flight still completes. The scheduler is the caller's.
   */
  @Override
  public void close() {
    closed = true;
    synchronized (this) {
      if (task != null) {
        task.cancel(false);
      }
    }
  }
}
