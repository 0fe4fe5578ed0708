package io.kafkabinlog.tidbsim.catalog;

import io.kafkabinlog.schemas.tableinfo.ActionType;
import io.kafkabinlog.schemas.tableinfo.CIStr;
import io.kafkabinlog.schemas.tableinfo.DBInfo;
import io.kafkabinlog.schemas.tableinfo.SchemaState;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.AddColumn;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.CreateDatabase;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.CreateTable;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.DropColumn;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.DropDatabase;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.DropTable;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.ModifyColumn;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.RenameTable;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.TruncateTable;
import java.time.Instant;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Validates a DDL statement against a snapshot and computes its job, allocating global ids in TiDB
 * v7.5's order: the new object's id(s) in the DDL API first (schema id; table id, then partition
 * ids), the job id when the job is submitted, and ids the DDL worker allocates (TRUNCATE's new
 * partition ids) after that.
 */
final class DdlPlanner {
  private static final List<Integer> PUBLIC = List.of(SchemaState.PUBLIC);
  private static final List<Integer> NONE = List.of(SchemaState.NONE);

  private DdlPlanner() {}

  static DdlPlan plan(
      final Catalog owner,
      final DdlStatement statement,
      final CatalogSnapshot snap,
      final LongSupplier ids,
      final Instant now) {
    final long version = snap.schemaVersion();
    if (statement instanceof CreateDatabase s) {
      return planCreateDatabase(owner, s, snap, ids, now, version);
    }
    if (statement instanceof DropDatabase s) {
      return planDropDatabase(owner, s, snap, ids, now, version);
    }
    if (statement instanceof CreateTable s) {
      return planCreateTable(owner, s, snap, ids, now, version);
    }
    if (statement instanceof DropTable s) {
      return planDropTable(owner, s, snap, ids, now, version);
    }
    if (statement instanceof TruncateTable s) {
      return planTruncateTable(owner, s, snap, ids, now, version);
    }
    if (statement instanceof RenameTable s) {
      return planRenameTable(owner, s, snap, ids, now, version);
    }
    if (statement instanceof AddColumn s) {
      return planAddColumn(owner, s, snap, ids, now, version);
    }
    if (statement instanceof DropColumn s) {
      return planDropColumn(owner, s, snap, ids, now, version);
    }
    if (statement instanceof ModifyColumn s) {
      return planModifyColumn(owner, s, snap, ids, now, version);
    }
    throw new IllegalArgumentException("unsupported DDL statement: " + statement);
  }

  private static DdlPlan planCreateDatabase(
      final Catalog owner,
      final CreateDatabase s,
      final CatalogSnapshot snap,
      final LongSupplier ids,
      final Instant now,
      final long version) {
    if (snap.database(s.name()).isPresent()) {
      throw new DdlException(
          DdlException.DATABASE_EXISTS,
          "Can't create database '" + s.name() + "'; database exists");
    }
    final long schemaId = ids.getAsLong();
    final long jobId = ids.getAsLong();
    final DBInfo db =
        new DBInfo(
            schemaId,
            CIStr.of(s.name()),
            FieldTypes.UTF8MB4,
            FieldTypes.UTF8MB4_BIN,
            SchemaState.PUBLIC);
    return new DdlPlan(
        owner,
        s,
        jobId,
        ActionType.CREATE_SCHEMA,
        schemaId,
        0,
        lower(s.name()),
        "",
        PUBLIC,
        SchemaState.PUBLIC,
        version,
        db,
        null);
  }

  private static DdlPlan planDropDatabase(
      final Catalog owner,
      final DropDatabase s,
      final CatalogSnapshot snap,
      final LongSupplier ids,
      final Instant now,
      final long version) {
    final DBInfo db =
        snap.database(s.name())
            .orElseThrow(
                () ->
                    new DdlException(
                        1008, "Can't drop database '" + s.name() + "'; database doesn't exist"));
    final long jobId = ids.getAsLong();
    final DBInfo dropped =
        new DBInfo(db.id(), db.dbName(), db.charset(), db.collate(), SchemaState.NONE);
    return new DdlPlan(
        owner,
        s,
        jobId,
        ActionType.DROP_SCHEMA,
        db.id(),
        0,
        db.dbName().l(),
        "",
        NONE,
        SchemaState.NONE,
        version,
        dropped,
        null);
  }

  private static DdlPlan planCreateTable(
      final Catalog owner,
      final CreateTable s,
      final CatalogSnapshot snap,
      final LongSupplier ids,
      final Instant now,
      final long version) {
    final DBInfo db = requireDb(snap, s.db());
    if (snap.table(s.db(), s.spec().name()).isPresent()) {
      throw new DdlException(
          DdlException.TABLE_EXISTS, "Table '" + s.spec().name() + "' already exists");
    }
    final long tableId = ids.getAsLong();
    final TableInfo table = TableInfos.build(s.spec(), tableId, ids);
    final long jobId = ids.getAsLong();
    return new DdlPlan(
        owner,
        s,
        jobId,
        ActionType.CREATE_TABLE,
        db.id(),
        tableId,
        db.dbName().l(),
        table.name().l(),
        PUBLIC,
        SchemaState.PUBLIC,
        version,
        null,
        table);
  }

  private static DdlPlan planDropTable(
      final Catalog owner,
      final DropTable s,
      final CatalogSnapshot snap,
      final LongSupplier ids,
      final Instant now,
      final long version) {
    final DBInfo db = requireDb(snap, s.db());
    final TableInfo table =
        snap.table(s.db(), s.table())
            .orElseThrow(
                () -> new DdlException(1051, "Unknown table '" + s.db() + "." + s.table() + "'"));
    final long jobId = ids.getAsLong();
    return new DdlPlan(
        owner,
        s,
        jobId,
        ActionType.DROP_TABLE,
        db.id(),
        table.id(),
        db.dbName().l(),
        table.name().l(),
        NONE,
        SchemaState.NONE,
        version,
        null,
        TableInfos.stamped(table, table.updateTimestamp(), SchemaState.NONE));
  }

  private static DdlPlan planTruncateTable(
      final Catalog owner,
      final TruncateTable s,
      final CatalogSnapshot snap,
      final LongSupplier ids,
      final Instant now,
      final long version) {
    final DBInfo db = requireDb(snap, s.db());
    final TableInfo table = requireTable(snap, s.db(), s.table());
    final long newId = ids.getAsLong();
    final long jobId = ids.getAsLong();
    final TableInfo fresh = TableInfos.truncated(table, newId, ids);
    return new DdlPlan(
        owner,
        s,
        jobId,
        ActionType.TRUNCATE_TABLE,
        db.id(),
        table.id(),
        db.dbName().l(),
        table.name().l(),
        PUBLIC,
        SchemaState.PUBLIC,
        version,
        null,
        fresh);
  }

  private static DdlPlan planRenameTable(
      final Catalog owner,
      final RenameTable s,
      final CatalogSnapshot snap,
      final LongSupplier ids,
      final Instant now,
      final long version) {
    requireDb(snap, s.db());
    final TableInfo table = requireTable(snap, s.db(), s.table());
    final DBInfo target = requireDb(snap, s.newDb());
    if (snap.table(s.newDb(), s.newTable()).isPresent()) {
      throw new DdlException(
          DdlException.TABLE_EXISTS, "Table '" + s.newTable() + "' already exists");
    }
    final long jobId = ids.getAsLong();
    return new DdlPlan(
        owner,
        s,
        jobId,
        ActionType.RENAME_TABLE,
        target.id(),
        table.id(),
        target.dbName().l(),
        table.name().l(),
        PUBLIC,
        SchemaState.PUBLIC,
        version,
        null,
        TableInfos.renamed(table, s.newTable()));
  }

  private static DdlPlan planAddColumn(
      final Catalog owner,
      final AddColumn s,
      final CatalogSnapshot snap,
      final LongSupplier ids,
      final Instant now,
      final long version) {
    final DBInfo db = requireDb(snap, s.db());
    final TableInfo table = requireTable(snap, s.db(), s.table());
    final TableInfo changed = TableInfos.addColumn(table, s.column(), now);
    final long jobId = ids.getAsLong();
    return new DdlPlan(
        owner,
        s,
        jobId,
        ActionType.ADD_COLUMN,
        db.id(),
        table.id(),
        db.dbName().l(),
        table.name().l(),
        PUBLIC,
        SchemaState.PUBLIC,
        version,
        null,
        changed);
  }

  private static DdlPlan planDropColumn(
      final Catalog owner,
      final DropColumn s,
      final CatalogSnapshot snap,
      final LongSupplier ids,
      final Instant now,
      final long version) {
    final DBInfo db = requireDb(snap, s.db());
    final TableInfo table = requireTable(snap, s.db(), s.table());
    final TableInfo changed = TableInfos.dropColumn(table, s.column());
    final long jobId = ids.getAsLong();
    return new DdlPlan(
        owner,
        s,
        jobId,
        ActionType.DROP_COLUMN,
        db.id(),
        table.id(),
        db.dbName().l(),
        table.name().l(),
        List.of(SchemaState.DELETE_ONLY, SchemaState.NONE),
        SchemaState.NONE,
        version,
        null,
        changed);
  }

  private static DdlPlan planModifyColumn(
      final Catalog owner,
      final ModifyColumn s,
      final CatalogSnapshot snap,
      final LongSupplier ids,
      final Instant now,
      final long version) {
    final DBInfo db = requireDb(snap, s.db());
    final TableInfo table = requireTable(snap, s.db(), s.table());
    final TableInfo changed = TableInfos.modifyColumn(table, s.column());
    final long jobId = ids.getAsLong();
    return new DdlPlan(
        owner,
        s,
        jobId,
        ActionType.MODIFY_COLUMN,
        db.id(),
        table.id(),
        db.dbName().l(),
        table.name().l(),
        PUBLIC,
        SchemaState.PUBLIC,
        version,
        null,
        changed);
  }

  private static DBInfo requireDb(final CatalogSnapshot snap, final String name) {
    return snap.database(name)
        .orElseThrow(
            () ->
                new DdlException(DdlException.UNKNOWN_DATABASE, "Unknown database '" + name + "'"));
  }

  private static TableInfo requireTable(
      final CatalogSnapshot snap, final String db, final String table) {
    return snap.table(db, table)
        .orElseThrow(
            () ->
                new DdlException(
                    DdlException.NO_SUCH_TABLE, "Table '" + db + "." + table + "' doesn't exist"));
  }

  private static String lower(final String s) {
    return CatalogSnapshot.lower(s);
  }
}
