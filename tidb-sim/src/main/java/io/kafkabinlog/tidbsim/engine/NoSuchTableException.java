package io.kafkabinlog.tidbsim.engine;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;

/** A statement named a table that does not exist (MySQL error 1146). */
public final class NoSuchTableException extends FatalBinlogException {
  private static final long serialVersionUID = 1L;

  public NoSuchTableException(final String db, final String table) {
    super(ErrorCode.INTERNAL, "Table '" + db + "." + table + "' doesn't exist");
  }
}
