package io.kafkabinlog.mysqlsink.apply;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicReferenceArray;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One downstream connection per apply worker, taken from the pool when first needed and kept: a
 * worker applies one group at a time, so its connection is never shared, and no group waits for the
 * pool or pays for a checkout (under load, threads that returned a connection and asked again at
 * once kept winning it over a waiting one, which then timed out). A connection whose group failed
 * is given up ({@link #discard}) and the next use takes a fresh one. Thread-safe for distinct
 * workers.
 */
public final class WorkerConnections implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerConnections.class);

  private final DataSource dataSource;
  private final AtomicReferenceArray<Connection> connections;
  private final boolean multiStatements;

  /**
   * @param workers the workers (0 to workers - 1)
   * @param multiStatements whether {@code dataSource}'s connections take several statements in one
   *     text ({@code allowMultiQueries})
   */
  public WorkerConnections(
      final DataSource dataSource, final int workers, final boolean multiStatements) {
    this.dataSource = dataSource;
    this.connections = new AtomicReferenceArray<>(workers);
    this.multiStatements = multiStatements;
  }

  /** Whether the connections take several statements in one text. */
  public boolean multiStatements() {
    return multiStatements;
  }

  /** The worker's connection, autocommit off. */
  public Connection get(final int worker) throws SQLException {
    Connection connection = connections.get(worker);
    if (connection == null) {
      connection = dataSource.getConnection();
      try {
        connection.setAutoCommit(false);
      } catch (SQLException e) {
        closeQuietly(connection, e);
        throw e;
      }
      connections.set(worker, connection);
    }
    return connection;
  }

  /** Gives up the worker's connection (its state is unknown after an error). */
  public void discard(final int worker) {
    final Connection connection = connections.getAndSet(worker, null);
    if (connection != null) {
      closeQuietly(connection, null);
    }
  }

  @Override
  public void close() {
    for (int i = 0; i < connections.length(); i++) {
      discard(i);
    }
  }

  private static void closeQuietly(final Connection connection, final Exception cause) {
    try {
      connection.close();
    } catch (SQLException e) {
      if (cause != null) {
        cause.addSuppressed(e);
      } else {
        LOG.debug("closing a worker connection failed", e);
      }
    }
  }
}
