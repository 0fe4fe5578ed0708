package io.kafkabinlog.schemas.tableinfo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;

/** Jackson reading/writing of TiDB's schema JSON (TableInfo, DBInfo, Job), tolerant of unknowns. */
public final class TableInfoJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private TableInfoJson() {}

  public static ObjectMapper mapper() {
    return MAPPER.copy();
  }

  public static TableInfo parseTableInfo(String json) {
    return read(json, TableInfo.class);
  }

  public static Job parseJob(String json) {
    return read(json, Job.class);
  }

  public static DBInfo parseDbInfo(String json) {
    return read(json, DBInfo.class);
  }

  public static String toJson(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T> T read(String json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "invalid " + type.getSimpleName() + " JSON: " + e.getOriginalMessage(), e);
    }
  }
}
