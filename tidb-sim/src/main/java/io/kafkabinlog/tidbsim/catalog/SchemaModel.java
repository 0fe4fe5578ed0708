package io.kafkabinlog.tidbsim.catalog;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.schemas.tableinfo.ActionType;
import io.kafkabinlog.schemas.tableinfo.DBInfo;
import io.kafkabinlog.schemas.tableinfo.HistoryInfo;
import io.kafkabinlog.schemas.tableinfo.Job;
import io.kafkabinlog.schemas.tableinfo.PartitionInfo;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import java.util.HashMap;
import java.util.Map;

/**
 * The mutable schema the catalog replays history jobs into, the way the drainer rebuilds its schema
 * from DDL history ({@code drainer/schema.go handleDDL}). The writer and every reader use this one
 * replay, so a reopened or following catalog has the same state as the one that committed the jobs.
 */
final class SchemaModel {
  private long schemaVersion;
  private long maxAllocatedId;
  private final Map<Long, DBInfo> databasesById = new HashMap<>();
  private final Map<String, Long> databaseIdsByName = new HashMap<>();
  private final Map<Long, TableInfo> tablesById = new HashMap<>();
  private final Map<Long, Long> databaseIdOfTable = new HashMap<>();
  private final Map<Long, Map<String, Long>> tableIdsByName = new HashMap<>();
  private final Map<Long, Long> tableIdOfPartition = new HashMap<>();

  long schemaVersion() {
    return schemaVersion;
  }

  /** The largest global id any replayed job, database, table or partition used. */
  long maxAllocatedId() {
    return maxAllocatedId;
  }

  /** Applies one finished job (state synced/done); its {@code binlog} holds the result. */
  void apply(final Job job) {
    final HistoryInfo info = job.binlog();
    if (info == null) {
      throw malformed(job, "has no binlog (HistoryInfo)");
    }
    noteId(job.id());
    noteId(job.schemaId());
    noteId(job.tableId());
    switch (job.type()) {
      case ActionType.CREATE_SCHEMA -> {
        final DBInfo db = requireDb(job, info);
        databasesById.put(db.id(), db);
        databaseIdsByName.put(CatalogSnapshot.lower(db.dbName().o()), db.id());
        tableIdsByName.putIfAbsent(db.id(), new HashMap<>());
      }
      case ActionType.DROP_SCHEMA -> dropDatabase(job.schemaId());
      case ActionType.CREATE_TABLE -> putTable(job.schemaId(), requireTable(job, info));
      case ActionType.DROP_TABLE -> dropTable(job.tableId());
      case ActionType.TRUNCATE_TABLE, ActionType.RENAME_TABLE -> {
        dropTable(job.tableId());
        putTable(job.schemaId(), requireTable(job, info));
      }
      default -> {
        final TableInfo table = requireTable(job, info);
        dropTable(table.id());
        putTable(job.schemaId(), table);
      }
    }
    if (info.schemaVersion() > schemaVersion) {
      schemaVersion = info.schemaVersion();
    }
  }

  CatalogSnapshot snapshot() {
    return new CatalogSnapshot(
        schemaVersion,
        databasesById,
        databaseIdsByName,
        tablesById,
        databaseIdOfTable,
        tableIdsByName,
        tableIdOfPartition);
  }

  private void putTable(final long dbId, final TableInfo table) {
    if (!databasesById.containsKey(dbId)) {
      throw new FatalBinlogException(
          ErrorCode.MALFORMED_INPUT,
          "DDL history puts table " + table.id() + " into unknown database id " + dbId);
    }
    noteId(table.id());
    tablesById.put(table.id(), table);
    databaseIdOfTable.put(table.id(), dbId);
    tableIdsByName
        .computeIfAbsent(dbId, k -> new HashMap<>())
        .put(CatalogSnapshot.lower(table.name().o()), table.id());
    final PartitionInfo partition = table.partition();
    if (partition != null && partition.definitions() != null) {
      for (PartitionInfo.Definition def : partition.definitions()) {
        noteId(def.id());
        tableIdOfPartition.put(def.id(), table.id());
      }
    }
  }

  private void dropTable(final long tableId) {
    final TableInfo old = tablesById.remove(tableId);
    if (old == null) {
      return;
    }
    final Long dbId = databaseIdOfTable.remove(tableId);
    if (dbId != null) {
      final Map<String, Long> names = tableIdsByName.get(dbId);
      if (names != null) {
        names.remove(CatalogSnapshot.lower(old.name().o()));
      }
    }
    tableIdOfPartition.values().removeIf(id -> id == tableId);
  }

  private void dropDatabase(final long dbId) {
    final DBInfo db = databasesById.remove(dbId);
    if (db == null) {
      return;
    }
    databaseIdsByName.remove(CatalogSnapshot.lower(db.dbName().o()));
    final Map<String, Long> names = tableIdsByName.remove(dbId);
    if (names != null) {
      for (Long tableId : names.values()) {
        tablesById.remove(tableId);
        databaseIdOfTable.remove(tableId);
        tableIdOfPartition.values().removeIf(id -> id.equals(tableId));
      }
    }
  }

  private void noteId(final long id) {
    if (id > maxAllocatedId) {
      maxAllocatedId = id;
    }
  }

  private static DBInfo requireDb(final Job job, final HistoryInfo info) {
    if (info.dbInfo() == null) {
      throw malformed(job, "has no binlog.DBInfo");
    }
    return info.dbInfo();
  }

  private static TableInfo requireTable(final Job job, final HistoryInfo info) {
    if (info.tableInfo() == null) {
      throw malformed(job, "has no binlog.TableInfo");
    }
    return info.tableInfo();
  }

  private static FatalBinlogException malformed(final Job job, final String what) {
    return new FatalBinlogException(
        ErrorCode.MALFORMED_INPUT, "DDL job " + job.id() + " (type " + job.type() + ") " + what);
  }
}
