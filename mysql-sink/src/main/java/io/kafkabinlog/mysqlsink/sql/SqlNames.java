package io.kafkabinlog.mysqlsink.sql;

/** Identifier quoting for MySQL/MariaDB: back-quotes, with back-quotes inside doubled. */
public final class SqlNames {
  private SqlNames() {}

  /** {@code `name`}. */
  public static String quote(final String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /** {@code `db`.`table`}. */
  public static String qualified(final String db, final String table) {
    return quote(db) + "." + quote(table);
  }
}
