package io.kafkabinlog.tidbsim.pumpclient;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.RetriableBinlogException;

/**
 * A prewrite binlog no pump accepted: TiDB fails the transaction ("critical error write binlog").
 */
public final class BinlogWriteException extends RetriableBinlogException {
  private static final long serialVersionUID = 1L;

  public BinlogWriteException(final String message, final Throwable cause) {
    super(ErrorCode.PUMP_UNAVAILABLE, message, cause);
  }

  public BinlogWriteException(final String message) {
    super(ErrorCode.PUMP_UNAVAILABLE, message);
  }
}
