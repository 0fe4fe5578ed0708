package io.kafkabinlog.mysqlsink.model;

import java.util.List;
import java.util.Set;

/**
 * What the sink knows of a downstream table (read from the downstream's information_schema, as the
 * original drainer's loader does): its writable columns, its unique keys with PRIMARY first, and
 * which columns are nullable.
 *
 * @param columns writable (non-generated) columns in table order
 * @param uniqueKeys unique indexes' column lists, PRIMARY (if any) first
 * @param nullable columns that allow NULL
 */
public record TableKeys(
    String db,
    String table,
    List<String> columns,
    List<List<String>> uniqueKeys,
    Set<String> nullable) {

  public TableKeys {
    columns = List.copyOf(columns);
    uniqueKeys = uniqueKeys.stream().map(List::copyOf).toList();
    nullable = Set.copyOf(nullable);
  }

  public boolean hasUniqueKey() {
    return !uniqueKeys.isEmpty();
  }
}
