package io.kafkabinlog.tidbsim.tso;

import java.util.ArrayList;
import java.util.List;

/** A {@link TimestampWindowStore} in memory, for tests: share one instance to "restart". */
public final class InMemoryTimestampWindowStore implements TimestampWindowStore {
  private final List<Long> saves = new ArrayList<>();
  private long saved;

  @Override
  public synchronized long load() {
    return saved;
  }

  @Override
  public synchronized void save(final long windowEndMillis) {
    if (windowEndMillis <= saved) {
      throw new IllegalArgumentException(
          "window must grow: " + windowEndMillis + " after " + saved);
    }
    saved = windowEndMillis;
    saves.add(windowEndMillis);
  }

  /** Every bound saved so far, oldest first. */
  public synchronized List<Long> saves() {
    return List.copyOf(saves);
  }
}
