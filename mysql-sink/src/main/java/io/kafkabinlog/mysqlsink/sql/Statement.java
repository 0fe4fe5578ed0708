package io.kafkabinlog.mysqlsink.sql;

import java.math.BigDecimal;
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

  /**
   * An upper bound of the statement's size on the wire with its parameters inlined as escaped UTF-8
   * text (the driver's client-side prepared statements; the binary protocol is smaller).
   */
  public long estimatedBytes() {
    long size = sql.length();
    for (Object value : params) {
      size += estimatedBytes(value);
    }
    return size;
  }

  /** The most bytes a parameter value takes inlined as text. */
  static long estimatedBytes(final Object value) {
    if (value == null) {
      return 4;
    }
    if (value instanceof String text) {
      // Up to 3 UTF-8 bytes per UTF-16 char (a pair is 4 bytes for 2 chars); an escaped quote or
      // backslash takes 2; plus the quotes.
      return 3L * text.length() + 2;
    }
    if (value instanceof byte[] raw) {
      return 2L * raw.length + 10;
    }
    if (value instanceof BigDecimal decimal) {
      return decimal.precision() + Math.abs(decimal.scale()) + 4;
    }
    return 32; // Long, Double
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
