package io.kafkabinlog.common.error;

/**
 * A failure that retrying cannot fix: bad configuration, a wrong cluster id, malformed data, an
 * ordering violation. The message names the problem and, where one exists, the setting to change.
 */
public class FatalBinlogException extends BinlogException {
  private static final long serialVersionUID = 1L;

  public FatalBinlogException(final ErrorCode code, final String message) {
    this(code, message, null);
  }

  public FatalBinlogException(final ErrorCode code, final String message, final Throwable cause) {
    super(code, message, cause);
  }

  @Override
  public boolean isRetriable() {
    return false;
  }
}
