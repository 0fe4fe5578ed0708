package io.kafkabinlog.bench.mysqlsink;

import io.kafkabinlog.bench.BenchEnvironment;
import io.kafkabinlog.bench.mysqlsink.SinkWorkload.Row;
import io.kafkabinlog.bench.mysqlsink.SinkWorkload.Table;
import io.kafkabinlog.bench.mysqlsink.SinkWorkload.Txn;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The baseline: the workload's rows written with plain JDBC and nothing else (no Kafka, no Avro, no
 * causality, no progress rows). Consecutive transactions are cut into batches of at most {@code
 * batchRows} rows (the sink's txn-batch: a larger transaction alone), each one database
 * transaction: per table one multi-row INSERT of the batch's inserted rows, then the UPDATEs by
 * primary key as one JDBC batch, then COMMIT. {@code connections} threads, one connection each,
 * take batches in order from a shared queue (as many as the sink has workers: the same
 * parallelism). A batch that updates a row waits until the batch that inserted it committed (it
 * practically never has to: the row is {@value SinkWorkload#UPDATE_DISTANCE} transactions older),
 * so the baseline ends with the same rows as the sink.
 */
final class RawJdbcLoader {
  private final BenchEnvironment.MariaDb server;
  private final int connections;
  private final int batchRows;

  RawJdbcLoader(final BenchEnvironment.MariaDb server, final int connections, final int batchRows) {
    this.server = server;
    this.connections = connections;
    this.batchRows = batchRows;
  }

  /** Writes every row of {@code txns} into {@code db}; returns the seconds it took. */
  double load(final List<Txn> txns, final String db) throws Exception {
    final List<List<Txn>> batches = batches(txns);
    // The batch that must have committed before batch b runs: the one inserting the oldest row
    // its transactions may update.
    final int[] batchOfTxn = new int[txns.size()];
    final int[] mustFollow = new int[batches.size()];
    for (int b = 0, t = 0; b < batches.size(); b++) {
      for (int i = 0; i < batches.get(b).size(); i++) {
        batchOfTxn[t++] = b;
      }
      final int target = t - 1 - SinkWorkload.UPDATE_DISTANCE;
      mustFollow[b] = target >= 0 ? batchOfTxn[target] : -1;
    }
    final Committed committed = new Committed(batches.size());
    final AtomicInteger next = new AtomicInteger();
    final List<Connection> opened = new ArrayList<>();
    try {
      for (int i = 0; i < connections; i++) {
        final Connection c =
            DriverManager.getConnection(
                "jdbc:mariadb://" + server.host() + ":" + server.port() + "/",
                server.user(),
                server.password());
        c.setAutoCommit(false);
        opened.add(c);
      }
      final ExecutorService pool = Executors.newFixedThreadPool(connections);
      try {
        final long start = System.nanoTime();
        final List<Future<?>> running = new ArrayList<>();
        for (Connection c : opened) {
          running.add(
              pool.submit(
                  () -> {
                    for (int b = next.getAndIncrement();
                        b < batches.size();
                        b = next.getAndIncrement()) {
                      committed.awaitUpTo(mustFollow[b]);
                      write(c, db, batches.get(b));
                      committed.done(b);
                    }
                    return null;
                  }));
        }
        for (Future<?> f : running) {
          f.get();
        }
        return (System.nanoTime() - start) / 1e9;
      } finally {
        pool.shutdownNow();
      }
    } finally {
      for (Connection c : opened) {
        c.close();
      }
    }
  }

  /** Which batches committed; the highest index up to which all did. */
  private static final class Committed {
    private final boolean[] done;
    private int upTo = -1;

    Committed(final int batches) {
      this.done = new boolean[batches];
    }

    synchronized void done(final int batch) {
      done[batch] = true;
      while (upTo + 1 < done.length && done[upTo + 1]) {
        upTo++;
      }
      notifyAll();
    }

    synchronized void awaitUpTo(final int batch) throws InterruptedException {
      while (upTo < batch) {
        wait();
      }
    }
  }

  private List<List<Txn>> batches(final List<Txn> txns) {
    final List<List<Txn>> batches = new ArrayList<>();
    List<Txn> current = new ArrayList<>();
    int rows = 0;
    for (Txn txn : txns) {
      if (!current.isEmpty() && rows + txn.rows().size() > batchRows) {
        batches.add(current);
        current = new ArrayList<>();
        rows = 0;
      }
      current.add(txn);
      rows += txn.rows().size();
    }
    if (!current.isEmpty()) {
      batches.add(current);
    }
    return batches;
  }

  private static void write(final Connection c, final String db, final List<Txn> batch)
      throws SQLException {
    final Map<Table, List<Row>> inserts = new LinkedHashMap<>();
    final Map<Table, List<Row>> updates = new LinkedHashMap<>();
    for (Txn txn : batch) {
      for (Row row : txn.rows()) {
        (row.isUpdate() ? updates : inserts)
            .computeIfAbsent(row.table(), t -> new ArrayList<>())
            .add(row);
      }
    }
    for (Map.Entry<Table, List<Row>> e : inserts.entrySet()) {
      insert(c, db, e.getKey(), e.getValue());
    }
    for (List<Row> rows : updates.values()) {
      update(c, db, rows);
    }
    c.commit();
  }

  private static void insert(
      final Connection c, final String db, final Table table, final List<Row> rows)
      throws SQLException {
    final List<String> columns = List.copyOf(rows.get(0).after().keySet());
    final StringBuilder sql =
        new StringBuilder("INSERT INTO `")
            .append(db)
            .append("`.`")
            .append(table.name())
            .append("` (");
    final StringBuilder tuple = new StringBuilder("(");
    for (int i = 0; i < columns.size(); i++) {
      sql.append(i == 0 ? "`" : ",`").append(columns.get(i)).append('`');
      tuple.append(i == 0 ? "?" : ",?");
    }
    sql.append(") VALUES ");
    tuple.append(')');
    for (int r = 0; r < rows.size(); r++) {
      sql.append(r == 0 ? "" : ",").append(tuple);
    }
    try (PreparedStatement statement = c.prepareStatement(sql.toString())) {
      int index = 1;
      for (Row row : rows) {
        for (String column : columns) {
          statement.setObject(index++, row.after().get(column));
        }
      }
      statement.executeUpdate();
    }
  }

  private static void update(final Connection c, final String db, final List<Row> rows)
      throws SQLException {
    final Table table = rows.get(0).table();
    final List<String> columns = List.copyOf(rows.get(0).after().keySet());
    final StringBuilder sql =
        new StringBuilder("UPDATE `")
            .append(db)
            .append("`.`")
            .append(table.name())
            .append("` SET ");
    for (int i = 0; i < columns.size(); i++) {
      sql.append(i == 0 ? "`" : ",`").append(columns.get(i)).append("` = ?");
    }
    sql.append(" WHERE `id` = ?");
    try (PreparedStatement statement = c.prepareStatement(sql.toString())) {
      for (Row row : rows) {
        int index = 1;
        for (String column : columns) {
          statement.setObject(index++, row.after().get(column));
        }
        statement.setObject(index, row.before().get("id"));
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }
}
