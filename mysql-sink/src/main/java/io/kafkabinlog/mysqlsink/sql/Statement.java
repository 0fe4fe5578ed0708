package io.kafkabinlog.mysqlsink.sql;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A parameterized statement: SQL with {@code ?} placeholders and its JDBC parameter values (see
 * {@link JdbcValues} for the types; nulls allowed).
 */
public record Statement(String sql, List<Object> params) {
  public Statement {
    Objects.requireNonNull(sql, "sql");
    // List.copyOf rejects nulls, and SQL NULL is a legitimate parameter.
    params = Collections.unmodifiableList(new ArrayList<>(params));
  }

  /** Binds {@link #params()} to a statement prepared from {@link #sql()}. */
  public void bind(final PreparedStatement statement) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      final Object value = params.get(i);
      if (value == null) {
        statement.setNull(i + 1, Types.NULL);
      } else if (value instanceof byte[] bytes) {
        statement.setBytes(i + 1, bytes);
      } else {
        statement.setObject(i + 1, value);
      }
    }
  }
}
