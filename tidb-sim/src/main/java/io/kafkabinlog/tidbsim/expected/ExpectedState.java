package io.kafkabinlog.tidbsim.expected;

import com.fasterxml.jackson.databind.JsonNode;
import io.kafkabinlog.schemas.tableinfo.ActionType;
import io.kafkabinlog.schemas.tableinfo.HistoryInfo;
import io.kafkabinlog.schemas.tableinfo.Job;
import io.kafkabinlog.schemas.tableinfo.JobState;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.mutation.RowChange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The expected final state: the replay of an {@link ExpectedStateLog}, or of entries applied one by
 * one. Databases by id, and per live table its rows (see {@link ExpectedTable}).
 *
 * <p>DDL replay follows the drainer: CREATE/DROP DATABASE use {@code binlog.DBInfo} and {@code
 * schema_id}; CREATE TABLE adds {@code binlog.TableInfo}; DROP TABLE removes {@code table_id};
 * TRUNCATE TABLE replaces {@code table_id} by an empty {@code binlog.TableInfo}; RENAME TABLE moves
 * the table (rows kept) to {@code schema_id}; every other job with a {@code binlog.TableInfo}
 * reshapes the table's rows (ADD COLUMN gives existing rows the column's origin default). Jobs
 * rolled back or cancelled change nothing. Not thread-safe.
 */
public final class ExpectedState {
  private static final Logger LOG = LoggerFactory.getLogger(ExpectedState.class);

  private final RowGenerator generator;
  private final Map<Long, String> databases = new HashMap<>();
  private final Set<String> droppedDatabases = new TreeSet<>();
  private final Map<Long, ExpectedTable> tables = new LinkedHashMap<>();
  private long entries;
  private long maxCommitTs;

  public ExpectedState(final RowGenerator generator) {
    this.generator = generator;
  }

  /** Applies one committed entry. */
  public void apply(final LogEntry entry) {
    if (entry instanceof LogEntry.Dml dml) {
      for (RowChange c : dml.changes()) {
        applyChange(c, dml.commitTs());
      }
    } else if (entry instanceof LogEntry.Ddl ddl) {
      applyDdl(ddl.job(), ddl.commitTs());
    } else if (entry instanceof LogEntry.GeneratedRows g) {
      liveTable(g.tableId(), g.commitTs()).addGenerated(g);
    }
    entries++;
    maxCommitTs = Math.max(maxCommitTs, entry.commitTs());
  }

  /** Live tables, ordered by database and table name. */
  public List<ExpectedTable> tables() {
    List<ExpectedTable> out = new ArrayList<>(tables.values());
    out.sort(Comparator.comparing(ExpectedTable::database).thenComparing(ExpectedTable::name));
    return out;
  }

  public Optional<ExpectedTable> table(final long tableId) {
    return Optional.ofNullable(tables.get(tableId));
  }

  public Optional<ExpectedTable> table(final String database, final String table) {
    return tables.values().stream()
        .filter(t -> t.database().equals(database) && t.name().equals(table))
        .findFirst();
  }

  /** Names of the live databases. */
  public Set<String> databases() {
    return new TreeSet<>(databases.values());
  }

  /** Names of databases dropped and not created again: downstream they must not exist. */
  public Set<String> droppedDatabases() {
    return new TreeSet<>(droppedDatabases);
  }

  /** Entries applied so far. */
  public long entries() {
    return entries;
  }

  /** The largest commit ts applied. */
  public long maxCommitTs() {
    return maxCommitTs;
  }

  private void applyChange(final RowChange c, final long commitTs) {
    ExpectedTable t = liveTable(c.tableId(), commitTs);
    if (c instanceof RowChange.Insert i) {
      t.insert(i.row(), commitTs);
    } else if (c instanceof RowChange.Update u) {
      t.update(u.oldRow(), u.newRow(), commitTs);
    } else if (c instanceof RowChange.Delete d) {
      t.delete(d.row(), commitTs);
    }
  }

  private ExpectedTable liveTable(final long tableId, final long commitTs) {
    ExpectedTable t = tables.get(tableId);
    if (t == null) {
      throw new IllegalStateException(
          "expected-state log is inconsistent at commit_ts "
              + commitTs
              + ": rows of table id "
              + tableId
              + ", which is not live (never created, or dropped)");
    }
    return t;
  }

  private void applyDdl(final Job job, final long commitTs) {
    if (job.state() == JobState.ROLLBACK_DONE || job.state() == JobState.CANCELLED) {
      return;
    }
    HistoryInfo h = job.binlog();
    TableInfo info = h == null ? null : h.tableInfo();
    switch (job.type()) {
      case ActionType.CREATE_SCHEMA:
        {
          String name =
              h != null && h.dbInfo() != null ? h.dbInfo().dbName().o() : job.schemaName();
          databases.put(job.schemaId(), require(name, job, "a database name"));
          droppedDatabases.remove(name);
          break;
        }
      case ActionType.DROP_SCHEMA:
        {
          String name = databases.remove(job.schemaId());
          tables.values().removeIf(t -> t.schemaId() == job.schemaId());
          if (name != null && !databases.containsValue(name)) {
            droppedDatabases.add(name);
          }
          break;
        }
      case ActionType.CREATE_TABLE:
        createTable(job, require(info, job, "binlog.TableInfo"));
        break;
      case ActionType.CREATE_TABLES:
        for (TableInfo t :
            require(h == null ? null : h.multipleTableInfos(), job, "binlog.MultipleTableInfos")) {
          createTable(job, t);
        }
        break;
      case ActionType.DROP_TABLE:
        tables.remove(job.tableId());
        break;
      case ActionType.TRUNCATE_TABLE:
        {
          ExpectedTable old = tables.remove(job.tableId());
          TableInfo fresh = require(info, job, "binlog.TableInfo");
          long schemaId = old != null ? old.schemaId() : job.schemaId();
          tables.put(
              fresh.id(),
              new ExpectedTable(databaseName(schemaId, job), schemaId, fresh, generator));
          break;
        }
      case ActionType.RENAME_TABLE:
        {
          ExpectedTable t = liveTable(job.tableId(), commitTs);
          t.rename(
              databaseName(job.schemaId(), job), job.schemaId(), require(info, job, "TableInfo"));
          break;
        }
      case ActionType.RENAME_TABLES:
        renameTables(job, commitTs);
        break;
      case ActionType.CREATE_VIEW,
      ActionType.DROP_VIEW,
      ActionType.CREATE_SEQUENCE,
      ActionType.ALTER_SEQUENCE,
      ActionType.DROP_SEQUENCE,
      ActionType.MODIFY_SCHEMA_CHARSET_AND_COLLATE:
        break;
      default:
        if (info != null && tables.containsKey(info.id())) {
          tables.get(info.id()).reshape(info);
        } else {
          LOG.warn(
              "Expected state ignores DDL job {} (type {}) at commit_ts {}: no table to apply it to",
              job.id(),
              job.type(),
              commitTs);
        }
    }
  }

  private void createTable(final Job job, final TableInfo info) {
    tables.put(
        info.id(),
        new ExpectedTable(databaseName(job.schemaId(), job), job.schemaId(), info, generator));
  }

  /**
   * RENAME TABLES: {@code binlog.MultipleTableInfos} are the renamed tables; the new schema ids
   * come from TiDB's job arguments {@code [oldSchemaIDs, newSchemaIDs, ...]} when present.
   */
  private void renameTables(final Job job, final long commitTs) {
    List<TableInfo> infos =
        require(
            job.binlog() == null ? null : job.binlog().multipleTableInfos(),
            job,
            "binlog.MultipleTableInfos");
    JsonNode newSchemaIds = job.rawArgs() != null ? job.rawArgs().path(1) : null;
    for (int i = 0; i < infos.size(); i++) {
      TableInfo info = infos.get(i);
      ExpectedTable t = liveTable(info.id(), commitTs);
      long schemaId =
          newSchemaIds != null && newSchemaIds.has(i) ? newSchemaIds.get(i).asLong() : t.schemaId();
      t.rename(databaseName(schemaId, job), schemaId, info);
    }
  }

  private String databaseName(final long schemaId, final Job job) {
    String name = databases.get(schemaId);
    if (name == null) {
      throw new IllegalStateException(
          "expected-state log is inconsistent: DDL job "
              + job.id()
              + " uses database id "
              + schemaId
              + ", which was never created (log its CREATE DATABASE job first)");
    }
    return name;
  }

  private static <T> T require(final T value, final Job job, final String what) {
    if (value == null) {
      throw new IllegalStateException(
          "DDL job " + job.id() + " (type " + job.type() + ") has no " + what);
    }
    return value;
  }
}
