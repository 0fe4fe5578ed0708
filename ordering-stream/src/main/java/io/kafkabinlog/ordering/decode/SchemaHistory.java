package io.kafkabinlog.ordering.decode;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkabinlog.schemas.tableinfo.ActionType;
import io.kafkabinlog.schemas.tableinfo.DBInfo;
import io.kafkabinlog.schemas.tableinfo.HistoryInfo;
import io.kafkabinlog.schemas.tableinfo.Job;
import io.kafkabinlog.schemas.tableinfo.PartitionInfo;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.schemas.tableinfo.TableInfoJson;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The schema history in stage 3's stores, versioned so that a transaction decodes with the schema
 * it ran with, whatever was applied since, and so that a replay decodes the same way.
 *
 * <ul>
 *   <li>tables: {@code physical table id (8) + schema version (8)} (big-endian) -> {@link
 *       TableVersion}; a partitioned table has an entry under each partition id too;
 *   <li>databases: {@code db id (8) + schema version (8)} -> {@link DatabaseVersion};
 *   <li>jobs: {@code job id (8)} -> {@link AppliedJob}.
 * </ul>
 *
 * Applying a job writes only entries at its own schema version and reads only entries below it, so
 * jobs may be applied in any order (the history arrives by job id, a DDL binlog's job whenever its
 * binlog comes) and applying one twice changes nothing. What a job does follows the drainer's
 * {@code handleDDL}.
 */
final class SchemaHistory {
  private static final Set<Integer> SCHEMA_LEVEL =
      Set.of(
          ActionType.CREATE_SCHEMA,
          ActionType.DROP_SCHEMA,
          ActionType.MODIFY_SCHEMA_CHARSET_AND_COLLATE,
          ActionType.RECOVER_SCHEMA,
          55 /* modify schema default placement */);

  private final KeyValueStore<Bytes, byte[]> tables;
  private final KeyValueStore<Bytes, byte[]> databases;
  private final KeyValueStore<Bytes, byte[]> jobs;

  SchemaHistory(
      final KeyValueStore<Bytes, byte[]> tables,
      final KeyValueStore<Bytes, byte[]> databases,
      final KeyValueStore<Bytes, byte[]> jobs) {
    this.tables = tables;
    this.databases = databases;
    this.jobs = jobs;
  }

  Optional<AppliedJob> job(final long jobId) {
    byte[] v = jobs.get(key(jobId));
    return v == null
        ? Optional.empty()
        : Optional.of(StoredJson.read(v, AppliedJob.class, jobs.name()));
  }

  /** A table entry and the schema version it was written at. */
  record Found(long version, TableVersion table) {}

  /**
   * The entry for {@code physicalId} in force at {@code version} (the newest at or below it), or
   * else the newest entry there is; empty if the id was never seen. May be a tombstone.
   */
  Optional<Found> tableAt(final long physicalId, final long version) {
    Optional<Found> floor = floorEntry(physicalId, version);
    return floor.isPresent() ? floor : floorEntry(physicalId, Long.MAX_VALUE);
  }

  private Optional<Found> floorEntry(final long id, final long version) {
    try (KeyValueIterator<Bytes, byte[]> it = tables.reverseRange(key(id, 0), key(id, version))) {
      if (!it.hasNext()) {
        return Optional.empty();
      }
      KeyValue<Bytes, byte[]> kv = it.next();
      return Optional.of(
          new Found(
              ByteBuffer.wrap(kv.key.get()).getLong(8),
              StoredJson.read(kv.value, TableVersion.class, tables.name())));
    }
  }

  /** Applies a job (once: a job already recorded is returned as recorded). */
  AppliedJob apply(final Job job) {
    Optional<AppliedJob> known = job(job.id());
    if (known.isPresent()) {
      return known.get();
    }
    HistoryInfo info = job.binlog();
    long version = info == null ? 0 : info.schemaVersion();
    AppliedJob applied;
    if (!job.isDoneOrSynced() || info == null || version <= 0) {
      applied =
          new AppliedJob(
              job.id(),
              version,
              job.type(),
              job.state(),
              false,
              job.query(),
              nullToEmpty(job.schemaName()),
              null,
              null,
              List.of(),
              false);
    } else {
      applied = applyDone(job, info, version);
    }
    jobs.put(key(job.id()), StoredJson.write(applied));
    return applied;
  }

  private AppliedJob applyDone(final Job job, final HistoryInfo info, final long version) {
    Set<Long> touched = new LinkedHashSet<>();
    String db = nullToEmpty(job.schemaName());
    String table = null;
    TableInfo after = info.tableInfo();
    switch (job.type()) {
      case ActionType.CREATE_SCHEMA,
          ActionType.MODIFY_SCHEMA_CHARSET_AND_COLLATE,
          ActionType.RECOVER_SCHEMA -> {
        if (info.dbInfo() != null) {
          putDatabase(info.dbInfo(), version);
          db = info.dbInfo().dbName().o();
        }
      }
      case ActionType.DROP_SCHEMA -> {
        db = databaseName(job.schemaId(), version - 1).orElse(db);
        dropDatabase(job.schemaId(), version);
      }
      case ActionType.DROP_TABLE, ActionType.DROP_VIEW, ActionType.DROP_SEQUENCE -> {
        Optional<TableVersion> old = live(job.tableId(), version - 1);
        table = old.map(t -> t.table().name().o()).orElse(job.tableName());
        db = old.map(TableVersion::db).orElse(db);
        dropTable(job.tableId(), job.schemaId(), db, table, version);
        touched.add(job.tableId());
        after = null;
      }
      case ActionType.TRUNCATE_TABLE -> {
        dropTable(job.tableId(), job.schemaId(), db, job.tableName(), version);
        touched.add(job.tableId());
        if (after != null) {
          db = putTable(job.schemaId(), after, version, db);
          touched.add(after.id());
        }
      }
      case ActionType.CREATE_TABLES -> {
        if (info.multipleTableInfos() != null) {
          for (TableInfo t : info.multipleTableInfos()) {
            db = putTable(job.schemaId(), t, version, db);
            touched.add(t.id());
          }
        }
      }
      case ActionType.RENAME_TABLES -> {
        List<Long> newDbIds = renameTablesTargets(job);
        List<TableInfo> infos =
            info.multipleTableInfos() == null ? List.of() : info.multipleTableInfos();
        for (int i = 0; i < infos.size(); i++) {
          TableInfo t = infos.get(i);
          long dbId =
              i < newDbIds.size()
                  ? newDbIds.get(i)
                  : live(t.id(), version - 1).map(TableVersion::dbId).orElse(job.schemaId());
          db = putTable(dbId, t, version, db);
          touched.add(t.id());
        }
      }
      default -> {
        // create/rename/recover table, views, sequences, and every table change: the table after.
        if (after != null) {
          long dbId =
              job.schemaId() != 0
                  ? job.schemaId()
                  : live(after.id(), version - 1).map(TableVersion::dbId).orElse(0L);
          db = putTable(dbId, after, version, db);
          touched.add(after.id());
          if (job.tableId() > 0) {
            touched.add(job.tableId());
          }
        } else if (info.dbInfo() != null) {
          putDatabase(info.dbInfo(), version);
          db = info.dbInfo().dbName().o();
        } else if (job.tableId() > 0) {
          touched.add(job.tableId());
        }
      }
    }
    if (after != null) {
      table = after.name().o();
    } else if (table == null && job.tableName() != null && !job.tableName().isEmpty()) {
      table = job.tableName();
    }
    boolean schemaLevel = SCHEMA_LEVEL.contains(job.type()) || touched.isEmpty();
    return new AppliedJob(
        job.id(),
        version,
        job.type(),
        job.state(),
        true,
        job.query(),
        db,
        schemaLevel ? null : table,
        after == null || job.type() == ActionType.CREATE_TABLES
            ? null
            : TableInfoJson.toJson(after),
        new ArrayList<>(touched),
        schemaLevel);
  }

  /** Writes {@code table} at {@code version} (and its partitions); returns its database name. */
  private String putTable(
      final long dbId, final TableInfo table, final long version, final String fallbackDb) {
    String db = databaseName(dbId, version).orElse(fallbackDb);
    TableVersion entry = TableVersion.of(dbId, db, table);
    Optional<TableVersion> before = live(table.id(), version - 1);
    tables.put(key(table.id(), version), StoredJson.write(entry));
    Set<Long> parts = partitionIds(table);
    for (long p : parts) {
      tables.put(key(p, version), StoredJson.write(entry));
    }
    if (before.isPresent()) {
      for (long p : partitionIds(before.get().table())) {
        if (!parts.contains(p)) {
          tables.put(key(p, version), StoredJson.write(before.get().tombstone()));
        }
      }
    }
    return db;
  }

  private void dropTable(
      final long tableId, final long dbId, final String db, final String name, final long version) {
    Optional<TableVersion> before = live(tableId, version - 1);
    TableVersion gone =
        before.map(TableVersion::tombstone).orElse(new TableVersion(tableId, dbId, db, name, null));
    tables.put(key(tableId, version), StoredJson.write(gone));
    if (before.isPresent()) {
      for (long p : partitionIds(before.get().table())) {
        tables.put(key(p, version), StoredJson.write(gone));
      }
    }
  }

  private void putDatabase(final DBInfo db, final long version) {
    databases.put(key(db.id(), version), StoredJson.write(new DatabaseVersion(db.id(), db)));
  }

  /** Tombstones the database and every table that was live in it just before {@code version}. */
  private void dropDatabase(final long dbId, final long version) {
    databases.put(key(dbId, version), StoredJson.write(new DatabaseVersion(dbId, null)));
    List<TableVersion> live = new ArrayList<>();
    try (KeyValueIterator<Bytes, byte[]> it = tables.all()) {
      long currentId = Long.MIN_VALUE;
      TableVersion newest = null;
      while (it.hasNext()) {
        KeyValue<Bytes, byte[]> kv = it.next();
        ByteBuffer k = ByteBuffer.wrap(kv.key.get());
        long id = k.getLong();
        long v = k.getLong();
        if (id != currentId) {
          addIfLiveIn(newest, dbId, currentId, live);
          currentId = id;
          newest = null;
        }
        if (v < version) {
          newest = StoredJson.read(kv.value, TableVersion.class, tables.name());
        }
      }
      addIfLiveIn(newest, dbId, currentId, live);
    }
    for (TableVersion t : live) {
      dropTable(t.logicalId(), dbId, t.db(), t.name(), version);
    }
  }

  private static void addIfLiveIn(
      final TableVersion newest, final long dbId, final long id, final List<TableVersion> out) {
    // Partition entries go with their table.
    if (newest != null && !newest.dropped() && newest.dbId() == dbId && newest.logicalId() == id) {
      out.add(newest);
    }
  }

  private Optional<TableVersion> live(final long tableId, final long version) {
    return floor(tables, tableId, version).filter(t -> !t.dropped());
  }

  private Optional<String> databaseName(final long dbId, final long version) {
    byte[] v = floorValue(databases, dbId, version);
    if (v == null) {
      return Optional.empty();
    }
    DatabaseVersion d = StoredJson.read(v, DatabaseVersion.class, databases.name());
    return d.info() == null || d.info().dbName() == null
        ? Optional.empty()
        : Optional.of(d.info().dbName().o());
  }

  private static Optional<TableVersion> floor(
      final KeyValueStore<Bytes, byte[]> store, final long id, final long version) {
    byte[] v = floorValue(store, id, version);
    return v == null
        ? Optional.empty()
        : Optional.of(StoredJson.read(v, TableVersion.class, store.name()));
  }

  /** The value of the newest entry of {@code id} at or below {@code version}. */
  private static byte[] floorValue(
      final KeyValueStore<Bytes, byte[]> store, final long id, final long version) {
    if (version < 0) {
      return null;
    }
    try (KeyValueIterator<Bytes, byte[]> it = store.reverseRange(key(id, 0), key(id, version))) {
      return it.hasNext() ? it.next().value : null;
    }
  }

  private static Set<Long> partitionIds(final TableInfo table) {
    Set<Long> ids = new HashSet<>();
    PartitionInfo p = table == null ? null : table.partition();
    if (p != null && p.definitions() != null) {
      for (PartitionInfo.Definition d : p.definitions()) {
        if (d.id() != table.id()) {
          ids.add(d.id());
        }
      }
    }
    return ids;
  }

  /** RENAME TABLES' new database ids: {@code raw_args[1]} (TiDB's newSchemaIDs), if readable. */
  private static List<Long> renameTablesTargets(final Job job) {
    List<Long> out = new ArrayList<>();
    JsonNode args = job.rawArgs();
    if (args != null && args.isTextual()) {
      try {
        args = TableInfoJson.mapper().readTree(args.asText());
      } catch (java.io.IOException e) {
        return out;
      }
    }
    if (args != null && args.isArray() && args.size() > 1 && args.get(1).isArray()) {
      for (JsonNode id : args.get(1)) {
        out.add(id.asLong());
      }
    }
    return out;
  }

  private static String nullToEmpty(final String s) {
    return s == null ? "" : s;
  }

  static Bytes key(final long id) {
    return Bytes.wrap(ByteBuffer.allocate(8).putLong(id).array());
  }

  static Bytes key(final long id, final long version) {
    return Bytes.wrap(ByteBuffer.allocate(16).putLong(id).putLong(version).array());
  }
}
