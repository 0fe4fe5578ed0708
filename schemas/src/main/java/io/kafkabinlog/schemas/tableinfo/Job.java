package io.kafkabinlog.schemas.tableinfo;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/** A DDL job ({@code model.Job}) as stored in DDL history; {@code binlog} is the table after it. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Job(
    @JsonProperty("id") long id,
    @JsonProperty("type") int type,
    @JsonProperty("schema_id") long schemaId,
    @JsonProperty("table_id") long tableId,
    @JsonProperty("schema_name") String schemaName,
    @JsonProperty("table_name") String tableName,
    @JsonProperty("state") int state,
    @JsonProperty("err") JsonNode err,
    @JsonProperty("err_count") long errCount,
    @JsonProperty("row_count") long rowCount,
    @JsonProperty("raw_args") JsonNode rawArgs,
    @JsonProperty("schema_state") int schemaState,
    @JsonProperty("snapshot_ver") long snapshotVer,
    @JsonProperty("real_start_ts") long realStartTs,
    @JsonProperty("start_ts") long startTs,
    @JsonProperty("dependency_id") long dependencyId,
    @JsonProperty("query") String query,
    @JsonProperty("binlog") HistoryInfo binlog,
    @JsonProperty("version") long version,
    @JsonProperty("priority") int priority,
    @JsonProperty("seq_num") long seqNum,
    @JsonProperty("charset") String charset,
    @JsonProperty("collate") String collate,
    @JsonProperty("sql_mode") long sqlMode) {

  /** Done or synced: the job's result is final and may be replayed. */
  @JsonIgnore
  public boolean isDoneOrSynced() {
    return state == JobState.DONE || state == JobState.SYNCED;
  }
}
