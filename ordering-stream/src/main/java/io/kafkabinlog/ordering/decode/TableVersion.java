package io.kafkabinlog.ordering.decode;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.kafkabinlog.schemas.tableinfo.TableInfo;

/**
 * A table (or one physical partition of it) from one schema version on: the logical table, its
 * database, and its TableInfo; {@code table} null is a tombstone (dropped, truncated away, or a
 * partition that no longer exists).
 */
record TableVersion(
    @JsonProperty("logical_id") long logicalId,
    @JsonProperty("db_id") long dbId,
    @JsonProperty("db") String db,
    @JsonProperty("table") TableInfo table) {

  @JsonIgnore
  boolean dropped() {
    return table == null;
  }

  /** {@code db.table} for messages, or the id when the name is unknown. */
  @JsonIgnore
  String label() {
    if (table == null || table.name() == null) {
      return "table id " + logicalId;
    }
    return db + "." + table.name().o();
  }
}
