package io.kafkabinlog.pump.testing;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.common.tso.TimestampOracle;
import io.kafkabinlog.common.tso.Tso;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TSO from the wall clock (strictly increasing within the test JVM) that can be switched off like
 * an unreachable PD; counts the timestamps handed out.
 */
public final class SwitchableClockTso implements TimestampOracle {
  private final AtomicBoolean available = new AtomicBoolean(true);
  private final AtomicInteger issued = new AtomicInteger();
  private long last;

  @Override
  public synchronized long getTimestamp() {
    if (!available.get()) {
      throw new RetriableBinlogException(ErrorCode.TSO_UNAVAILABLE, "PD is unreachable (test)");
    }
    last = Math.max(last + 1, Tso.compose(System.currentTimeMillis(), 0));
    issued.incrementAndGet();
    return last;
  }

  public void setAvailable(final boolean value) {
    available.set(value);
  }

  public int issued() {
    return issued.get();
  }

  @Override
  public long clusterId() {
    return 1;
  }
}
