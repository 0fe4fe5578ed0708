package io.kafkabinlog.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("integration")
@Timeout(60)
class MariaDbServiceExtensionIT {
  @RegisterExtension static final MariaDbServiceExtension MARIADB = new MariaDbServiceExtension();

  @Test
  void shouldGiveEachTestItsOwnDatabaseAndDropItOnCleanUp() throws Exception {
    final String database = MARIADB.database();
    assertThat(database).startsWith("it_mariadbserviceextensionit_shouldgive");

    try (Statement statement = MARIADB.connection().createStatement()) {
      statement.execute("CREATE TABLE t (id BIGINT PRIMARY KEY, c VARCHAR(20))");
      statement.execute("INSERT INTO t VALUES (1, 'one'), (2, 'two')");
      try (ResultSet rows =
          statement.executeQuery("SELECT COUNT(*), DATABASE(), VERSION() FROM t")) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getInt(1)).isEqualTo(2);
        assertThat(rows.getString(2)).isEqualTo(database);
        assertThat(rows.getString(3)).contains("MariaDB");
      }
    }

    MARIADB.cleanUp();

    assertThat(databaseExists(database)).isFalse();
  }

  private static boolean databaseExists(final String database) throws Exception {
    final var endpoints = MARIADB.endpoints();
    try (Connection connection =
            DriverManager.getConnection(
                endpoints.mariaDbJdbcUrl(null),
                endpoints.mariaDbUser(),
                endpoints.mariaDbPassword());
        Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery(
                "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '"
                    + database
                    + "'")) {
      rows.next();
      return rows.getInt(1) > 0;
    }
  }
}
