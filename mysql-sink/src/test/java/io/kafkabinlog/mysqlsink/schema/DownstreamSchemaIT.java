package io.kafkabinlog.mysqlsink.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.mysqlsink.model.TableKeys;
import io.kafkabinlog.testkit.MariaDbServiceExtension;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("integration")
@Timeout(60)
class DownstreamSchemaIT {
  @RegisterExtension static final MariaDbServiceExtension MARIADB = new MariaDbServiceExtension();

  private final DownstreamSchema schema = new DownstreamSchema();

  @Test
  void readsWritableColumnsAndUniqueKeysWithPrimaryFirst() throws Exception {
    final Connection c = MARIADB.connection();
    execute(
        c,
        "CREATE TABLE t (z_code VARCHAR(8) NOT NULL, id BIGINT NOT NULL, a INT NULL, b INT NULL,"
            + " g INT AS (id + 1) VIRTUAL, s INT AS (id * 2) STORED, note TEXT,"
            + " UNIQUE KEY a_uk (a, b), UNIQUE KEY code_uk (z_code), KEY plain (note(10)),"
            + " PRIMARY KEY (id))");

    final TableKeys keys = schema.find(c, MARIADB.database(), "t").orElseThrow();

    assertThat(keys.db()).isEqualTo(MARIADB.database());
    assertThat(keys.table()).isEqualTo("t");
    assertThat(keys.columns()).containsExactly("z_code", "id", "a", "b", "note");
    assertThat(keys.uniqueKeys())
        .containsExactly(List.of("id"), List.of("a", "b"), List.of("z_code"));
    assertThat(keys.nullable()).containsExactlyInAnyOrder("a", "b", "note");
  }

  @Test
  void aTableWithoutKeysHasNoUniqueKeys() throws Exception {
    final Connection c = MARIADB.connection();
    execute(c, "CREATE TABLE nokey (x INT, y VARCHAR(4), KEY (x))");

    final TableKeys keys = schema.find(c, MARIADB.database(), "nokey").orElseThrow();

    assertThat(keys.hasUniqueKey()).isFalse();
    assertThat(keys.columns()).containsExactly("x", "y");
  }

  @Test
  void cachesUntilEvictedAndDoesNotCacheAbsence() throws Exception {
    final Connection c = MARIADB.connection();
    final String db = MARIADB.database();
    assertThat(schema.find(c, db, "t")).isEmpty();
    execute(c, "CREATE TABLE t (id INT PRIMARY KEY)");
    assertThat(schema.find(c, db, "t").orElseThrow().columns()).containsExactly("id");

    execute(c, "ALTER TABLE t ADD COLUMN v INT, ADD UNIQUE KEY v_uk (v)");
    assertThat(schema.find(c, db, "t").orElseThrow().columns()).containsExactly("id");

    schema.evict(db, "t");
    final TableKeys fresh = schema.find(c, db, "t").orElseThrow();
    assertThat(fresh.columns()).containsExactly("id", "v");
    assertThat(fresh.uniqueKeys()).containsExactly(List.of("id"), List.of("v"));
  }

  private static void execute(final Connection c, final String sql) throws Exception {
    try (Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }
}
