package io.kafkabinlog.tidbsim.pumpclient;

import java.time.Duration;

/** The retry decisions of TiDB's {@code PumpsClient.WriteBinlog}, kept apart to test them alone. */
final class WriteRetryPolicy {
  private final Duration writeTimeout;
  private final Duration commitGiveUp;

  WriteRetryPolicy(final Duration writeTimeout, final Duration commitGiveUp) {
    this.writeTimeout = writeTimeout;
    this.commitGiveUp = commitGiveUp;
  }

  /** A prewrite retries on the next pump unless the failure says a retry cannot help. */
  boolean isRetryable(final PumpCallException failure) {
    return !failure.isResourceExhausted();
  }

  /**
   * A prewrite stops trying the available pumps once both the write timeout passed and it retried
   * more times than there were available pumps when it began ("make sure already retry every
   * available pump").
   */
  boolean prewriteGivesUp(final Duration elapsed, final int retryTime, final int availablePumps) {
    return elapsed.compareTo(writeTimeout) > 0 && retryTime > availablePumps;
  }

  /** A failed call on a broken connection drops the connection, so the next call dials anew. */
  boolean resetsConnection(final PumpCallException failure) {
    return failure.isUnavailable();
  }

  /** A commit/rollback binlog is dropped once it has been failing for longer than the give-up. */
  boolean commitGivesUp(final Duration elapsed) {
    return elapsed.compareTo(commitGiveUp) > 0;
  }
}
