package io.kafkabinlog.tidbsim.engine;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.mutation.SimRow;

/** A write would create a second row with the same primary key (MySQL error 1062). */
public final class DuplicateKeyException extends FatalBinlogException {
  private static final long serialVersionUID = 1L;

  public DuplicateKeyException(final TableInfo table, final SimRow row) {
    super(
        ErrorCode.INTERNAL,
        "Duplicate entry for the primary key of table " + table.name().o() + ": " + row);
  }

  /** A second row with the same values in the unique index {@code index}. */
  public DuplicateKeyException(final TableInfo table, final String index, final SimRow row) {
    super(
        ErrorCode.INTERNAL,
        "Duplicate entry for key '" + index + "' of table " + table.name().o() + ": " + row);
  }
}
