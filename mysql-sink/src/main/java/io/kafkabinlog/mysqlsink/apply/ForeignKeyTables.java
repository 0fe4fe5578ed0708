package io.kafkabinlog.mysqlsink.apply;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which downstream tables take part in a foreign key (as the referencing or the referenced table),
 * read from the downstream's information_schema and cached until {@link #clear} (after any DDL).
 * The rows of such tables keep their commit order among themselves when a group's statements are
 * merged ({@code StatementPlan}): a child row must not be written before its parent. Thread-safe.
 */
public final class ForeignKeyTables {
  private static final String SQL =
      "SELECT 1 FROM information_schema.REFERENTIAL_CONSTRAINTS"
          + " WHERE (CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?)"
          + " OR (UNIQUE_CONSTRAINT_SCHEMA = ? AND REFERENCED_TABLE_NAME = ?) LIMIT 1";

  /** The conflict key the rows of all such tables share. */
  public static final String KEY = "\u0000foreign-key";

  private final Map<String, Boolean> involved = new ConcurrentHashMap<>();

  /** Whether {@code db.table} references or is referenced by a foreign key. */
  public boolean involved(final Connection connection, final String db, final String table)
      throws SQLException {
    final String name = db + '\u0000' + table;
    final Boolean cached = involved.get(name);
    if (cached != null) {
      return cached;
    }
    final boolean read;
    try (PreparedStatement statement = connection.prepareStatement(SQL)) {
      statement.setString(1, db);
      statement.setString(2, table);
      statement.setString(3, db);
      statement.setString(4, table);
      try (ResultSet rows = statement.executeQuery()) {
        read = rows.next();
      }
    }
    involved.put(name, read);
    return read;
  }

  /** Forgets everything: a DDL may have added or dropped a foreign key. */
  public void clear() {
    involved.clear();
  }
}
