package io.kafkabinlog.schemas.tableinfo;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/** One column ({@code model.ColumnInfo}). Defaults are kept as raw JSON (usually strings). */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ColumnInfo(
    @JsonProperty("id") long id,
    @JsonProperty("name") CIStr name,
    @JsonProperty("offset") int offset,
    @JsonProperty("origin_default") JsonNode originDefault,
    @JsonProperty("origin_default_bit") String originDefaultBit,
    @JsonProperty("default") JsonNode defaultValue,
    @JsonProperty("default_bit") String defaultBit,
    @JsonProperty("default_is_expr") Boolean defaultIsExpr,
    @JsonProperty("generated_expr_string") String generatedExprString,
    @JsonProperty("generated_stored") Boolean generatedStored,
    @JsonProperty("type") FieldType type,
    @JsonProperty("state") int state,
    @JsonProperty("comment") String comment,
    @JsonProperty("hidden") Boolean hidden,
    @JsonProperty("version") long version) {

  public static ColumnInfo of(long id, String name, int offset, FieldType type) {
    return new ColumnInfo(
        id,
        CIStr.of(name),
        offset,
        null,
        null,
        null,
        null,
        null,
        "",
        false,
        type,
        SchemaState.PUBLIC,
        null,
        null,
        2);
  }

  @JsonIgnore
  public boolean isGenerated() {
    return generatedExprString != null && !generatedExprString.isEmpty();
  }

  @JsonIgnore
  public boolean isAutoIncrement() {
    return type != null && MysqlFlag.has(type.flag(), MysqlFlag.AUTO_INCREMENT);
  }

  @JsonIgnore
  public boolean isPublic() {
    return state == SchemaState.PUBLIC;
  }
}
