package io.kafkabinlog.tidbsim.testing;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.common.tso.TimestampOracle;
import io.kafkabinlog.common.tso.Tso;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TSO for unit tests: consecutive values starting at the current time, each call noted in a
 * shared {@link EventLog} as {@code tso N}; {@link #setDown} makes calls fail as an unreachable PD
 * does.
 */
public final class CountingTso implements TimestampOracle {
  private final AtomicLong last = new AtomicLong(Tso.fromInstant(Instant.now()));
  private final EventLog events;
  private volatile boolean down;

  public CountingTso(final EventLog events) {
    this.events = events;
  }

  @Override
  public long getTimestamp() {
    if (down) {
      throw new RetriableBinlogException(ErrorCode.TSO_UNAVAILABLE, "test TSO is down");
    }
    final long ts = last.incrementAndGet();
    events.add("tso " + ts);
    return ts;
  }

  /** The last TSO handed out. */
  public long last() {
    return last.get();
  }

  public void setDown(final boolean isDown) {
    down = isDown;
  }

  @Override
  public long clusterId() {
    return 1;
  }
}
