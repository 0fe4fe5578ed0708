package io.kafkabinlog.tidbsim.pumpclient;

import java.util.List;

/**
 * TiDB's default {@code range} selector: round-robin over the available pumps, starting over from
 * the first whenever the set of pumps changes. A retry simply takes the next pump.
 */
final class RangeSelector<T> implements PumpSelector<T> {
  private List<T> pumps = List.of();
  private int offset;

  @Override
  public synchronized void setPumps(final List<T> newPumps) {
    pumps = List.copyOf(newPumps);
    offset = 0;
  }

  @Override
  public synchronized T select(final long startTs, final int retryTime) {
    if (pumps.isEmpty()) {
      return null;
    }
    if (offset >= pumps.size()) {
      offset = 0;
    }
    return pumps.get(offset++);
  }
}
