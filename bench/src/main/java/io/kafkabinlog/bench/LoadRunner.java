package io.kafkabinlog.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/** Drives a {@link BinlogSink}: flat out with a bounded number in flight, or paced at a rate. */
final class LoadRunner {
  private LoadRunner() {}

  /** Acknowledged records and bytes per second. */
  record Rate(double recordsPerSecond, double bytesPerSecond) {
    String describe() {
      return String.format(
          Locale.ROOT, "%.0f records/s, %.1f MB/s", recordsPerSecond, bytesPerSecond / 1e6);
    }
  }

  /** Latency percentiles of one paced run, in milliseconds. */
  record Latency(double rate, long samples, double p50, double p99, double max) {
    String describe() {
      return String.format(
          Locale.ROOT,
          "at %.0f records/s: p50 %.2f ms, p99 %.2f ms, max %.2f ms (%d samples)",
          rate,
          p50,
          p99,
          max,
          samples);
    }
  }

  /** Sends as fast as acknowledgements allow, {@code inflight} at a time. */
  static Rate peak(
      final BinlogSink sink,
      final BenchBinlog.Source source,
      final Duration duration,
      final int inflight)
      throws InterruptedException {
    final Semaphore permits = new Semaphore(inflight);
    final AtomicLong records = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    final long start = System.nanoTime();
    final long end = start + duration.toNanos();
    while (System.nanoTime() < end && failure.get() == null) {
      permits.acquire();
      final BenchBinlog binlog = source.next();
      sink.send(
          binlog,
          error -> {
            if (error != null) {
              failure.compareAndSet(null, error);
            } else {
              records.incrementAndGet();
              bytes.addAndGet(binlog.payload().length);
            }
            permits.release();
          });
    }
    // Count only what was acknowledged within the window; drain the rest before the next phase.
    final double seconds = (System.nanoTime() - start) / 1e9;
    final long doneRecords = records.get();
    final long doneBytes = bytes.get();
    if (!permits.tryAcquire(inflight, 60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("sends still unacknowledged after 60 s");
    }
    failIf(failure.get());
    return new Rate(doneRecords / seconds, doneBytes / seconds);
  }

  /** Sends at {@code rate} records/s on a fixed schedule and measures each acknowledgement. */
  static Latency paced(
      final BinlogSink sink,
      final BenchBinlog.Source source,
      final Duration duration,
      final double rate)
      throws InterruptedException {
    final int total = (int) Math.max(1, rate * duration.toNanos() / 1e9);
    final long[] latencies = new long[total];
    final Semaphore outstanding = new Semaphore(0);
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    final double interval = 1e9 / rate;
    final long start = System.nanoTime();
    int sentCount = 0;
    for (int i = 0; i < total && failure.get() == null; i++) {
      final long due = start + (long) (i * interval);
      long wait;
      while ((wait = due - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      final int index = i;
      final BenchBinlog binlog = source.next();
      final long sent = System.nanoTime();
      sink.send(
          binlog,
          error -> {
            if (error != null) {
              failure.compareAndSet(null, error);
            }
            latencies[index] = System.nanoTime() - sent;
            outstanding.release();
          });
      sentCount++;
    }
    if (!outstanding.tryAcquire(sentCount, 60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("sends still unacknowledged after 60 s");
    }
    failIf(failure.get());
    final double achieved = total / ((System.nanoTime() - start) / 1e9);
    Arrays.sort(latencies);
    return new Latency(
        Math.min(rate, achieved),
        total,
        latencies[(int) (total * 0.50)] / 1e6,
        latencies[Math.min(total - 1, (int) (total * 0.99))] / 1e6,
        latencies[total - 1] / 1e6);
  }

  private static void failIf(final Throwable failure) {
    if (failure != null) {
      throw new IllegalStateException("a send failed: " + failure, failure);
    }
  }
}
