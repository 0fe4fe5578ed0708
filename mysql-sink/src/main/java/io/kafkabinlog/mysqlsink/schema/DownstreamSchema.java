package io.kafkabinlog.mysqlsink.schema;

import io.kafkabinlog.mysqlsink.model.TableKeys;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The downstream's own view of its tables, as the original loader reads it (not TiDB's TableInfo):
 * writable columns from {@code information_schema.columns} (generated columns left out), unique
 * indexes from {@code information_schema.statistics} with PRIMARY first. Cached per table until
 * {@link #evict} (after a DDL on the table). Thread-safe.
 */
public final class DownstreamSchema {
  private static final String COLUMNS_SQL =
      "SELECT column_name, extra, is_nullable FROM information_schema.columns"
          + " WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position";
  private static final String UNIQUE_INDEXES_SQL =
      "SELECT index_name, column_name FROM information_schema.statistics"
          + " WHERE table_schema = ? AND table_name = ? AND non_unique = 0"
          + " ORDER BY index_name = 'PRIMARY' DESC, index_name, seq_in_index";

  private final Map<TableName, TableKeys> cache = new ConcurrentHashMap<>();

  /**
   * The table's keys, from the cache or read through {@code connection}; empty if the downstream
   * has no such table (absence is not cached).
   */
  public Optional<TableKeys> find(final Connection connection, final String db, final String table)
      throws SQLException {
    final TableName name = TableName.of(db, table);
    final TableKeys cached = cache.get(name);
    if (cached != null) {
      return Optional.of(cached);
    }
    final Optional<TableKeys> read = read(connection, db, table);
    read.ifPresent(keys -> cache.put(name, keys));
    return read;
  }

  /** The table's keys if they are cached; no database access. */
  public Optional<TableKeys> cached(final String db, final String table) {
    return Optional.ofNullable(cache.get(TableName.of(db, table)));
  }

  /** Forgets the table (after a DDL on it); the next {@link #find} reads it again. */
  public void evict(final String db, final String table) {
    cache.remove(TableName.of(db, table));
  }

  /** Forgets every table of a database. */
  public void evictDatabase(final String db) {
    cache.keySet().removeIf(name -> name.db().equals(db));
  }

  /**
   * Forgets every table: another sink process may have changed any of them (the partitioned mode,
   * when partitions move between members).
   */
  public void evictAll() {
    cache.clear();
  }

  private static Optional<TableKeys> read(
      final Connection connection, final String db, final String table) throws SQLException {
    final List<String> columns = new ArrayList<>();
    final Set<String> nullable = new HashSet<>();
    boolean exists = false;
    try (PreparedStatement st = connection.prepareStatement(COLUMNS_SQL)) {
      st.setString(1, db);
      st.setString(2, table);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          exists = true;
          final String column = rs.getString(1);
          if (isGenerated(rs.getString(2))) {
            continue;
          }
          columns.add(column);
          if ("YES".equalsIgnoreCase(rs.getString(3))) {
            nullable.add(column);
          }
        }
      }
    }
    if (!exists) {
      return Optional.empty();
    }
    final Map<String, List<String>> uniqueKeys = new LinkedHashMap<>();
    try (PreparedStatement st = connection.prepareStatement(UNIQUE_INDEXES_SQL)) {
      st.setString(1, db);
      st.setString(2, table);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          uniqueKeys.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
        }
      }
    }
    return Optional.of(
        new TableKeys(db, table, columns, new ArrayList<>(uniqueKeys.values()), nullable));
  }

  /**
   * {@code VIRTUAL GENERATED} / {@code STORED GENERATED} (MariaDB and MySQL; older MariaDB: {@code
   * PERSISTENT GENERATED}), but not MySQL 8's {@code DEFAULT_GENERATED}, which marks an ordinary
   * column with an expression default.
   */
  private static boolean isGenerated(final String extra) {
    if (extra == null) {
      return false;
    }
    final String e = extra.toUpperCase(Locale.ROOT);
    return e.contains("VIRTUAL GENERATED")
        || e.contains("STORED GENERATED")
        || e.contains("PERSISTENT GENERATED");
  }

  /** Cache key, exact: table names are case-sensitive on a default Linux server. */
  private record TableName(String db, String table) {
    static TableName of(final String db, final String table) {
      return new TableName(db, table);
    }
  }
}
