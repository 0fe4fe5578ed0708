package io.kafkabinlog.common.error;

import java.util.Objects;

/**
 * Root of the project's unchecked exceptions. Every instance carries an {@link ErrorCode}; the two
 * subclasses say whether the operation may be retried.
 */
public abstract class BinlogException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  protected BinlogException(final ErrorCode code, final String message, final Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  public ErrorCode code() {
    return code;
  }

  /** True if repeating the same operation later may succeed. */
  public abstract boolean isRetriable();

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + code + "]: " + getMessage();
  }
}
