package io.kafkabinlog.bench.mysqlsink;

import io.kafkabinlog.common.tso.Tso;
import io.kafkabinlog.schemas.avro.AvroEvents;
import io.kafkabinlog.schemas.avro.AvroEvents.ChangeType;
import io.kafkabinlog.schemas.avro.ColumnValues;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;

/**
 * The benchmark's upstream transactions, the same for the sink (as Avro {@code Transaction} records
 * on the txn topic) and for the raw JDBC baseline: {@value #ROWS_PER_TXN} rows each over three
 * tables with primary keys. Transaction {@code i} inserts order {@code i} and its three items, and
 * as its fifth row either updates order {@code i - }{@value #UPDATE_DISTANCE} (odd {@code i} from
 * there on, so one row in ten is an UPDATE) or inserts event {@code i}. An update's row was
 * inserted that many transactions earlier, long committed on either side.
 */
final class SinkWorkload {
  static final int ROWS_PER_TXN = 5;
  static final int UPDATE_DISTANCE = 1_000;
  static final List<Table> TABLES =
      List.of(
          new Table(
              "orders",
              List.of(
                  new Column("id", "bigint(20)", "BIGINT NOT NULL PRIMARY KEY"),
                  new Column("customer", "bigint(20)", "BIGINT NOT NULL"),
                  new Column("amount", "decimal(12,2)", "DECIMAL(12,2) NOT NULL"),
                  new Column("status", "varchar(16)", "VARCHAR(16) NOT NULL"),
                  new Column("note", "varchar(64)", "VARCHAR(64)"))),
          new Table(
              "order_items",
              List.of(
                  new Column("id", "bigint(20)", "BIGINT NOT NULL PRIMARY KEY"),
                  new Column("order_id", "bigint(20)", "BIGINT NOT NULL"),
                  new Column("sku", "varchar(32)", "VARCHAR(32) NOT NULL"),
                  new Column("qty", "int(11)", "INT NOT NULL"),
                  new Column("price", "decimal(10,2)", "DECIMAL(10,2) NOT NULL"))),
          new Table(
              "events",
              List.of(
                  new Column("id", "bigint(20)", "BIGINT NOT NULL PRIMARY KEY"),
                  new Column("kind", "varchar(16)", "VARCHAR(16) NOT NULL"),
                  new Column("at", "datetime(6)", "DATETIME(6) NOT NULL"),
                  new Column("payload", "varchar(255)", "VARCHAR(255)"))));

  /** A column: its name, its type as the txn topic carries it, its definition downstream. */
  record Column(String name, String mysqlType, String definition) {}

  /** A table of the workload. */
  record Table(String name, List<Column> columns) {
    String mysqlType(final String column) {
      return columns.stream()
          .filter(c -> c.name().equals(column))
          .findFirst()
          .orElseThrow()
          .mysqlType();
    }

    String create(final String db) {
      final StringBuilder sql =
          new StringBuilder("CREATE TABLE `").append(db).append("`.`").append(name).append("` (");
      for (int i = 0; i < columns.size(); i++) {
        sql.append(i == 0 ? "" : ", ")
            .append('`')
            .append(columns.get(i).name())
            .append("` ")
            .append(columns.get(i).definition());
      }
      return sql.append(") ENGINE=InnoDB").toString();
    }
  }

  /** One row change; {@code before} is null for an insert. Images map column to Java value. */
  record Row(Table table, Map<String, Object> before, Map<String, Object> after) {
    boolean isUpdate() {
      return before != null;
    }
  }

  /** One upstream transaction. */
  record Txn(long commitTs, List<Row> rows) {}

  private final List<Txn> txns;

  private SinkWorkload(final List<Txn> txns) {
    this.txns = List.copyOf(txns);
  }

  static SinkWorkload generate(final int transactions) {
    // Real-looking TSOs an hour back; consecutive commit_ts values a few logical ticks apart.
    final long base = Tso.fromInstant(Instant.now().minusSeconds(3600));
    final LocalDateTime at = LocalDateTime.of(2024, 5, 1, 12, 0);
    final List<Txn> txns = new ArrayList<>(transactions);
    for (int i = 0; i < transactions; i++) {
      final List<Row> rows = new ArrayList<>(ROWS_PER_TXN);
      rows.add(new Row(orders(), null, order(i, "new")));
      for (int k = 0; k < 3; k++) {
        final long item = 3L * i + k;
        rows.add(
            new Row(
                TABLES.get(1),
                null,
                image(
                    "id",
                    item,
                    "order_id",
                    (long) i,
                    "sku",
                    "sku-" + (item % 9973),
                    "qty",
                    1L + item % 7,
                    "price",
                    BigDecimal.valueOf(100 + item % 5000, 2))));
      }
      if (i >= UPDATE_DISTANCE && i % 2 == 1) {
        final long target = i - UPDATE_DISTANCE;
        rows.add(new Row(orders(), order(target, "new"), order(target, "shipped")));
      } else {
        rows.add(
            new Row(
                TABLES.get(2),
                null,
                image(
                    "id",
                    (long) i,
                    "kind",
                    "kind-" + (i % 13),
                    "at",
                    at.plusSeconds(i),
                    "payload",
                    "payload of event " + i + " " + "x".repeat(i % 64))));
      }
      txns.add(new Txn(base + 4L * (i + 1), rows));
    }
    return new SinkWorkload(txns);
  }

  List<Txn> txns() {
    return txns;
  }

  long rowCount() {
    return (long) txns.size() * ROWS_PER_TXN;
  }

  long lastCommitTs() {
    return txns.get(txns.size() - 1).commitTs();
  }

  /** Creates {@code db} (dropping what was there) with the workload's tables. */
  static void createDatabase(final Connection connection, final String db) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("DROP DATABASE IF EXISTS `" + db + "`");
      statement.execute("CREATE DATABASE `" + db + "`");
      for (Table table : TABLES) {
        statement.execute(table.create(db));
      }
    }
  }

  /** The txn-topic record of {@code txn} with its rows in database {@code db}. */
  static GenericRecord avro(final Txn txn, final String db) {
    final List<GenericRecord> rows = new ArrayList<>(txn.rows().size());
    for (Row row : txn.rows()) {
      rows.add(
          AvroEvents.rowChange(
              db,
              row.table().name(),
              TABLES.indexOf(row.table()) + 100,
              row.isUpdate() ? ChangeType.UPDATE : ChangeType.INSERT,
              row.isUpdate() ? columns(row.table(), row.before()) : null,
              columns(row.table(), row.after())));
    }
    return AvroEvents.transaction(txn.commitTs(), txn.commitTs() - 1, 1, rows, null);
  }

  private static List<GenericRecord> columns(final Table table, final Map<String, Object> image) {
    final List<GenericRecord> out = new ArrayList<>(image.size());
    image.forEach((name, value) -> out.add(ColumnValues.of(name, table.mysqlType(name), value)));
    return out;
  }

  private static Table orders() {
    return TABLES.get(0);
  }

  private static Map<String, Object> order(final long id, final String status) {
    return image(
        "id",
        id,
        "customer",
        id % 1_000,
        "amount",
        BigDecimal.valueOf(1_000 + id % 100_000, 2),
        "status",
        status,
        "note",
        id % 3 == 0 ? null : "note " + id);
  }

  private static Map<String, Object> image(final Object... pairs) {
    final Map<String, Object> image = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      image.put((String) pairs[i], pairs[i + 1]);
    }
    return image;
  }
}
