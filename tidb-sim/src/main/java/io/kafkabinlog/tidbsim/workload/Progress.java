package io.kafkabinlog.tidbsim.workload;

import io.kafkabinlog.tidbsim.engine.SimStats;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The progress line of a long run: at most one line per interval, with what the sim did so far and
 * the rate since the previous line. Workloads call {@link #tick} often; it is cheap.
 */
public final class Progress {
  private final String workload;
  private final SimStats stats;
  private final long intervalNanos;
  private final Consumer<String> out;
  private final long startNanos = System.nanoTime();
  private final AtomicLong nextReportNanos;
  private volatile long lastCommitted;
  private volatile long lastNanos = startNanos;
  private String stepName; // guarded by this
  private int stepTenths; // guarded by this

  public Progress(
      final String workload,
      final SimStats stats,
      final Duration interval,
      final Consumer<String> out) {
    this.workload = workload;
    this.stats = stats;
    this.intervalNanos = interval.toNanos();
    this.out = out;
    this.nextReportNanos = new AtomicLong(startNanos + intervalNanos);
  }

  /** Prints a line if the interval has passed since the last one. */
  public void tick() {
    long now = System.nanoTime();
    long due = nextReportNanos.get();
    if (intervalNanos > 0
        && now >= due
        && nextReportNanos.compareAndSet(due, now + intervalNanos)) {
      report(now, false);
    }
  }

  /**
   * Progress inside one long transaction (building a huge one): a line each time {@code done}
   * passes another tenth of {@code total}, e.g. {@code "large: writing 30% (1229/4096 rows, 307.2
   * MiB)"}.
   */
  public synchronized void step(
      final String what, final long done, final long total, final long bytes) {
    if (!what.equals(stepName)) {
      stepName = what;
      stepTenths = 0;
    }
    int tenths = total <= 0 ? 10 : (int) (done * 10 / total);
    if (tenths <= stepTenths) {
      return;
    }
    stepTenths = tenths;
    out.accept(
        String.format(
            java.util.Locale.ROOT,
            "%s: %s %d%% (%d/%d rows, %.1f MiB) after %.1f s",
            workload,
            what,
            tenths * 10,
            done,
            total,
            bytes / (double) (1 << 20),
            (System.nanoTime() - startNanos) / 1e9));
  }

  /** Prints the final line. */
  public void done() {
    report(System.nanoTime(), true);
  }

  private synchronized void report(final long now, final boolean last) {
    long committed = stats.committed();
    double seconds = Math.max(1e-9, (now - lastNanos) / 1e9);
    double rate = (committed - lastCommitted) / seconds;
    lastCommitted = committed;
    lastNanos = now;
    out.accept(
        String.format(
            java.util.Locale.ROOT,
            "%s: %s after %.1f s (%.0f txn/s)%s",
            workload,
            stats,
            (now - startNanos) / 1e9,
            last ? committed / Math.max(1e-9, (now - startNanos) / 1e9) : rate,
            last ? ", done" : ""));
  }
}
