package io.kafkabinlog.mysqlsink.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One upstream row change as the sink applies it: Java values by column name (from the Avro
 * ColumnValue union through {@code ColumnValues.fromAvro}: Long, Double, String, byte[],
 * BigInteger, BigDecimal, LocalDate, LocalDateTime, Instant, Duration, JsonText, ...). {@code
 * before} is null for an insert, {@code after} null for a delete.
 */
public record RowChange(
    String db,
    String table,
    ChangeType type,
    Map<String, Object> before,
    Map<String, Object> after) {

  /** The kinds of change. */
  public enum ChangeType {
    INSERT,
    UPDATE,
    DELETE
  }

  public RowChange {
    Objects.requireNonNull(db, "db");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(type, "type");
    before = before == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(before));
    after = after == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(after));
    if ((type == ChangeType.INSERT) != (before == null)
        || (type == ChangeType.DELETE) != (after == null)) {
      throw new IllegalArgumentException(type + " with before=" + before + " after=" + after);
    }
  }
}
