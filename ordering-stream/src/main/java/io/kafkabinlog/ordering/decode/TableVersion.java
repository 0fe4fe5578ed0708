package io.kafkabinlog.ordering.decode;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.kafkabinlog.schemas.tableinfo.TableInfo;

/**
 * A table (or one physical partition of it) from one schema version on: the logical table, its
 * database, its name and its TableInfo; {@code table} null is a tombstone (dropped, truncated away,
 * or a partition that no longer exists), which keeps the names for messages.
 */
record TableVersion(
    @JsonProperty("logical_id") long logicalId,
    @JsonProperty("db_id") long dbId,
    @JsonProperty("db") String db,
    @JsonProperty("name") String name,
    @JsonProperty("table") TableInfo table) {

  static TableVersion of(final long dbId, final String db, final TableInfo table) {
    return new TableVersion(table.id(), dbId, db, table.name().o(), table);
  }

  TableVersion tombstone() {
    return new TableVersion(logicalId, dbId, db, name, null);
  }

  @JsonIgnore
  boolean dropped() {
    return table == null;
  }

  /** {@code db.table} for messages, or the id when the name is unknown. */
  @JsonIgnore
  String label() {
    if (name == null || name.isEmpty()) {
      return "table id " + logicalId;
    }
    return db + "." + name;
  }
}
