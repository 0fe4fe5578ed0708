package io.kafkabinlog.tidbsim.engine;

import java.util.Objects;

/**
 * One huge insert-only transaction of generated rows: rows {@code firstId .. firstId + count - 1}
 * of table {@code db.table}, each {@code RowGenerator.row(seed, id, rowBytes)}.
 */
public record GeneratedInsert(
    String db, String table, long seed, long firstId, long count, int rowBytes) {

  public GeneratedInsert {
    Objects.requireNonNull(db, "db");
    Objects.requireNonNull(table, "table");
    if (count < 1 || rowBytes < 0) {
      throw new IllegalArgumentException(
          "a generated insert needs at least one row and rowBytes >= 0, got "
              + count
              + " rows of "
              + rowBytes
              + " bytes");
    }
  }
}
