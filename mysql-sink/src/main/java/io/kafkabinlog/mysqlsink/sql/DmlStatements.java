package io.kafkabinlog.mysqlsink.sql;

import io.kafkabinlog.mysqlsink.model.RowChange;
import io.kafkabinlog.mysqlsink.model.RowChange.ChangeType;
import io.kafkabinlog.mysqlsink.model.TableKeys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Turns row changes into parameterized SQL with the original drainer's rules (pkg/loader/model.go):
 * column lists are the table's writable columns the row carries, sorted by name; UPDATE sets every
 * column and DELETE/UPDATE find the row by the first unique key (PRIMARY first) whose columns are
 * all non-NULL in the old image, else by all columns ({@code IS NULL} for NULLs), always {@code
 * LIMIT 1}. Safe mode makes re-applying idempotent: INSERT becomes REPLACE, UPDATE becomes DELETE
 * of the old key plus REPLACE of the new row.
 *
 * <p>Column names are matched case-insensitively (MySQL column names are), and the downstream's
 * spelling from {@link TableKeys} is used in the SQL. Row columns the downstream table does not
 * have as writable columns (generated ones) are left out.
 */
public final class DmlStatements {
  private final JdbcValues values;

  public DmlStatements(final JdbcValues values) {
    this.values = Objects.requireNonNull(values, "values");
  }

  public JdbcValues values() {
    return values;
  }

  /** The statements applying one row change: one, or two for an UPDATE in safe mode. */
  public List<Statement> statements(
      final RowChange row, final TableKeys keys, final boolean safeMode) {
    requireSameTable(row, keys);
    if (row.type() == ChangeType.INSERT) {
      return List.of(insert(row, keys, safeMode));
    }
    if (row.type() == ChangeType.DELETE) {
      return List.of(delete(row.db(), row.table(), row.before(), keys));
    }
    if (safeMode) {
      return List.of(
          delete(row.db(), row.table(), row.before(), keys),
          insertRow(row.db(), row.table(), row.after(), keys, true));
    }
    return List.of(update(row, keys));
  }

  /** {@code INSERT INTO `db`.`t`(`a`,`b`) VALUES(?,?)}, or {@code REPLACE INTO} if replace. */
  public Statement insert(final RowChange row, final TableKeys keys, final boolean replace) {
    requireType(row, ChangeType.INSERT);
    requireSameTable(row, keys);
    return insertRow(row.db(), row.table(), row.after(), keys, replace);
  }

  /** {@code UPDATE `db`.`t` SET `a` = ?,`b` = ? WHERE <old key> LIMIT 1}. */
  public Statement update(final RowChange row, final TableKeys keys) {
    requireType(row, ChangeType.UPDATE);
    requireSameTable(row, keys);
    final Row after = new Row(row.after(), keys);
    final StringBuilder sql =
        new StringBuilder("UPDATE ")
            .append(SqlNames.qualified(row.db(), row.table()))
            .append(" SET ");
    final List<Object> params = new ArrayList<>();
    for (int i = 0; i < after.columns.size(); i++) {
      final String column = after.columns.get(i);
      sql.append(i == 0 ? "" : ",").append(SqlNames.quote(column)).append(" = ?");
      params.add(values.toJdbc(after.value(column)));
    }
    where(sql, params, new Row(row.before(), keys), keys);
    return new Statement(sql.append(" LIMIT 1").toString(), params);
  }

  /** {@code DELETE FROM `db`.`t` WHERE <key> LIMIT 1} of the row's old image. */
  public Statement delete(final RowChange row, final TableKeys keys) {
    requireType(row, ChangeType.DELETE);
    requireSameTable(row, keys);
    return delete(row.db(), row.table(), row.before(), keys);
  }

  /**
   * The writable columns of a row image as the statements list them: the downstream names, sorted
   * by name. Rows with equal column lists can share a multi-row INSERT.
   */
  public List<String> columnsOf(final Map<String, Object> image, final TableKeys keys) {
    return new Row(image, keys).columns;
  }

  /** The parameter values of an image, in {@link #columnsOf} order. */
  List<Object> paramsOf(final Map<String, Object> image, final TableKeys keys) {
    final Row row = new Row(image, keys);
    final List<Object> params = new ArrayList<>(row.columns.size());
    for (String column : row.columns) {
      params.add(values.toJdbc(row.value(column)));
    }
    return params;
  }

  private Statement insertRow(
      final String db,
      final String table,
      final Map<String, Object> image,
      final TableKeys keys,
      final boolean replace) {
    final List<String> columns = columnsOf(image, keys);
    final String sql = insertHead(db, table, columns, replace) + placeholders(columns.size());
    return new Statement(sql, paramsOf(image, keys));
  }

  private Statement delete(
      final String db, final String table, final Map<String, Object> image, final TableKeys keys) {
    final StringBuilder sql =
        new StringBuilder("DELETE FROM ").append(SqlNames.qualified(db, table));
    final List<Object> params = new ArrayList<>();
    where(sql, params, new Row(image, keys), keys);
    return new Statement(sql.append(" LIMIT 1").toString(), params);
  }

  /**
   * Appends {@code WHERE ...} for the old image: first all-non-NULL unique key, else all columns.
   */
  private void where(
      final StringBuilder sql, final List<Object> params, final Row old, final TableKeys keys) {
    List<String> match = null;
    for (List<String> key : keys.uniqueKeys()) {
      if (old.allNonNull(key)) {
        match = key;
        break;
      }
    }
    if (match == null) {
      match = old.columns;
    }
    sql.append(" WHERE ");
    for (int i = 0; i < match.size(); i++) {
      final String column = match.get(i);
      final Object value = old.value(column);
      sql.append(i == 0 ? "" : " AND ").append(SqlNames.quote(column));
      if (value == null) {
        sql.append(" IS NULL");
      } else {
        sql.append(" = ?");
        params.add(values.toJdbc(value));
      }
    }
  }

  static String insertHead(
      final String db, final String table, final List<String> columns, final boolean replace) {
    final StringBuilder sql =
        new StringBuilder(replace ? "REPLACE INTO " : "INSERT INTO ")
            .append(SqlNames.qualified(db, table))
            .append('(');
    for (int i = 0; i < columns.size(); i++) {
      sql.append(i == 0 ? "" : ",").append(SqlNames.quote(columns.get(i)));
    }
    return sql.append(") VALUES").toString();
  }

  static String placeholders(final int count) {
    final StringBuilder sql = new StringBuilder("(");
    for (int i = 0; i < count; i++) {
      sql.append(i == 0 ? "?" : ",?");
    }
    return sql.append(')').toString();
  }

  private static void requireType(final RowChange row, final ChangeType type) {
    if (row.type() != type) {
      throw new IllegalArgumentException("expected a " + type + ", got " + row.type());
    }
  }

  private static void requireSameTable(final RowChange row, final TableKeys keys) {
    if (!row.db().equalsIgnoreCase(keys.db()) || !row.table().equalsIgnoreCase(keys.table())) {
      throw new IllegalArgumentException(
          "row of "
              + row.db()
              + "."
              + row.table()
              + " with keys of "
              + keys.db()
              + "."
              + keys.table());
    }
  }

  private static String fold(final String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  /** A row image restricted to the table's writable columns, looked up case-insensitively. */
  private static final class Row {
    private final Map<String, Object> byFolded = new HashMap<>();
    private final List<String> columns = new ArrayList<>();

    Row(final Map<String, Object> image, final TableKeys keys) {
      for (Map.Entry<String, Object> e : image.entrySet()) {
        byFolded.put(fold(e.getKey()), e.getValue());
      }
      for (String column : keys.columns()) {
        if (byFolded.containsKey(fold(column))) {
          columns.add(column);
        }
      }
      columns.sort(null);
    }

    Object value(final String column) {
      return byFolded.get(fold(column));
    }

    boolean allNonNull(final List<String> key) {
      for (String column : key) {
        if (byFolded.get(fold(column)) == null) {
          return false;
        }
      }
      return true;
    }
  }
}
