package io.kafkabinlog.schemas.tableinfo;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** {@code model.PartitionInfo}; {@code definitions[].id} is the physical partition id. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PartitionInfo(
    @JsonProperty("type") int type,
    @JsonProperty("expr") String expr,
    @JsonProperty("columns") List<CIStr> columns,
    @JsonProperty("enable") boolean enable,
    @JsonProperty("definitions") List<Definition> definitions) {

  /** One partition definition. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Definition(
      @JsonProperty("id") long id,
      @JsonProperty("name") CIStr name,
      @JsonProperty("less_than") JsonNode lessThan,
      @JsonProperty("comment") String comment) {}
}
