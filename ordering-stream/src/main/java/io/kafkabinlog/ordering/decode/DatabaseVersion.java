package io.kafkabinlog.ordering.decode;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.kafkabinlog.schemas.tableinfo.DBInfo;

/** A database from one schema version on; {@code info} null is a tombstone (dropped). */
record DatabaseVersion(@JsonProperty("id") long id, @JsonProperty("info") DBInfo info) {}
