package io.kafkabinlog.schemas.tableinfo;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.List;

/** A column's type ({@code types.FieldType}; capitalised JSON keys). Flen/Decimal -1 = unset. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FieldType(
    @JsonProperty("Tp") int tp,
    @JsonProperty("Flag") int flag,
    @JsonProperty("Flen") @JsonDeserialize(using = FlenDeserializer.class) int flen,
    @JsonProperty("Decimal") int decimal,
    @JsonProperty("Charset") String charset,
    @JsonProperty("Collate") String collate,
    @JsonProperty("Elems") List<String> elems,
    @JsonProperty("ElemsIsBinaryLit") List<Boolean> elemsIsBinaryLit,
    @JsonProperty("Array") Boolean array) {

  public FieldType {
    elems =
        elems == null
            ? null
            : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(elems));
  }

  public static FieldType of(int tp, int flag, int flen, int decimal, String charset) {
    return new FieldType(tp, flag, flen, decimal, charset, null, null, null, null);
  }

  public static FieldType withElems(int tp, int flag, List<String> elems) {
    return new FieldType(tp, flag, -1, -1, "utf8mb4", "utf8mb4_bin", elems, null, null);
  }

  @JsonIgnore
  public boolean isUnsigned() {
    return MysqlFlag.has(flag, MysqlFlag.UNSIGNED);
  }

  @JsonIgnore
  public boolean isNotNull() {
    return MysqlFlag.has(flag, MysqlFlag.NOT_NULL);
  }

  @JsonIgnore
  public boolean isPrimaryKey() {
    return MysqlFlag.has(flag, MysqlFlag.PRI_KEY);
  }

  /** True for CHAR/VARCHAR/TEXT/BLOB-family types whose charset is "binary". */
  @JsonIgnore
  public boolean isBinaryString() {
    return "binary".equalsIgnoreCase(charset);
  }
}
