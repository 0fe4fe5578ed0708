package io.kafkabinlog.common.error;

/**
 * A failure that may go away by itself: a lost connection, a leader change, a lock-wait timeout, a
 * service not started yet. Callers retry idempotent operations with backoff.
 */
public class RetriableBinlogException extends BinlogException {
  private static final long serialVersionUID = 1L;

  public RetriableBinlogException(final ErrorCode code, final String message) {
    this(code, message, null);
  }

  public RetriableBinlogException(
      final ErrorCode code, final String message, final Throwable cause) {
    super(code, message, cause);
  }

  @Override
  public boolean isRetriable() {
    return true;
  }
}
