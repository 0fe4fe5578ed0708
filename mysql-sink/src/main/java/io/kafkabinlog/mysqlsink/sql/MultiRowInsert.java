package io.kafkabinlog.mysqlsink.sql;

import io.kafkabinlog.mysqlsink.model.RowChange;
import io.kafkabinlog.mysqlsink.model.RowChange.ChangeType;
import io.kafkabinlog.mysqlsink.model.TableKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Collects consecutive INSERTs into one table into one {@code INSERT|REPLACE INTO t(cols)
 * VALUES(..),(..)} statement. A row is accepted only if it is an INSERT of the same table with the
 * same column list, and while the statement holds fewer than its row bound (also kept under the
 * server's 65535 placeholders per prepared statement). Not thread-safe.
 *
 * <pre>
 * MultiRowInsert batch = new MultiRowInsert(dml, keys, safeMode, 256);
 * for (RowChange row : rows) {
 *   if (!batch.tryAdd(row)) { execute(batch.take()); ... }
 * }
 * </pre>
 */
public final class MultiRowInsert {
  /** MariaDB/MySQL refuse prepared statements with more placeholders. */
  static final int MAX_PLACEHOLDERS = 65_535;

  private final DmlStatements dml;
  private final TableKeys keys;
  private final boolean replace;
  private final int maxRows;
  private final List<Object> params = new ArrayList<>();
  private List<String> columns;
  private String db;
  private String table;
  private int rows;

  public MultiRowInsert(
      final DmlStatements dml, final TableKeys keys, final boolean replace, final int maxRows) {
    if (maxRows < 1) {
      throw new IllegalArgumentException("maxRows must be >= 1: " + maxRows);
    }
    this.dml = Objects.requireNonNull(dml, "dml");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.replace = replace;
    this.maxRows = maxRows;
  }

  /**
   * Adds the row if it fits; false (and nothing added) if it is not an INSERT of this table, has
   * another column list than the rows already collected, or the statement is full.
   */
  public boolean tryAdd(final RowChange row) {
    if (row.type() != ChangeType.INSERT
        || !row.db().equalsIgnoreCase(keys.db())
        || !row.table().equalsIgnoreCase(keys.table())) {
      return false;
    }
    final List<String> rowColumns = dml.columnsOf(row.after(), keys);
    if (rows > 0 && (!rowColumns.equals(columns) || full())) {
      return false;
    }
    if (rows == 0) {
      columns = rowColumns;
      db = row.db();
      table = row.table();
    }
    params.addAll(dml.paramsOf(row.after(), keys));
    rows++;
    return true;
  }

  /** True when no further row would be accepted. */
  public boolean full() {
    return rows >= maxRows || (rows > 0 && (long) (rows + 1) * columns.size() > MAX_PLACEHOLDERS);
  }

  public boolean isEmpty() {
    return rows == 0;
  }

  public int size() {
    return rows;
  }

  /** The statement of the collected rows; empties this builder. */
  public Statement take() {
    if (rows == 0) {
      throw new IllegalStateException("no rows collected");
    }
    final StringBuilder sql =
        new StringBuilder(DmlStatements.insertHead(db, table, columns, replace));
    final String tuple = DmlStatements.placeholders(columns.size());
    for (int i = 0; i < rows; i++) {
      sql.append(i == 0 ? "" : ",").append(tuple);
    }
    final Statement statement = new Statement(sql.toString(), params);
    params.clear();
    columns = null;
    rows = 0;
    return statement;
  }
}
