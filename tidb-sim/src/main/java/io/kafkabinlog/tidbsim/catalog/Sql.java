package io.kafkabinlog.tidbsim.catalog;

/** Quoting for the DDL text the catalog generates (MySQL/MariaDB syntax). */
final class Sql {
  private Sql() {}

  /** {@code `name`}, with backticks doubled. */
  static String quoteName(final String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /** {@code `db`.`table`}. */
  static String qualified(final String db, final String table) {
    return quoteName(db) + "." + quoteName(table);
  }

  /** {@code 'text'}, with quotes doubled and backslashes escaped. */
  static String quoteString(final String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'";
  }
}
