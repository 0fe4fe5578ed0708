package io.kafkabinlog.tidbsim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.kafkabinlog.schemas.tableinfo.CIStr;
import io.kafkabinlog.schemas.tableinfo.ColumnInfo;
import io.kafkabinlog.schemas.tableinfo.DBInfo;
import io.kafkabinlog.schemas.tableinfo.FieldType;
import io.kafkabinlog.schemas.tableinfo.HistoryInfo;
import io.kafkabinlog.schemas.tableinfo.IndexColumn;
import io.kafkabinlog.schemas.tableinfo.IndexInfo;
import io.kafkabinlog.schemas.tableinfo.Job;
import io.kafkabinlog.schemas.tableinfo.JobState;
import io.kafkabinlog.schemas.tableinfo.MysqlFlag;
import io.kafkabinlog.schemas.tableinfo.MysqlType;
import io.kafkabinlog.schemas.tableinfo.SchemaState;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import java.util.ArrayList;
import java.util.List;

/** Hand-built TableInfos and DDL jobs for tests. */
public final class TableFixtures {
  private TableFixtures() {}

  public static TableBuilder table(final long id, final String name) {
    return new TableBuilder(id, name);
  }

  /** A non-string type (charset binary). */
  public static FieldType type(final int tp, final int flag, final int flen, final int decimal) {
    return new FieldType(tp, flag, flen, decimal, "binary", "binary", null, null, null);
  }

  /** A utf8mb4 string type with utf8mb4_bin collation. */
  public static FieldType text(final int tp, final int flag, final int flen) {
    return new FieldType(tp, flag, flen, 0, "utf8mb4", "utf8mb4_bin", null, null, null);
  }

  /** A binary string type (BINARY / VARBINARY / BLOB). */
  public static FieldType bytes(final int tp, final int flag, final int flen) {
    return new FieldType(
        tp, flag | MysqlFlag.BINARY, flen, 0, "binary", "binary", null, null, null);
  }

  public static FieldType elems(final int tp, final int flag, final String... elems) {
    return new FieldType(tp, flag, -1, -1, "utf8mb4", "utf8mb4_bin", List.of(elems), null, null);
  }

  public static Job createSchema(final long jobId, final long schemaId, final String name) {
    DBInfo db = new DBInfo(schemaId, CIStr.of(name), "utf8mb4", "utf8mb4_bin", SchemaState.PUBLIC);
    return job(jobId, 1, schemaId, 0, new HistoryInfo(jobId, db, null, 0, null));
  }

  public static Job dropSchema(final long jobId, final long schemaId) {
    return job(jobId, 2, schemaId, 0, new HistoryInfo(jobId, null, null, 0, null));
  }

  /** A DDL job whose result is {@code table} (create table, add column, rename, ...). */
  public static Job tableJob(
      final long jobId, final int actionType, final long schemaId, final TableInfo table) {
    return job(
        jobId, actionType, schemaId, table.id(), new HistoryInfo(jobId, null, table, 0, null));
  }

  /** TRUNCATE TABLE: {@code oldTableId} is replaced by {@code newTable}. */
  public static Job truncate(
      final long jobId, final long schemaId, final long oldTableId, final TableInfo newTable) {
    return job(jobId, 11, schemaId, oldTableId, new HistoryInfo(jobId, null, newTable, 0, null));
  }

  public static Job dropTable(final long jobId, final long schemaId, final long tableId) {
    return job(jobId, 4, schemaId, tableId, new HistoryInfo(jobId, null, null, 0, null));
  }

  private static Job job(
      final long id,
      final int type,
      final long schemaId,
      final long tableId,
      final HistoryInfo binlog) {
    return new Job(
        id,
        type,
        schemaId,
        tableId,
        null,
        null,
        JobState.SYNCED,
        null,
        0,
        0,
        null,
        0,
        0,
        0,
        0,
        0,
        "ddl " + id,
        binlog,
        1,
        0,
        0,
        null,
        null,
        0);
  }

  /** Builds a TableInfo column by column. */
  public static final class TableBuilder {
    private final long id;
    private final String name;
    private final List<ColumnInfo> cols = new ArrayList<>();
    private final List<IndexInfo> indexes = new ArrayList<>();
    private boolean pkIsHandle;
    private boolean commonHandle;

    TableBuilder(final long id, final String name) {
      this.id = id;
      this.name = name;
    }

    public TableBuilder col(final String colName, final FieldType ft) {
      return col(colName, ft, null);
    }

    /** A column with a default (also its origin default), as text. */
    public TableBuilder col(final String colName, final FieldType ft, final String defaultText) {
      JsonNode d = defaultText == null ? null : JsonNodeFactory.instance.textNode(defaultText);
      return column(
          new ColumnInfo(
              cols.size() + 1L,
              CIStr.of(colName),
              cols.size(),
              d,
              null,
              d,
              null,
              null,
              "",
              false,
              ft,
              SchemaState.PUBLIC,
              null,
              null,
              2));
    }

    /** A virtual generated column. */
    public TableBuilder virtualCol(final String colName, final FieldType ft, final String expr) {
      return column(
          new ColumnInfo(
              cols.size() + 1L,
              CIStr.of(colName),
              cols.size(),
              null,
              null,
              null,
              null,
              null,
              expr,
              false,
              ft,
              SchemaState.PUBLIC,
              null,
              null,
              2));
    }

    public TableBuilder column(final ColumnInfo c) {
      cols.add(c);
      return this;
    }

    /** The single integer column {@code colName} (flagged PRI_KEY) is the handle. */
    public TableBuilder pkIsHandle() {
      this.pkIsHandle = true;
      return this;
    }

    /** A clustered primary key over the named columns. */
    public TableBuilder clusteredPk(final String... colNames) {
      commonHandle = true;
      return index("PRIMARY", true, true, colNames);
    }

    /** A non-clustered primary key (rows keep the hidden row id). */
    public TableBuilder nonClusteredPk(final String... colNames) {
      return index("PRIMARY", true, true, colNames);
    }

    public TableBuilder uniqueKey(final String idxName, final String... colNames) {
      return index(idxName, true, false, colNames);
    }

    private TableBuilder index(
        final String idxName, final boolean unique, final boolean primary, final String[] names) {
      List<IndexColumn> ics = new ArrayList<>();
      for (String n : names) {
        int prefix = -1;
        String colName = n;
        if (n.contains("(")) {
          colName = n.substring(0, n.indexOf('('));
          prefix = Integer.parseInt(n.substring(n.indexOf('(') + 1, n.indexOf(')')));
        }
        ColumnInfo c = byName(colName);
        ics.add(new IndexColumn(c.name(), c.offset(), prefix));
      }
      indexes.add(
          new IndexInfo(
              indexes.size() + 1L,
              CIStr.of(idxName),
              CIStr.of(name),
              ics,
              SchemaState.PUBLIC,
              "",
              1,
              unique,
              primary,
              false,
              false));
      return this;
    }

    private ColumnInfo byName(final String colName) {
      for (ColumnInfo c : cols) {
        if (c.name().o().equals(colName)) {
          return c;
        }
      }
      throw new IllegalArgumentException("no column " + colName);
    }

    public TableInfo build() {
      return TableInfo.of(id, name, cols, indexes, pkIsHandle, commonHandle);
    }
  }

  /** Common flags. */
  public static final int PK = MysqlFlag.NOT_NULL | MysqlFlag.PRI_KEY | MysqlFlag.NO_DEFAULT_VALUE;

  public static final int UNSIGNED_PK = PK | MysqlFlag.UNSIGNED;

  public static final int NOT_NULL = MysqlFlag.NOT_NULL;

  /** Shorthands for the type codes used most. */
  public static final int BIGINT = MysqlType.LONGLONG;

  public static final int INT = MysqlType.LONG;

  public static final int VARCHAR = MysqlType.VARCHAR;
}
