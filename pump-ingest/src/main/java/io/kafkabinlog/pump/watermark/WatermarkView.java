package io.kafkabinlog.pump.watermark;

import java.time.Duration;
import java.util.Optional;

/**
 * What this pump knows about its own watermark, from the binlogs it acknowledged since it started.
 * The ordering stream computes the authoritative M_p from the partition; this view feeds the
 * registry's {@code maxCommitTS}, {@code /status} and metrics, and the close path's wait.
 */
public interface WatermarkView {
  /** min(largest commit_ts or fake ts acknowledged, smallest start_ts still pending), or 0. */
  long maxCommitTs();

  /** Prewrites acknowledged whose commit or rollback this pump has not acknowledged yet. */
  int pendingPrewrites();

  /** Age of the oldest pending prewrite (wall clock since its acknowledgement), if any. */
  Optional<Duration> oldestPendingAge();

  /** Nanotime ({@link System#nanoTime}) of the last acknowledged binlog of any kind, or 0. */
  long lastWriteNanos();
}
