package io.kafkabinlog.mysqlsink.sql;

import static io.kafkabinlog.mysqlsink.sql.DmlStatementsTest.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.mysqlsink.model.RowChange;
import io.kafkabinlog.mysqlsink.model.RowChange.ChangeType;
import io.kafkabinlog.mysqlsink.model.TableKeys;
import io.kafkabinlog.mysqlsink.schema.DownstreamSchema;
import io.kafkabinlog.schemas.avro.ColumnValues;
import io.kafkabinlog.schemas.avro.ColumnValues.JsonText;
import io.kafkabinlog.testkit.MariaDbServiceExtension;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Generated statements applied to real MariaDB tables. */
@Tag("integration")
@Timeout(60)
class DmlStatementsIT {
  @RegisterExtension static final MariaDbServiceExtension MARIADB = new MariaDbServiceExtension();

  private final DmlStatements dml = new DmlStatements(JdbcValues.utc());
  private final DownstreamSchema schema = new DownstreamSchema();
  private Connection c;
  private String db;

  @BeforeEach
  void connect() throws Exception {
    c = MARIADB.connection();
    db = MARIADB.database();
    // TIMESTAMP text is rendered in UTC; the session must agree.
    execute(new Statement("SET time_zone = '+00:00'", List.of()));
  }

  @Test
  void insertsEveryValueTypeAndReadsItBack() throws Exception {
    ddl(
        "CREATE TABLE types (id BIGINT UNSIGNED PRIMARY KEY, d DECIMAL(20,4), f DOUBLE,"
            + " s VARCHAR(20), b VARBINARY(8), dt DATE, ts_local DATETIME(6), ts TIMESTAMP(6) NULL,"
            + " tm TIME(6), j JSON, e ENUM('x','y'), st SET('p','q'), zd DATE,"
            + " g BIGINT AS (f + 1) VIRTUAL)");
    final Map<String, Object> row =
        viaAvro(
            map(
                "id",
                new BigInteger("18446744073709551615"),
                "d",
                new BigDecimal("-1234567890123456.1234"),
                "f",
                2.5d,
                "s",
                "héllo",
                "b",
                new byte[] {0, -1},
                "dt",
                LocalDate.of(2019, 1, 2),
                "ts_local",
                LocalDateTime.of(2019, 1, 2, 3, 4, 5, 6000),
                "ts",
                Instant.parse("2020-06-01T10:00:00.000001Z"),
                "tm",
                Duration.ofHours(-838).minusMinutes(59).minusSeconds(59),
                "j",
                new JsonText("{\"a\": 1}"),
                "e",
                "y",
                "st",
                "p,q",
                "zd",
                null,
                "g",
                99L));

    apply(new RowChange(db, "types", ChangeType.INSERT, null, row), false);

    assertThat(
            rows(
                "SELECT CAST(id AS CHAR), CAST(d AS CHAR), f, s, HEX(b), CAST(dt AS CHAR),"
                    + " CAST(ts_local AS CHAR), CAST(ts AS CHAR), CAST(tm AS CHAR), j, e, st, zd, g"
                    + " FROM types"))
        .containsExactly(
            List.of(
                "18446744073709551615",
                "-1234567890123456.1234",
                "2.5",
                "héllo",
                "00FF",
                "2019-01-02",
                "2019-01-02 03:04:05.000006",
                "2020-06-01 10:00:00.000001",
                "-838:59:59.000000",
                "{\"a\": 1}",
                "y",
                "p,q",
                "null",
                "4"));

    // The unsigned key above 2^63 and the decimal are matched exactly in a WHERE.
    apply(new RowChange(db, "types", ChangeType.DELETE, row, null), false);
    assertThat(rows("SELECT id FROM types")).isEmpty();
  }

  @Test
  void updatesByPrimaryKeyAndByUniqueKey() throws Exception {
    ddl("CREATE TABLE pk (id INT PRIMARY KEY, v VARCHAR(10))");
    ddl("CREATE TABLE uk (a INT NOT NULL, b INT NULL, v VARCHAR(10), UNIQUE KEY ab (a, b))");
    apply(insert("pk", map("id", 1L, "v", "one")), false);
    apply(insert("pk", map("id", 2L, "v", "two")), false);
    apply(insert("uk", map("a", 1L, "b", 1L, "v", "x")), false);
    apply(insert("uk", map("a", 1L, "b", 2L, "v", "y")), false);

    apply(update("pk", map("id", 1L, "v", "one"), map("id", 10L, "v", "ten")), false);
    apply(update("uk", map("a", 1L, "b", 2L, "v", "y"), map("a", 1L, "b", 2L, "v", "Y")), false);

    assertThat(rows("SELECT id, v FROM pk ORDER BY id"))
        .containsExactly(List.of("2", "two"), List.of("10", "ten"));
    assertThat(rows("SELECT a, b, v FROM uk ORDER BY b"))
        .containsExactly(List.of("1", "1", "x"), List.of("1", "2", "Y"));
  }

  @Test
  void updatesAndDeletesOneOfDuplicateRowsOfAKeylessTableWithANull() throws Exception {
    ddl("CREATE TABLE nokey (x INT NULL, y VARCHAR(4))");
    final Map<String, Object> dup = map("x", null, "y", "a");
    apply(insert("nokey", dup), false);
    apply(insert("nokey", dup), false);
    apply(insert("nokey", map("x", 1L, "y", "a")), false);

    apply(update("nokey", dup, map("x", 5L, "y", "a")), false);
    assertThat(rows("SELECT x, y FROM nokey ORDER BY x"))
        .containsExactly(List.of("null", "a"), List.of("1", "a"), List.of("5", "a"));

    apply(new RowChange(db, "nokey", ChangeType.DELETE, dup, null), false);
    assertThat(rows("SELECT x, y FROM nokey ORDER BY x"))
        .containsExactly(List.of("1", "a"), List.of("5", "a"));
  }

  @Test
  void safeModeAppliedTwiceIsIdempotent() throws Exception {
    ddl("CREATE TABLE pk (id INT PRIMARY KEY, u INT, v VARCHAR(10), UNIQUE KEY u_uk (u))");
    final List<RowChange> txn =
        List.of(
            insert("pk", map("id", 1L, "u", 100L, "v", "a")),
            insert("pk", map("id", 2L, "u", 200L, "v", "b")),
            update("pk", map("id", 1L, "u", 100L, "v", "a"), map("id", 3L, "u", 100L, "v", "c")),
            new RowChange(db, "pk", ChangeType.DELETE, map("id", 2L, "u", 200L, "v", "b"), null),
            insert("pk", map("id", 4L, "u", 200L, "v", "d")));

    for (int round = 0; round < 2; round++) {
      for (RowChange row : txn) {
        apply(row, true);
      }
      assertThat(rows("SELECT id, u, v FROM pk ORDER BY id"))
          .as("after round %d", round)
          .containsExactly(List.of("3", "100", "c"), List.of("4", "200", "d"));
    }
  }

  @Test
  void multiRowInsertAppliesAllItsRows() throws Exception {
    ddl("CREATE TABLE pk (id INT PRIMARY KEY, v VARCHAR(10))");
    final TableKeys keys = schema.find(c, db, "pk").orElseThrow();
    final MultiRowInsert batch = new MultiRowInsert(dml, keys, false, 3);
    final List<Statement> statements = new ArrayList<>();
    for (long id = 1; id <= 7; id++) {
      final RowChange row = insert("pk", map("id", id, "v", "r" + id));
      if (!batch.tryAdd(row)) {
        statements.add(batch.take());
        batch.tryAdd(row);
      }
    }
    statements.add(batch.take());

    for (Statement st : statements) {
      execute(st);
    }

    assertThat(statements).hasSize(3);
    assertThat(rows("SELECT COUNT(*), SUM(id) FROM pk")).containsExactly(List.of("7", "28"));
  }

  private void apply(final RowChange row, final boolean safeMode) throws Exception {
    final TableKeys keys = schema.find(c, row.db(), row.table()).orElseThrow();
    for (Statement st : dml.statements(row, keys, safeMode)) {
      execute(st);
    }
  }

  private RowChange insert(final String table, final Map<String, Object> after) {
    return new RowChange(db, table, ChangeType.INSERT, null, after);
  }

  private RowChange update(
      final String table, final Map<String, Object> before, final Map<String, Object> after) {
    return new RowChange(db, table, ChangeType.UPDATE, before, after);
  }

  /** The values the sink really gets: through the Avro ColumnValue union. */
  private static Map<String, Object> viaAvro(final Map<String, Object> values) {
    final Map<String, Object> out = new java.util.LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, ColumnValues.fromAvro(ColumnValues.toAvro(v))));
    return out;
  }

  private void ddl(final String sql) throws Exception {
    execute(new Statement(sql, List.of()));
  }

  private void execute(final Statement st) throws Exception {
    try (PreparedStatement ps = c.prepareStatement(st.sql())) {
      st.bind(ps);
      ps.execute();
    }
  }

  private List<List<String>> rows(final String sql) throws Exception {
    final List<List<String>> out = new ArrayList<>();
    try (java.sql.Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      final int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        final List<String> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          final String v = rs.getString(i);
          row.add(v == null ? "null" : v);
        }
        out.add(row);
      }
    }
    return out;
  }
}
