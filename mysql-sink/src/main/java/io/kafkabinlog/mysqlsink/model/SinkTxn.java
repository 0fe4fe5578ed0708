package io.kafkabinlog.mysqlsink.model;

import java.util.List;

/**
 * One upstream transaction as the sink applies it (DML: rows; DDL: ddl set, rows empty).
 *
 * @param ddl the DDL of the transaction or null
 */
public record SinkTxn(long commitTs, long startTs, List<RowChange> rows, SinkDdl ddl) {
  public SinkTxn {
    rows = List.copyOf(rows);
  }

  /**
   * A DDL: query as executed upstream, its database (empty if none) and table (null for database
   * DDL); {@code schemaOnly} ones are never executed downstream.
   */
  public record SinkDdl(String query, long jobId, String db, String table, boolean schemaOnly) {}
}
