package io.kafkabinlog.schemas.tableinfo;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/** One index column: name, offset into {@code cols}, prefix length (-1 = whole column). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record IndexColumn(
    @JsonProperty("name") CIStr name,
    @JsonProperty("offset") int offset,
    @JsonProperty("length") int length) {}
