package io.kafkabinlog.schemas.avro;

import java.util.List;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** Builders for the top-level event records (Transaction, RowChange, Ddl, ResolvedTs, ...). */
public final class AvroEvents {
  /** Row change kinds, the {@code ChangeType} enum symbols. */
  public enum ChangeType {
    INSERT,
    UPDATE,
    DELETE
  }

  private AvroEvents() {}

  /** A Transaction record; {@code ddl} may be null (DML), {@code rows} empty for a DDL. */
  public static GenericRecord transaction(
      final long commitTs,
      final long startTs,
      final long schemaVersion,
      final List<GenericRecord> rows,
      final GenericRecord ddl) {
    return transaction(commitTs, startTs, schemaVersion, rows, ddl, 0, true);
  }

  /**
   * One record of a transaction published as several ({@code fragment} 0.., {@code lastFragment} on
   * the last).
   */
  public static GenericRecord transaction(
      final long commitTs,
      final long startTs,
      final long schemaVersion,
      final List<GenericRecord> rows,
      final GenericRecord ddl,
      final int fragment,
      final boolean lastFragment) {
    GenericRecord r = new GenericData.Record(AvroSchemas.TRANSACTION);
    r.put("fragment", fragment);
    r.put("last_fragment", lastFragment);
    r.put("commit_ts", commitTs);
    r.put("start_ts", startTs);
    r.put("schema_version", schemaVersion);
    r.put("rows", new GenericData.Array<>(AvroSchemas.TRANSACTION.getField("rows").schema(), rows));
    r.put("ddl", ddl);
    return r;
  }

  /** A RowChange record; {@code before}/{@code after} are ColumnValue lists or null. */
  public static GenericRecord rowChange(
      final String db,
      final String table,
      final long tableId,
      final ChangeType type,
      final List<GenericRecord> before,
      final List<GenericRecord> after) {
    GenericRecord r = new GenericData.Record(AvroSchemas.ROW_CHANGE);
    r.put("db", db);
    r.put("table", table);
    r.put("table_id", tableId);
    r.put("type", new GenericData.EnumSymbol(AvroSchemas.CHANGE_TYPE, type.name()));
    r.put("before", columns(before));
    r.put("after", columns(after));
    return r;
  }

  /** A Ddl record; {@code table} and {@code tableInfoJson} may be null. */
  public static GenericRecord ddl(
      final String query,
      final long jobId,
      final String db,
      final String table,
      final String tableInfoJson) {
    return ddl(query, jobId, db, table, tableInfoJson, false);
  }

  /**
   * A Ddl record; {@code schemaOnly} marks a DDL binlog that must not be executed downstream (DROP
   * COLUMN at DeleteOnly).
   */
  public static GenericRecord ddl(
      final String query,
      final long jobId,
      final String db,
      final String table,
      final String tableInfoJson,
      final boolean schemaOnly) {
    GenericRecord r = new GenericData.Record(AvroSchemas.DDL);
    r.put("schema_only", schemaOnly);
    r.put("query", query);
    r.put("job_id", jobId);
    r.put("db", db);
    r.put("table", table);
    r.put("table_info_json", tableInfoJson);
    return r;
  }

  /** A ResolvedTs marker for one rows-topic partition. */
  public static GenericRecord resolvedTs(
      final long resolvedTs, final int partition, final int partitionCount) {
    GenericRecord r = new GenericData.Record(AvroSchemas.RESOLVED_TS);
    r.put("resolved_ts", resolvedTs);
    r.put("partition", partition);
    r.put("partition_count", partitionCount);
    return r;
  }

  /**
   * A RowEnvelope (per-table topic value). {@code op} is derived from the change type: INSERT→c,
   * UPDATE→u, DELETE→d.
   */
  public static GenericRecord rowEnvelope(
      final ChangeType type,
      final List<GenericRecord> before,
      final List<GenericRecord> after,
      final long commitTs,
      final long startTs,
      final String db,
      final String table,
      final long tsMs) {
    GenericRecord source = new GenericData.Record(AvroSchemas.SOURCE);
    source.put("commit_ts", commitTs);
    source.put("start_ts", startTs);
    source.put("db", db);
    source.put("table", table);
    String op =
        switch (type) {
          case INSERT -> "c";
          case UPDATE -> "u";
          case DELETE -> "d";
        };
    GenericRecord r = new GenericData.Record(AvroSchemas.ROW_ENVELOPE);
    r.put("before", columns(before));
    r.put("after", columns(after));
    r.put("op", new GenericData.EnumSymbol(AvroSchemas.OP, op));
    r.put("source", source);
    r.put("ts_ms", tsMs);
    return r;
  }

  /** A RowKey record. */
  public static GenericRecord rowKey(
      final String db, final String table, final List<GenericRecord> keyColumns) {
    GenericRecord r = new GenericData.Record(AvroSchemas.ROW_KEY);
    r.put("db", db);
    r.put("table", table);
    r.put(
        "columns",
        new GenericData.Array<>(AvroSchemas.ROW_KEY.getField("columns").schema(), keyColumns));
    return r;
  }

  private static GenericData.Array<GenericRecord> columns(final List<GenericRecord> cols) {
    if (cols == null) {
      return null;
    }
    return new GenericData.Array<>(AvroSchemas.OPTIONAL_COLUMNS.getTypes().get(1), cols);
  }
}
