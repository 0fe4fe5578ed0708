package io.kafkabinlog.schemas.tableinfo;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** TiDB's case-insensitive name: {@code {"O": original, "L": lower-case}}. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CIStr(@JsonProperty("O") String o, @JsonProperty("L") String l) {
  public static CIStr of(String name) {
    return new CIStr(name, name == null ? null : name.toLowerCase(java.util.Locale.ROOT));
  }
}
