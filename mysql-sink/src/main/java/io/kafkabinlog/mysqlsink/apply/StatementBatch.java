package io.kafkabinlog.mysqlsink.apply;

import io.kafkabinlog.mysqlsink.sql.Statement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Executes statements in order with JDBC batching: consecutive statements with the same SQL text
 * share one prepared statement and one {@code executeBatch}; a different text flushes first, so the
 * execution order is the order of {@link #add}. Remembers the SQL it last sent, for error reports.
 * Not thread-safe.
 */
final class StatementBatch implements AutoCloseable {
  private final Connection connection;
  private PreparedStatement prepared;
  private String sql;
  private String lastSql;
  private int pending;

  StatementBatch(final Connection connection) {
    this.connection = connection;
  }

  void add(final Statement statement) throws SQLException {
    if (prepared != null && !statement.sql().equals(sql)) {
      flush();
    }
    if (prepared == null) {
      sql = statement.sql();
      lastSql = sql;
      prepared = connection.prepareStatement(sql);
    }
    statement.bind(prepared);
    prepared.addBatch();
    pending++;
  }

  /** Executes what is collected. */
  void flush() throws SQLException {
    if (prepared == null) {
      return;
    }
    lastSql = sql;
    try {
      prepared.executeBatch();
    } finally {
      close();
    }
  }

  /** The SQL text of the statement (batch) prepared or executed last: the failing one on error. */
  String lastSql() {
    return lastSql;
  }

  @Override
  public void close() throws SQLException {
    final PreparedStatement toClose = prepared;
    prepared = null;
    pending = 0;
    if (toClose != null) {
      toClose.close();
    }
  }
}
