package io.kafkabinlog.tidbsim.mutation;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;

/**
 * A transaction whose prewrite binlog would not fit one gRPC message to a pump (TiDB: "transaction
 * too large" / "binlog data is too large").
 */
public final class TransactionTooLargeException extends FatalBinlogException {
  private static final long serialVersionUID = 1L;

  public TransactionTooLargeException(final String message) {
    super(ErrorCode.CONFIG_INVALID, message);
  }
}
