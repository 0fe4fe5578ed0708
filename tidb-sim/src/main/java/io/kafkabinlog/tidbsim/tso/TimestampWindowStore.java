package io.kafkabinlog.tidbsim.tso;

/**
 * Where the TSO's upper bound survives restarts. The allocator never hands out a timestamp whose
 * physical part reaches the saved bound, and a restarted allocator starts above it, so TSOs keep
 * increasing across restarts without saving every one.
 */
public interface TimestampWindowStore {

  /** The saved bound in epoch milliseconds, or 0 when none was saved yet. */
  long load();

  /**
   * Saves a new bound (epoch milliseconds), larger than the one saved before.
   *
   * @throws io.kafkabinlog.common.error.RetriableBinlogException when the store does not answer
   */
  void save(long windowEndMillis);
}
