package io.kafkabinlog.mysqlsink.filter;

import java.util.Objects;

/**
 * A {@code {db-name, tbl-name}} pair of {@code replicate-do-table} / {@code ignore-table}; either
 * part may be a {@code ~regex}.
 */
public record TableName(String db, String table) {
  public TableName {
    Objects.requireNonNull(db, "db");
    Objects.requireNonNull(table, "table");
  }
}
