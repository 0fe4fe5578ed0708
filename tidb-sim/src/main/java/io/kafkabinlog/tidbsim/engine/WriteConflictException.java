package io.kafkabinlog.tidbsim.engine;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.RetriableBinlogException;

/**
 * The transaction lost a race (lock wait timeout, a schema change under it, a duplicate key another
 * transaction just wrote): it was rolled back and may be retried, as an application retries TiDB's
 * write-conflict and "Information schema is changed" errors.
 */
public final class WriteConflictException extends RetriableBinlogException {
  private static final long serialVersionUID = 1L;

  public WriteConflictException(final String message) {
    super(ErrorCode.TXN_CONFLICT, message);
  }
}
