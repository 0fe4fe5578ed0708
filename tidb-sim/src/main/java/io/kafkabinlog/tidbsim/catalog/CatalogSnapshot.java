package io.kafkabinlog.tidbsim.catalog;

import io.kafkabinlog.schemas.tableinfo.DBInfo;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The schema at one schema version: databases and tables as TiDB's information schema holds them.
 * Immutable; a transaction takes one at its start and encodes its rows with it.
 */
public final class CatalogSnapshot {
  private final long schemaVersion;
  private final Map<Long, DBInfo> databasesById;
  private final Map<String, Long> databaseIdsByName;
  private final Map<Long, TableInfo> tablesById;
  private final Map<Long, Long> databaseIdOfTable;
  private final Map<Long, Map<String, Long>> tableIdsByName;
  private final Map<Long, Long> tableIdOfPartition;

  CatalogSnapshot(
      final long schemaVersion,
      final Map<Long, DBInfo> databasesById,
      final Map<String, Long> databaseIdsByName,
      final Map<Long, TableInfo> tablesById,
      final Map<Long, Long> databaseIdOfTable,
      final Map<Long, Map<String, Long>> tableIdsByName,
      final Map<Long, Long> tableIdOfPartition) {
    this.schemaVersion = schemaVersion;
    this.databasesById = Map.copyOf(databasesById);
    this.databaseIdsByName = Map.copyOf(databaseIdsByName);
    this.tablesById = Map.copyOf(tablesById);
    this.databaseIdOfTable = Map.copyOf(databaseIdOfTable);
    final java.util.HashMap<Long, Map<String, Long>> names = new java.util.HashMap<>();
    tableIdsByName.forEach((db, byName) -> names.put(db, Map.copyOf(byName)));
    this.tableIdsByName = Map.copyOf(names);
    this.tableIdOfPartition = Map.copyOf(tableIdOfPartition);
  }

  /** The schema version this snapshot is at (0 before the first DDL). */
  public long schemaVersion() {
    return schemaVersion;
  }

  /** All databases, by id. */
  public List<DBInfo> databases() {
    final List<DBInfo> out = new ArrayList<>(databasesById.values());
    out.sort(Comparator.comparingLong(DBInfo::id));
    return out;
  }

  /** A database by name (case-insensitive, as TiDB with {@code lower_case_table_names=2}). */
  public Optional<DBInfo> database(final String name) {
    final Long id = databaseIdsByName.get(lower(name));
    return id == null ? Optional.empty() : Optional.of(databasesById.get(id));
  }

  public Optional<DBInfo> databaseById(final long id) {
    return Optional.ofNullable(databasesById.get(id));
  }

  /** The tables of a database, by id; empty if the database does not exist. */
  public List<TableInfo> tables(final String db) {
    final Optional<DBInfo> info = database(db);
    if (info.isEmpty()) {
      return List.of();
    }
    final List<TableInfo> out = new ArrayList<>();
    for (Long id : tableIdsByName.getOrDefault(info.get().id(), Map.of()).values()) {
      out.add(tablesById.get(id));
    }
    out.sort(Comparator.comparingLong(TableInfo::id));
    return out;
  }

  /** A table by database and table name (case-insensitive). */
  public Optional<TableInfo> table(final String db, final String table) {
    final Optional<DBInfo> info = database(db);
    if (info.isEmpty()) {
      return Optional.empty();
    }
    final Long id = tableIdsByName.getOrDefault(info.get().id(), Map.of()).get(lower(table));
    return id == null ? Optional.empty() : Optional.of(tablesById.get(id));
  }

  /** A table by its (logical) table id. */
  public Optional<TableInfo> tableById(final long tableId) {
    return Optional.ofNullable(tablesById.get(tableId));
  }

  /**
   * A table by a logical table id or a physical partition id, as TiDB's {@code /db-table/{id}}
   * resolves it.
   */
  public Optional<TableInfo> tableByPhysicalId(final long id) {
    final TableInfo direct = tablesById.get(id);
    if (direct != null) {
      return Optional.of(direct);
    }
    final Long logical = tableIdOfPartition.get(id);
    return logical == null ? Optional.empty() : Optional.ofNullable(tablesById.get(logical));
  }

  /** The database holding the table with this (logical) id. */
  public Optional<DBInfo> databaseOfTable(final long tableId) {
    final Long dbId = databaseIdOfTable.get(tableId);
    return dbId == null ? Optional.empty() : Optional.ofNullable(databasesById.get(dbId));
  }

  static String lower(final String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
