package io.kafkabinlog.tidbsim.testing;

import io.kafkabinlog.common.tso.TimestampOracle;
import io.kafkabinlog.common.tso.Tso;
import java.util.concurrent.atomic.AtomicLong;

/** A TSO from the wall clock, strictly increasing, for tests without PD. */
public final class ClockTimestampOracle implements TimestampOracle {
  private final AtomicLong last = new AtomicLong();
  private final long clusterId;

  public ClockTimestampOracle(final long clusterId) {
    this.clusterId = clusterId;
  }

  @Override
  public long getTimestamp() {
    final long now = Tso.compose(System.currentTimeMillis(), 0);
    return last.updateAndGet(previous -> Math.max(previous + 1, now));
  }

  @Override
  public long clusterId() {
    return clusterId;
  }
}
