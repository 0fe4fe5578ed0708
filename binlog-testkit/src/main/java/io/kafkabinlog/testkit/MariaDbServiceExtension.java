package io.kafkabinlog.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Connects integration tests to the real local MariaDB. Each test gets its own database ({@link
 * #database()}), created before and dropped after the test, with the connections it opened.
 */
public final class MariaDbServiceExtension
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback {
  /** MariaDB allows 64 characters in a database name. */
  private static final int MAX_DATABASE_LENGTH = 64;

  private final ServiceEndpoints endpoints;
  private final List<Connection> opened = new ArrayList<>();
  private String database;

  public MariaDbServiceExtension() {
    this(ServiceEndpoints.fromEnvironment());
  }

  public MariaDbServiceExtension(final ServiceEndpoints endpoints) {
    this.endpoints = endpoints;
  }

  @Override
  public void beforeAll(final ExtensionContext context) {
    try (Connection connection = connect(null)) {
      connection.isValid(5);
    } catch (SQLException e) {
      fail(
          ServiceEndpoints.unreachable(
              "MariaDB",
              endpoints.mariaDbHost()
                  + ":"
                  + endpoints.mariaDbPort()
                  + " as "
                  + endpoints.mariaDbUser(),
              e.getMessage()));
    }
  }

  @Override
  public void beforeEach(final ExtensionContext context) throws SQLException {
    database = "it_" + TestNames.unique(context, MAX_DATABASE_LENGTH - 3).replace('-', '_');
    try (Connection connection = connect(null);
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE `" + database + "`");
    }
  }

  @Override
  public void afterEach(final ExtensionContext context) throws SQLException {
    cleanUp();
  }

  /** The running test's database, created empty before the test. */
  public String database() {
    return database;
  }

  /** JDBC URL with the running test's database as default. */
  public String jdbcUrl() {
    return endpoints.mariaDbJdbcUrl(database);
  }

  public ServiceEndpoints endpoints() {
    return endpoints;
  }

  /** A new connection to the running test's database, closed after the test. */
  public Connection connection() throws SQLException {
    final Connection connection = connect(database);
    opened.add(connection);
    return connection;
  }

  /** Closes the test's connections and drops its database; runs after each test. */
  public void cleanUp() throws SQLException {
    for (final Connection connection : opened) {
      connection.close();
    }
    opened.clear();
    if (database != null) {
      try (Connection connection = connect(null);
          Statement statement = connection.createStatement()) {
        statement.execute("DROP DATABASE IF EXISTS `" + database + "`");
      }
    }
  }

  private Connection connect(final String db) throws SQLException {
    return DriverManager.getConnection(
        endpoints.mariaDbJdbcUrl(db), endpoints.mariaDbUser(), endpoints.mariaDbPassword());
  }
}
