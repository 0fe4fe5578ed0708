package io.kafkabinlog.tidbsim.catalog;

import io.kafkabinlog.schemas.tableinfo.DBInfo;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import java.util.List;
import java.util.Optional;

/**
 * A validated DDL that has not changed anything yet: its job id and what the DDL binlogs need. Made
 * by {@link Catalog#plan}; finished by {@link Catalog#commit} or {@link Catalog#abort}.
 *
 * <p>The engine writes one DDL prewrite binlog per entry of {@link #binlogSchemaStates()}, in
 * order, each in its own transaction: {@code Binlogs.ddl(startTs, jobId(), state, query())}. Every
 * DDL has one entry (its final state) except DROP COLUMN, which TiDB also logs at DeleteOnly before
 * the final one ({@code ddl_worker.go writeBinlog}).
 */
public final class DdlPlan {
  private final Catalog owner;
  private final DdlStatement statement;
  private final long jobId;
  private final int actionType;
  private final long schemaId;
  private final long tableId;
  private final String schemaName;
  private final String tableName;
  private final String query;
  private final List<Integer> binlogSchemaStates;
  private final int finalSchemaState;
  private final long baseSchemaVersion;
  private final DBInfo dbInfo;
  private final TableInfo tableInfo;

  DdlPlan(
      final Catalog owner,
      final DdlStatement statement,
      final long jobId,
      final int actionType,
      final long schemaId,
      final long tableId,
      final String schemaName,
      final String tableName,
      final List<Integer> binlogSchemaStates,
      final int finalSchemaState,
      final long baseSchemaVersion,
      final DBInfo dbInfo,
      final TableInfo tableInfo) {
    this.owner = owner;
    this.statement = statement;
    this.jobId = jobId;
    this.actionType = actionType;
    this.schemaId = schemaId;
    this.tableId = tableId;
    this.schemaName = schemaName;
    this.tableName = tableName;
    this.query = statement.sql();
    this.binlogSchemaStates = List.copyOf(binlogSchemaStates);
    this.finalSchemaState = finalSchemaState;
    this.baseSchemaVersion = baseSchemaVersion;
    this.dbInfo = dbInfo;
    this.tableInfo = tableInfo;
  }

  public DdlStatement statement() {
    return statement;
  }

  /** The DDL job id: the binlog's {@code ddl_job_id} and the history job's {@code id}. */
  public long jobId() {
    return jobId;
  }

  /** {@code model.ActionType} of the job ({@code job.type}). */
  public int actionType() {
    return actionType;
  }

  /** {@code job.schema_id}: the database (for RENAME TABLE, the target database). */
  public long schemaId() {
    return schemaId;
  }

  /** {@code job.table_id}: the table before the DDL (for TRUNCATE, the old id); 0 for databases. */
  public long tableId() {
    return tableId;
  }

  /** {@code job.schema_name} (lower case, as TiDB records it). */
  public String schemaName() {
    return schemaName;
  }

  /** {@code job.table_name} (lower case; for RENAME TABLE, the old name); empty for databases. */
  public String tableName() {
    return tableName;
  }

  /** The statement text: the binlog's {@code ddl_query} and the job's {@code query}. */
  public String query() {
    return query;
  }

  /**
   * The {@code ddl_schema_state} of each DDL binlog to write, in order: {@code [1, 0]} (DeleteOnly,
   * then None) for DROP COLUMN, otherwise just {@link #finalSchemaState()}.
   */
  public List<Integer> binlogSchemaStates() {
    return binlogSchemaStates;
  }

  /** The job's {@code schema_state} when it is done (5 public, or 0 none for drops). */
  public int finalSchemaState() {
    return finalSchemaState;
  }

  /** The schema version the plan was made against; the commit makes it this plus one. */
  public long baseSchemaVersion() {
    return baseSchemaVersion;
  }

  /** The database after the DDL, for CREATE/DROP DATABASE. */
  public Optional<DBInfo> dbInfo() {
    return Optional.ofNullable(dbInfo);
  }

  /**
   * The table after the DDL (without {@code update_timestamp}, set at commit); for TRUNCATE TABLE
   * it carries the new table id.
   */
  public Optional<TableInfo> tableInfo() {
    return Optional.ofNullable(tableInfo);
  }

  Catalog owner() {
    return owner;
  }

  @Override
  public String toString() {
    return "DdlPlan[job " + jobId + ", type " + actionType + ": " + query + "]";
  }
}
