package io.kafkabinlog.tidbsim.workload;

import io.kafkabinlog.schemas.tableinfo.ColumnInfo;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.catalog.ColumnSpec;
import io.kafkabinlog.tidbsim.catalog.ColumnSpec.Kind;
import io.kafkabinlog.tidbsim.catalog.TableSpec;
import io.kafkabinlog.tidbsim.engine.SimCluster;
import io.kafkabinlog.tidbsim.engine.Txn;
import io.kafkabinlog.tidbsim.mutation.SimRow;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OLTP mix over tables of every common shape: {@code items} (integer primary key as the row
 * handle, one column of every common type, a unique key), {@code orders} (clustered composite
 * primary key with a string and an integer), {@code events} (no primary key: rows keyed by the
 * hidden {@code _tidb_rowid}) and {@code accounts} (non-clustered primary key). Each transaction
 * makes {@code txn-size} row changes: inserts, updates that keep the key, updates that change it (a
 * delete plus an insert in the binlog), and deletes.
 */
public final class OltpWorkload implements Workload {
  static final String DATABASE = "oltp";

  private final AtomicLong sequence = new AtomicLong();

  @Override
  public String name() {
    return "oltp";
  }

  static List<TableSpec> tables() {
    return List.of(
        TableSpec.builder("items")
            .column(ColumnSpec.bigint("id").notNull().autoIncrement())
            .column(ColumnSpec.varchar("code", 40).notNull())
            .column(ColumnSpec.tinyint("c_tinyint"))
            .column(ColumnSpec.smallint("c_smallint").unsigned())
            .column(ColumnSpec.mediumint("c_mediumint"))
            .column(ColumnSpec.integer("c_int").unsigned())
            .column(ColumnSpec.bigint("c_bigint"))
            .column(ColumnSpec.bigint("c_ubigint").unsigned())
            .column(ColumnSpec.decimal("c_decimal", 20, 6))
            .column(ColumnSpec.of("c_float", Kind.FLOAT))
            .column(ColumnSpec.of("c_double", Kind.DOUBLE))
            .column(ColumnSpec.charType("c_char", 12))
            .column(ColumnSpec.varchar("c_varchar", 64).notNull().defaultValue("none"))
            .column(ColumnSpec.of("c_text", Kind.TEXT))
            .column(ColumnSpec.varbinary("c_varbinary", 32))
            .column(ColumnSpec.of("c_blob", Kind.BLOB))
            .column(ColumnSpec.of("c_date", Kind.DATE))
            .column(ColumnSpec.datetime("c_datetime", 3))
            .column(ColumnSpec.timestamp("c_timestamp", 6))
            .column(ColumnSpec.time("c_time", 2))
            .column(ColumnSpec.of("c_year", Kind.YEAR))
            .column(ColumnSpec.of("c_json", Kind.JSON))
            .column(ColumnSpec.enumOf("c_enum", "small", "medium", "large"))
            .column(ColumnSpec.setOf("c_set", "red", "green", "blue"))
            .column(ColumnSpec.bit("c_bit", 8))
            .primaryKey("id")
            .uniqueKey("uk_code", "code")
            .build(),
        TableSpec.builder("orders")
            .column(ColumnSpec.varchar("region", 16).notNull())
            .column(ColumnSpec.bigint("order_no").notNull())
            .column(ColumnSpec.decimal("amount", 12, 2).notNull())
            .column(ColumnSpec.enumOf("status", "new", "paid", "shipped").notNull())
            .column(ColumnSpec.datetime("placed_at", 0).notNull())
            .column(ColumnSpec.varchar("note", 100))
            .clusteredPrimaryKey("region", "order_no")
            .build(),
        TableSpec.builder("events")
            .column(ColumnSpec.integer("kind").notNull())
            .column(ColumnSpec.varchar("payload", 64))
            .column(ColumnSpec.datetime("at", 0))
            .build(),
        TableSpec.builder("accounts")
            .column(ColumnSpec.varchar("email", 80).notNull())
            .column(ColumnSpec.varchar("name", 40))
            .column(ColumnSpec.bigint("points").notNull().defaultValue("0"))
            .nonClusteredPrimaryKey("email")
            .build());
  }

  @Override
  public void run(final SimCluster sim, final WorkloadOptions options, final Progress progress) {
    String db = options.databaseOr(DATABASE);
    Map<String, KeyPool> pools = new LinkedHashMap<>();
    for (TableSpec spec : tables()) {
      Schemas.ensureTable(sim, db, spec, null);
      pools.put(spec.name(), new KeyPool());
    }
    List<String> names = List.copyOf(pools.keySet());
    SessionLoop.run(
        options,
        progress,
        500,
        (session, random, n) ->
            sim.inTxn(
                10,
                txn -> {
                  // A key taken for a delete or a move is lost to the pool if the transaction
                  // is retried; the row stays, it is only not picked again.
                  for (int i = 0; i < options.txnSize(); i++) {
                    String table = names.get(random.nextInt(names.size()));
                    change(txn, db, table, pools.get(table), random);
                  }
                  return null;
                }));
    progress.done();
  }

  private void change(
      final Txn txn, final String db, final String name, final KeyPool pool, final Random r) {
    TableInfo t = txn.table(db, name);
    int dice = r.nextInt(100);
    if (dice < 45 || pool.size() < 5) {
      SimRow row = txn.insert(t, newRow(t, r));
      pool.add(keyOf(t, row));
    } else if (dice < 70) {
      Optional<SimRow> key = pool.pick(r);
      Optional<SimRow> row = key.flatMap(k -> txn.getForUpdate(t, k));
      row.ifPresent(old -> txn.update(t, old, changedValues(t, r, false)));
    } else if (dice < 82) {
      Optional<SimRow> key = pool.take(r);
      Optional<SimRow> row = key.flatMap(k -> txn.getForUpdate(t, k));
      if (row.isPresent()) {
        SimRow moved = txn.update(t, row.get(), changedValues(t, r, true));
        pool.add(keyOf(t, moved));
      }
    } else {
      pool.take(r).ifPresent(k -> txn.delete(t, k));
    }
  }

  /** A full new row; keys and unique values come from a sequence so they never collide. */
  private SimRow newRow(final TableInfo t, final Random r) {
    long seq = sequence.incrementAndGet();
    Map<Long, Object> values = new LinkedHashMap<>();
    for (ColumnInfo c : t.cols()) {
      values.put(c.id(), ValueGen.value(c, r));
    }
    switch (t.name().l()) {
      case "items" -> {
        values.put(Rows.column(t, "id").id(), null); // AUTO_INCREMENT
        values.put(Rows.column(t, "code").id(), "item-" + seq);
      }
      case "orders" -> {
        values.put(Rows.column(t, "region").id(), "region-" + (seq % 7));
        values.put(Rows.column(t, "order_no").id(), seq);
      }
      case "accounts" -> values.put(Rows.column(t, "email").id(), "user" + seq + "@example.com");
      default -> {
        // events: no key columns
      }
    }
    return SimRow.of(values);
  }

  /**
   * New values for some non-key columns; with {@code moveKey}, a new primary key too (for tables
   * whose key is the handle that makes TiDB log a delete and an insert).
   */
  private SimRow changedValues(final TableInfo t, final Random r, final boolean moveKey) {
    Map<Long, Object> values = new LinkedHashMap<>();
    for (ColumnInfo c : t.cols()) {
      String n = c.name().l();
      boolean key = isKeyColumn(t, n);
      if (!key && r.nextInt(3) == 0) {
        values.put(c.id(), ValueGen.value(c, r));
      }
    }
    if (moveKey) {
      long seq = sequence.incrementAndGet();
      switch (t.name().l()) {
        case "items" -> values.put(Rows.column(t, "id").id(), 1_000_000_000L + seq);
        case "orders" -> values.put(Rows.column(t, "order_no").id(), seq);
        case "accounts" -> values.put(Rows.column(t, "email").id(), "moved" + seq + "@example.com");
        default -> {
          // events: no key to move
        }
      }
    }
    return SimRow.of(values);
  }

  private static boolean isKeyColumn(final TableInfo t, final String column) {
    return switch (t.name().l()) {
      case "items" -> column.equals("id") || column.equals("code");
      case "orders" -> column.equals("region") || column.equals("order_no");
      case "accounts" -> column.equals("email");
      default -> false;
    };
  }

  /** The identifying part of a stored row: its key columns, or its row id. */
  private static SimRow keyOf(final TableInfo t, final SimRow row) {
    if (t.hasHiddenRowId()) {
      return SimRow.withRowId(Map.of(), row.rowId());
    }
    return row;
  }
}
