package io.kafkabinlog.binlogctl.cli;

/** The command line cannot be run as given (exit code 2). */
public final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  public UsageException(final String message) {
    super(message);
  }
}
