package io.kafkabinlog.tidbsim.catalog;

import java.util.Objects;

/**
 * The DDL statements the sim runs. Each has a {@link #sql()}: the statement text that becomes the
 * job's {@code query} and the binlog's {@code ddl_query} (downstream MySQL/MariaDB executes it, so
 * it is plain MySQL syntax, TiDB-only options inside TiDB's special comments).
 */
public sealed interface DdlStatement {

  /** The statement text. */
  String sql();

  /** {@code CREATE DATABASE}. */
  record CreateDatabase(String name) implements DdlStatement {
    public CreateDatabase {
      requireName(name, "database");
    }

    @Override
    public String sql() {
      return "CREATE DATABASE " + Sql.quoteName(name);
    }
  }

  /** {@code DROP DATABASE}: the database and its tables. */
  record DropDatabase(String name) implements DdlStatement {
    public DropDatabase {
      requireName(name, "database");
    }

    @Override
    public String sql() {
      return "DROP DATABASE " + Sql.quoteName(name);
    }
  }

  /**
   * {@code CREATE TABLE}. {@code query} is the exact statement text to record; null = generated
   * from the spec ({@link TableSpec#toCreateSql}). A given text must describe the same table.
   */
  record CreateTable(String db, TableSpec spec, String query) implements DdlStatement {
    public CreateTable {
      requireName(db, "database");
      Objects.requireNonNull(spec, "spec");
    }

    public CreateTable(final String db, final TableSpec spec) {
      this(db, spec, null);
    }

    @Override
    public String sql() {
      return query != null ? query : spec.toCreateSql(db);
    }
  }

  /** {@code DROP TABLE}. */
  record DropTable(String db, String table) implements DdlStatement {
    public DropTable {
      requireName(db, "database");
      requireName(table, "table");
    }

    @Override
    public String sql() {
      return "DROP TABLE " + Sql.qualified(db, table);
    }
  }

  /** {@code TRUNCATE TABLE}: a new table id (and new partition ids), same definition. */
  record TruncateTable(String db, String table) implements DdlStatement {
    public TruncateTable {
      requireName(db, "database");
      requireName(table, "table");
    }

    @Override
    public String sql() {
      return "TRUNCATE TABLE " + Sql.qualified(db, table);
    }
  }

  /** {@code RENAME TABLE db.t TO newDb.newTable}; the table keeps its id, may change database. */
  record RenameTable(String db, String table, String newDb, String newTable)
      implements DdlStatement {
    public RenameTable {
      requireName(db, "database");
      requireName(table, "table");
      requireName(newDb, "database");
      requireName(newTable, "table");
    }

    @Override
    public String sql() {
      return "RENAME TABLE " + Sql.qualified(db, table) + " TO " + Sql.qualified(newDb, newTable);
    }
  }

  /**
   * {@code ALTER TABLE ... ADD COLUMN} (appended last). Rows written before keep decoding: the
   * column's {@code origin_default} holds its default (or the type's zero value if NOT NULL).
   */
  record AddColumn(String db, String table, ColumnSpec column) implements DdlStatement {
    public AddColumn {
      requireName(db, "database");
      requireName(table, "table");
      Objects.requireNonNull(column, "column");
    }

    @Override
    public String sql() {
      return "ALTER TABLE " + Sql.qualified(db, table) + " ADD COLUMN " + column.toSql();
    }
  }

  /**
   * {@code ALTER TABLE ... DROP COLUMN}. TiDB writes two DDL binlogs for it: one at DeleteOnly
   * state, then the final one (see {@link DdlPlan#binlogSchemaStates()}).
   */
  record DropColumn(String db, String table, String column) implements DdlStatement {
    public DropColumn {
      requireName(db, "database");
      requireName(table, "table");
      requireName(column, "column");
    }

    @Override
    public String sql() {
      return "ALTER TABLE " + Sql.qualified(db, table) + " DROP COLUMN " + Sql.quoteName(column);
    }
  }

  /**
   * {@code ALTER TABLE ... MODIFY COLUMN} without data reorganisation: same column (and id), a
   * wider integer type, a longer VARCHAR/CHAR/VARBINARY, ENUM/SET elements appended, NOT NULL to
   * NULL, or a new default. Anything else is rejected.
   */
  record ModifyColumn(String db, String table, ColumnSpec column) implements DdlStatement {
    public ModifyColumn {
      requireName(db, "database");
      requireName(table, "table");
      Objects.requireNonNull(column, "column");
    }

    @Override
    public String sql() {
      return "ALTER TABLE " + Sql.qualified(db, table) + " MODIFY COLUMN " + column.toSql();
    }
  }

  private static void requireName(final String name, final String what) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(what + " name must not be blank");
    }
  }
}
