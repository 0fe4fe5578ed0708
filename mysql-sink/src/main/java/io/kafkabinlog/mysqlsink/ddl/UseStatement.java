package io.kafkabinlog.mysqlsink.ddl;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.mysqlsink.sql.SqlNames;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code USE `db`} run before a DDL, as the original drainer does ({@code BEGIN; USE `db`;
 * <query>; COMMIT}): none for CREATE DATABASE/SCHEMA (the database does not exist yet), and a DDL
 * without a database is an error.
 */
public record UseStatement(String db) {
  private static final Pattern CREATE_DATABASE =
      Pattern.compile(
          "^(?:\\s|/\\*.*?\\*/)*CREATE\\s+(?:DATABASE|SCHEMA)\\b",
          Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  public UseStatement {
    if (db == null || db.isEmpty()) {
      throw new IllegalArgumentException("database name must not be empty");
    }
  }

  /** {@code USE `db`}. */
  public String sql() {
    return "USE " + SqlNames.quote(db);
  }

  /** The USE to run before {@code query} of database {@code db} (may be empty or null). */
  public static Optional<UseStatement> before(final String db, final String query) {
    if (CREATE_DATABASE.matcher(query).find()) {
      return Optional.empty();
    }
    if (db == null || db.isEmpty()) {
      throw new FatalBinlogException(ErrorCode.MALFORMED_INPUT, "DDL without a database: " + query);
    }
    return Optional.of(new UseStatement(db));
  }
}
