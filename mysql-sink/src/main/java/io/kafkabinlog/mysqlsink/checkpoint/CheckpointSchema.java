package io.kafkabinlog.mysqlsink.checkpoint;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Where the sink keeps its progress downstream: the original drainer's {@code checkpoint} table
 * (configurable as {@code [syncer.to.checkpoint] schema/table} were) and, beside it, our progress
 * table and DDL ledger. Several sinks into one downstream need different schemas, as with the
 * original.
 *
 * @param schema the database, {@value #DEFAULT_SCHEMA} unless configured
 * @param checkpointTable the compatible table, {@value #DEFAULT_CHECKPOINT_TABLE} unless configured
 */
public record CheckpointSchema(String schema, String checkpointTable) {
  public static final String DEFAULT_SCHEMA = "tidb_binlog";
  public static final String DEFAULT_CHECKPOINT_TABLE = "checkpoint";
  public static final String APPLIED_TABLE = "applied_txn";
  public static final String DDL_LEDGER_TABLE = "ddl_ledger";
  public static final String PARTITION_PROGRESS_TABLE = "partition_progress";

  /** MariaDB's limit for database and table names. */
  private static final int MAX_NAME_LENGTH = 64;

  public CheckpointSchema {
    requireName("checkpoint schema", schema);
    requireName("checkpoint table", checkpointTable);
  }

  public static CheckpointSchema defaults() {
    return new CheckpointSchema(DEFAULT_SCHEMA, DEFAULT_CHECKPOINT_TABLE);
  }

  public static CheckpointSchema inSchema(final String schema) {
    return new CheckpointSchema(schema, DEFAULT_CHECKPOINT_TABLE);
  }

  /** {@code `schema`.`checkpoint`}. */
  public String checkpoint() {
    return qualified(checkpointTable);
  }

  /**
   * {@code `schema`.`applied_txn`}: one row per applied upstream commit_ts above the checkpoint.
   */
  public String applied() {
    return qualified(APPLIED_TABLE);
  }

  /** {@code `schema`.`ddl_ledger`}: one row per applied DDL, kept for idempotence and audit. */
  public String ddlLedger() {
    return qualified(DDL_LEDGER_TABLE);
  }

  /**
   * {@code `schema`.`partition_progress`}: the partitioned mode's progress, one row per rows-topic
   * partition; created by {@link PartitionProgressStore#create}, not by {@link #create}.
   */
  public String partitionProgress() {
    return qualified(PARTITION_PROGRESS_TABLE);
  }

  /** The statements {@link #create} runs, in order. */
  public List<String> createStatements() {
    return List.of(
        "CREATE SCHEMA IF NOT EXISTS " + quote(schema),
        // Column names and types exactly as the original drainer creates them.
        "CREATE TABLE IF NOT EXISTS "
            + checkpoint()
            + "(clusterID bigint unsigned primary key, checkPoint MEDIUMTEXT)",
        // InnoDB named explicitly: the progress rows must commit with the applied rows.
        "CREATE TABLE IF NOT EXISTS "
            + applied()
            + "(clusterID bigint unsigned NOT NULL, commit_ts bigint unsigned NOT NULL,"
            + " PRIMARY KEY (clusterID, commit_ts)) ENGINE=InnoDB",
        "CREATE TABLE IF NOT EXISTS "
            + ddlLedger()
            + "(clusterID bigint unsigned NOT NULL, commit_ts bigint unsigned NOT NULL,"
            + " job_id bigint NOT NULL, query mediumtext NOT NULL,"
            + " applied_at datetime(6) NOT NULL DEFAULT current_timestamp(6),"
            + " PRIMARY KEY (clusterID, commit_ts)) ENGINE=InnoDB");
  }

  /**
   * Creates what is missing and leaves existing tables (an original drainer's checkpoint row
   * included) as they are.
   */
  public void create(final Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      for (final String sql : createStatements()) {
        statement.execute(sql);
      }
    }
  }

  private String qualified(final String table) {
    return quote(schema) + "." + quote(table);
  }

  static String quote(final String identifier) {
    return "`" + identifier.replace("`", "``") + "`";
  }

  private static void requireName(final String what, final String name) {
    if (name == null || name.isBlank() || name.length() > MAX_NAME_LENGTH) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          what + " must be 1 to " + MAX_NAME_LENGTH + " characters, got '" + name + "'");
    }
  }
}
