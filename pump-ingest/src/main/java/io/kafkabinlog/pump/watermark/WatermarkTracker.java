package io.kafkabinlog.pump.watermark;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.pump.ingest.RawPosition;
import io.kafkabinlog.pump.ingest.WriteListener;
import io.kafkabinlog.schemas.raw.BinlogHeader;
import java.time.Duration;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The pump's own view of its watermark, fed with every binlog Kafka acknowledged (architecture
 * section 3): {@code maxCommitTs = min(largest commit_ts or fake ts acknowledged, smallest start_ts
 * of a prewrite still waiting for its commit or rollback)}.
 *
 * <p>The reported value never goes backwards. The formula alone can dip: a prewrite acknowledged
 * after a commit C may carry a start_ts below C. That dip is only conservative, never needed: TiDB
 * takes a commit_ts after its prewrite binlog was acknowledged, so a transaction whose prewrite
 * arrives after C commits above C. And the value is informational anyway (registry {@code
 * maxCommitTS}, {@code /status}, metrics); the ordering stream computes the authoritative M_p from
 * the partition itself.
 *
 * <p>Thread-safe; each call holds one monitor for a map operation, which is all the hot path pays.
 */
public final class WatermarkTracker implements WatermarkView, WriteListener {
  private final LongSupplier nanoTime;

  // start_ts -> nanoTime of its first acknowledgement; a retried prewrite is the same entry.
  private final TreeMap<Long, Long> pending = new TreeMap<>();
  private long maxCommitOrFake;
  private long reported;
  private long lastWriteNanos;
  private int waiters;

  public WatermarkTracker() {
    this(System::nanoTime);
  }

  /**
   * @param nanoTime the clock of {@link #lastWriteNanos} and the pending ages ({@link
   *     System#nanoTime} in production)
   */
  public WatermarkTracker(final LongSupplier nanoTime) {
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  @Override
  public void onAcknowledged(final BinlogHeader header, final RawPosition position) {
    final long now = nanoTime.getAsLong();
    synchronized (this) {
      lastWriteNanos = now;
      switch (header.type()) {
        case Prewrite -> pending.putIfAbsent(header.startTs(), now);
        case Commit -> {
          // Unknown start_ts: a prewrite from before a restart; the commit still moves the max.
          removePending(header.startTs());
          maxCommitOrFake = Math.max(maxCommitOrFake, header.commitTs());
        }
        case Rollback -> {
          if (header.isFake()) {
            maxCommitOrFake = Math.max(maxCommitOrFake, header.commitTs());
          } else {
            removePending(header.startTs());
          }
        }
        default -> {
          // PreDDL/PostDDL are obsolete; TiDB no longer sends them and they carry no ordering.
        }
      }
      final long current =
          pending.isEmpty() ? maxCommitOrFake : Math.min(maxCommitOrFake, pending.firstKey());
      reported = Math.max(reported, current);
    }
  }

  private void removePending(final long startTs) {
    if (pending.remove(startTs) != null && pending.isEmpty() && waiters > 0) {
      notifyAll();
    }
  }

  @Override
  public synchronized long maxCommitTs() {
    return reported;
  }

  @Override
  public synchronized int pendingPrewrites() {
    return pending.size();
  }

  @Override
  public Optional<Duration> oldestPendingAge() {
    final long now = nanoTime.getAsLong();
    synchronized (this) {
      if (pending.isEmpty()) {
        return Optional.empty();
      }
      // Scrape-time only, so a scan keeps the hot path to one map.
      long oldest = pending.firstEntry().getValue();
      for (final long acknowledged : pending.values()) {
        if (acknowledged - oldest < 0) {
          oldest = acknowledged;
        }
      }
      return Optional.of(Duration.ofNanos(Math.max(0, now - oldest)));
    }
  }

  @Override
  public synchronized long lastWriteNanos() {
    return lastWriteNanos;
  }

  /** The start_ts of every pending prewrite, ascending; a snapshot. */
  public synchronized Set<Long> pendingStartTs() {
    return Collections.unmodifiableSet(new TreeSet<>(pending.keySet()));
  }

  /**
   * Waits until no prewrite is pending: used by a closing pump, which takes no new prewrites, for
   * the commits (or rollbacks) of those it already took.
   *
   * @return true if none is pending, false if the timeout passed first
   * @throws RetriableBinlogException with code {@code SHUTTING_DOWN} if interrupted
   */
  public boolean awaitNoPending(final Duration timeout) {
    final long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      waiters++;
      try {
        while (!pending.isEmpty()) {
          final long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          try {
            TimeUnit.NANOSECONDS.timedWait(this, left);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetriableBinlogException(
                ErrorCode.SHUTTING_DOWN, "interrupted while waiting for pending prewrites", e);
          }
        }
        return true;
      } finally {
        waiters--;
      }
    }
  }
}
