package io.kafkabinlog.ordering.decode;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What stage 3 keeps of a DDL job once it has seen it: enough to publish its DDL record when its
 * binlog comes (which may be long after the initial load applied it).
 *
 * @param applied false for a job that changed nothing (not done or synced, or schema version 0):
 *     its binlog publishes nothing
 * @param tableIds the logical tables the job touched (before and after), for rows-topic routing
 * @param schemaLevel a database DDL (or one touching no table): published on every rows partition
 */
record AppliedJob(
    @JsonProperty("job_id") long jobId,
    @JsonProperty("schema_version") long schemaVersion,
    @JsonProperty("type") int type,
    @JsonProperty("state") int state,
    @JsonProperty("applied") boolean applied,
    @JsonProperty("query") String query,
    @JsonProperty("db") String db,
    @JsonProperty("table") String table,
    @JsonProperty("table_info_json") String tableInfoJson,
    @JsonProperty("table_ids") List<Long> tableIds,
    @JsonProperty("schema_level") boolean schemaLevel) {

  AppliedJob {
    tableIds = tableIds == null ? List.of() : List.copyOf(tableIds);
  }
}
