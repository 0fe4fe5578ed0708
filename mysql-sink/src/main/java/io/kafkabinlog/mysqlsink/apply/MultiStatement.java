package io.kafkabinlog.mysqlsink.apply;

import io.kafkabinlog.mysqlsink.sql.Statement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends statements in order as few multi-statement texts ({@code a; b; c}, parameters bound on the
 * client: a connection with {@code allowMultiQueries}) as the byte bound allows, one round trip
 * each instead of one per statement, as the original drainer did ({@code multiStatements=true}).
 * The server stops a text at its first failing statement and the driver reports that error without
 * saying which statement it was: the caller rolls back and, to find out, runs them one at a time.
 */
final class MultiStatement {
  private final long maxBytes;

  /**
   * @param maxBytes the most estimated bytes ({@link Statement#estimatedBytes()}) of one text; a
   *     larger statement goes alone
   */
  MultiStatement(final long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Executes {@code statements} in order; the first error is thrown. */
  void execute(final Connection connection, final List<Statement> statements) throws SQLException {
    final List<Statement> chunk = new ArrayList<>();
    long bytes = 0;
    for (Statement statement : statements) {
      final long size = statement.estimatedBytes() + 1;
      if (!chunk.isEmpty() && bytes + size > maxBytes) {
        send(connection, chunk);
        chunk.clear();
        bytes = 0;
      }
      chunk.add(statement);
      bytes += size;
    }
    if (!chunk.isEmpty()) {
      send(connection, chunk);
    }
  }

  private static void send(final Connection connection, final List<Statement> chunk)
      throws SQLException {
    if (chunk.size() == 1) {
      try (PreparedStatement prepared = connection.prepareStatement(chunk.get(0).sql())) {
        chunk.get(0).bind(prepared);
        prepared.execute();
      }
      return;
    }
    final StringBuilder sql = new StringBuilder();
    final List<Object> params = new ArrayList<>();
    for (Statement statement : chunk) {
      sql.append(sql.length() == 0 ? "" : ";").append(statement.sql());
      params.addAll(statement.params());
    }
    final Statement text = new Statement(sql.toString(), params);
    try (PreparedStatement prepared = connection.prepareStatement(text.sql())) {
      text.bind(prepared);
      prepared.execute();
      // Every statement's result must be read before the connection takes the next command.
      while (prepared.getMoreResults() || prepared.getUpdateCount() != -1) {
        // results of the later statements
      }
    }
  }
}
