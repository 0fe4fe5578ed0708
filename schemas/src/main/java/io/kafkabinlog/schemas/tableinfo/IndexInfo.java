package io.kafkabinlog.schemas.tableinfo;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** One index ({@code model.IndexInfo}). */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IndexInfo(
    @JsonProperty("id") long id,
    @JsonProperty("idx_name") CIStr idxName,
    @JsonProperty("tbl_name") CIStr tblName,
    @JsonProperty("idx_cols") List<IndexColumn> idxCols,
    @JsonProperty("state") int state,
    @JsonProperty("comment") String comment,
    @JsonProperty("index_type") int indexType,
    @JsonProperty("is_unique") boolean isUnique,
    @JsonProperty("is_primary") boolean isPrimary,
    @JsonProperty("is_invisible") boolean isInvisible,
    @JsonProperty("is_global") boolean isGlobal) {

  public IndexInfo {
    idxCols = idxCols == null ? List.of() : List.copyOf(idxCols);
  }
}
