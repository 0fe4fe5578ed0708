package io.kafkabinlog.schemas.tableinfo;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** {@code model.HistoryInfo} (job.binlog): untagged in Go, so the keys are the field names. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HistoryInfo(
    @JsonProperty("SchemaVersion") long schemaVersion,
    @JsonProperty("DBInfo") DBInfo dbInfo,
    @JsonProperty("TableInfo") TableInfo tableInfo,
    @JsonProperty("FinishedTS") long finishedTs,
    @JsonProperty("MultipleTableInfos") List<TableInfo> multipleTableInfos) {}
