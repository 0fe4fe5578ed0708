package io.kafkabinlog.mysqlsink.apply;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;

/**
 * Which downstream SQL errors a retry can fix: lost connections (and no connection from the pool),
 * deadlocks, lock wait timeouts.
 */
public final class DownstreamErrors {
  /** ER_LOCK_WAIT_TIMEOUT. */
  static final int LOCK_WAIT_TIMEOUT = 1205;

  /** ER_LOCK_DEADLOCK. */
  static final int DEADLOCK = 1213;

  /** ER_CONNECTION_KILLED, ER_SERVER_SHUTDOWN, CR_SERVER_GONE_ERROR, CR_SERVER_LOST. */
  private static final int[] CONNECTION_CODES = {1927, 1053, 2006, 2013};

  /**
   * MariaDB Connector/J's pool when no connection could be had within connectTimeout: the server is
   * down or overloaded. The driver gives this error no code and no SQLState, only the message.
   */
  static final String POOL_TIMEOUT = "No connection available within the specified time";

  private DownstreamErrors() {}

  /** Whether {@code error} (or an SQLException it wraps) is worth retrying. */
  public static boolean isRetriable(final SQLException error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLException e && isRetriableItself(e)) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private static boolean isRetriableItself(final SQLException e) {
    final int code = e.getErrorCode();
    if (code == LOCK_WAIT_TIMEOUT || code == DEADLOCK) {
      return true;
    }
    for (int c : CONNECTION_CODES) {
      if (code == c) {
        return true;
      }
    }
    final String state = e.getSQLState();
    if (state == null && e.getMessage() != null && e.getMessage().startsWith(POOL_TIMEOUT)) {
      return true;
    }
    return e instanceof SQLTransientConnectionException
        || e instanceof SQLNonTransientConnectionException
        || e instanceof SQLRecoverableException
        || (state != null && (state.startsWith("08") || state.equals("40001")));
  }

  /** The server's message with its error code, for error reports. */
  public static String describe(final SQLException error) {
    return "error "
        + error.getErrorCode()
        + " ("
        + error.getSQLState()
        + "): "
        + error.getMessage();
  }
}
