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
 * same column list, and while the statement holds fewer than its row bound, stays under its byte
 * bound (see {@link #estimatedBytes()}; the server refuses a statement above {@code
 * max_allowed_packet}) and under the server's 65535 placeholders per prepared statement. The first
 * row is always accepted, however large. Not thread-safe.
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

  /** The byte bound of {@link #MultiRowInsert(DmlStatements, TableKeys, boolean, int)}. */
  public static final long DEFAULT_MAX_BYTES = 4L << 20;

  private final DmlStatements dml;
  private final TableKeys keys;
  private final boolean replace;
  private final int maxRows;
  private final long maxBytes;
  private final List<Object> params = new ArrayList<>();
  private List<String> columns;
  private String db;
  private String table;
  private int rows;
  private long bytes;

  /** At most {@code maxRows} rows and about {@value #DEFAULT_MAX_BYTES} bytes per statement. */
  public MultiRowInsert(
      final DmlStatements dml, final TableKeys keys, final boolean replace, final int maxRows) {
    this(dml, keys, replace, maxRows, DEFAULT_MAX_BYTES);
  }

  /**
   * @param maxBytes the most {@link #estimatedBytes()} a statement of more than one row may have
   */
  public MultiRowInsert(
      final DmlStatements dml,
      final TableKeys keys,
      final boolean replace,
      final int maxRows,
      final long maxBytes) {
    if (maxRows < 1) {
      throw new IllegalArgumentException("maxRows must be >= 1: " + maxRows);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be >= 1: " + maxBytes);
    }
    this.dml = Objects.requireNonNull(dml, "dml");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.replace = replace;
    this.maxRows = maxRows;
    this.maxBytes = maxBytes;
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
    final List<Object> values = dml.paramsOf(row.after(), keys);
    final long rowBytes = estimatedBytes(values);
    if (rows > 0 && bytes + rowBytes > maxBytes) {
      return false;
    }
    if (rows == 0) {
      columns = rowColumns;
      db = row.db();
      table = row.table();
      bytes = DmlStatements.insertHead(db, table, columns, replace).length();
    }
    params.addAll(values);
    bytes += rowBytes;
    rows++;
    return true;
  }

  /** True when no further row would be accepted. */
  public boolean full() {
    return rows >= maxRows
        || (rows > 0 && (long) (rows + 1) * columns.size() > MAX_PLACEHOLDERS)
        || bytes >= maxBytes;
  }

  /**
   * An upper bound of the statement's size on the wire with the parameters inlined as escaped UTF-8
   * text (the driver's client-side prepared statements; the binary protocol is smaller).
   */
  public long estimatedBytes() {
    return bytes;
  }

  /** A row's tuple: parentheses, commas and each value's worst-case text. */
  private static long estimatedBytes(final List<Object> values) {
    long size = 2 + values.size();
    for (Object value : values) {
      size += Statement.estimatedBytes(value);
    }
    return size;
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
    bytes = 0;
    return statement;
  }
}
