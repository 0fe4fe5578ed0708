package io.kafkabinlog.mysqlsink.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.testkit.MariaDbServiceExtension;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("integration")
@Timeout(60)
class CheckpointSchemaIT {
  @RegisterExtension static final MariaDbServiceExtension MARIADB = new MariaDbServiceExtension();

  @Test
  void shouldCreateTheOriginalCheckpointTableAndOursTwiceKeepingAnOriginalDrainersRow()
      throws Exception {
    final CheckpointSchema schema = CheckpointSchema.inSchema(MARIADB.database());
    final Connection connection = MARIADB.connection();
    schema.create(connection);
    // As the original drainer saves it.
    final String original =
        "{\"consistent\":false,\"commitTS\":409,\"ts-map\":{},\"schema-version\":0}";
    try (Statement statement = connection.createStatement()) {
      statement.execute(
          "replace into " + MARIADB.database() + ".checkpoint values(6, '" + original + "')");
    }

    schema.create(connection);

    assertThat(columns("checkpoint"))
        .containsExactly("clusterID bigint(20) unsigned PRI", "checkPoint mediumtext ");
    assertThat(columns("applied_txn"))
        .containsExactly("clusterID bigint(20) unsigned PRI", "commit_ts bigint(20) unsigned PRI");
    assertThat(columns("ddl_ledger"))
        .containsExactly(
            "clusterID bigint(20) unsigned PRI",
            "commit_ts bigint(20) unsigned PRI",
            "job_id bigint(20) ",
            "query mediumtext ",
            "applied_at datetime(6) ");
    try (Statement statement = connection.createStatement();
        ResultSet rows =
            statement.executeQuery("SELECT clusterID, checkPoint FROM " + schema.checkpoint())) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getLong(1)).isEqualTo(6);
      assertThat(rows.getString(2)).isEqualTo(original);
      assertThat(rows.next()).isFalse();
    }
  }

  @Test
  void shouldCreateTheSchemaItselfWhenMissing() throws Exception {
    // A second database of its own: the test's unique suffix, within the 64 characters allowed.
    final String database = MARIADB.database();
    final String name = "cp_" + database.substring(Math.max(0, database.length() - 40));
    final CheckpointSchema schema = new CheckpointSchema(name, "savepoint");
    final Connection connection = MARIADB.connection();
    try {
      schema.create(connection);
      schema.create(connection);

      try (PreparedStatement statement =
          connection.prepareStatement(
              "SELECT TABLE_NAME, ENGINE FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?"
                  + " ORDER BY TABLE_NAME")) {
        statement.setString(1, name);
        final List<String> tables = new ArrayList<>();
        try (ResultSet rows = statement.executeQuery()) {
          while (rows.next()) {
            tables.add(rows.getString(1) + " " + rows.getString(2));
          }
        }
        assertThat(tables)
            .containsExactly("applied_txn InnoDB", "ddl_ledger InnoDB", "savepoint InnoDB");
      }
    } finally {
      try (Statement statement = connection.createStatement()) {
        statement.execute("DROP DATABASE IF EXISTS `" + name + "`");
      }
    }
  }

  private static List<String> columns(final String table) throws Exception {
    final List<String> columns = new ArrayList<>();
    try (PreparedStatement statement =
        MARIADB
            .connection()
            .prepareStatement(
                "SELECT COLUMN_NAME, COLUMN_TYPE, COLUMN_KEY FROM information_schema.COLUMNS"
                    + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
      statement.setString(1, MARIADB.database());
      statement.setString(2, table);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          columns.add(rows.getString(1) + " " + rows.getString(2) + " " + rows.getString(3));
        }
      }
    }
    return columns;
  }
}
