package io.kafkabinlog.tidbsim.txn;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * "Crash after the next N prewrites": the engine asks {@link #crashAfterPrewrite} once a
 * transaction's prewrite binlog was acknowledged. When it answers true, the engine commits the
 * transaction in its storage and in the outcome log but does not send the commit binlog, as if TiDB
 * died right after the TiKV commit; the pump must then resolve the transaction through the
 * txn-status service.
 */
public final class FaultSwitch {
  /** How many crashed start_ts values {@link #state()} lists. */
  public static final int RECENT_LIMIT = 100;

  private int remaining;
  private long crashed;
  private final Deque<Long> recent = new ArrayDeque<>();

  /** What the switch holds now. */
  public record State(int remaining, long crashedTransactions, List<Long> recentCrashedStartTs) {
    public State {
      recentCrashedStartTs = List.copyOf(recentCrashedStartTs);
    }
  }

  /**
   * Arms the switch for the next {@code count} prewrites (0 disarms); replaces any earlier count.
   */
  public synchronized void armCrashAfterPrewrite(final int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0: " + count);
    }
    remaining = count;
  }

  public synchronized void disarm() {
    remaining = 0;
  }

  /**
   * Asked by the engine after the prewrite of {@code startTs} was acknowledged: true means "crash"
   * (commit in storage and the outcome log, skip the commit binlog). Counts down and counts.
   */
  public synchronized boolean crashAfterPrewrite(final long startTs) {
    if (remaining <= 0) {
      return false;
    }
    remaining--;
    crashed++;
    recent.addLast(startTs);
    if (recent.size() > RECENT_LIMIT) {
      recent.removeFirst();
    }
    return true;
  }

  /** How many more prewrites will "crash". */
  public synchronized int remaining() {
    return remaining;
  }

  /** How many transactions "crashed" so far. */
  public synchronized long crashedTransactions() {
    return crashed;
  }

  public synchronized State state() {
    return new State(remaining, crashed, new ArrayList<>(recent));
  }
}
