package io.kafkabinlog.mysqlsink.checkpoint;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The value of the compatible checkpoint row ({@code checkPoint} column), as the original drainer
 * writes it: {@code {"consistent":false,"commitTS":N,"ts-map":{},"schema-version":N}}. Every
 * upstream transaction with a commit_ts at or below {@code commitTs} has been applied.
 *
 * @param consistent true only after a clean shutdown (the original's relay-log recovery reads it)
 * @param tsMap the original's primary/secondary ts pair for downstream TiDB; empty for MariaDB
 * @param schemaVersion the upstream schema version at the checkpoint (0 when unknown)
 */
public record Checkpoint(
    boolean consistent, long commitTs, Map<String, Long> tsMap, long schemaVersion) {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  public Checkpoint {
    // Go's encoding/json writes map keys sorted; a TreeMap keeps the text identical.
    tsMap = Collections.unmodifiableMap(new TreeMap<>(tsMap == null ? Map.of() : tsMap));
  }

  /**
   * The checkpoint of a sink that has applied nothing yet: replay starts after {@code commitTs}.
   */
  public static Checkpoint initial(final long commitTs) {
    return new Checkpoint(false, commitTs, Map.of(), 0);
  }

  public Checkpoint withCommitTs(final long newCommitTs) {
    return new Checkpoint(consistent, newCommitTs, tsMap, schemaVersion);
  }

  /** The JSON text, byte for byte what the original drainer writes for the same values. */
  public String toJson() {
    final StringWriter out = new StringWriter();
    try (JsonGenerator json = FACTORY.createGenerator(out)) {
      json.writeStartObject();
      json.writeBooleanField("consistent", consistent);
      json.writeNumberField("commitTS", commitTs);
      json.writeObjectFieldStart("ts-map");
      for (final Map.Entry<String, Long> entry : tsMap.entrySet()) {
        json.writeNumberField(entry.getKey(), entry.getValue());
      }
      json.writeEndObject();
      json.writeNumberField("schema-version", schemaVersion);
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to a StringWriter", e);
    }
    return out.toString();
  }

  /**
   * Reads the JSON of any drainer version, as Go's decoder would: fields matched without regard to
   * case, missing fields are zero ({@code consistent} and {@code schema-version} came late), {@code
   * "ts-map":null} is empty, unknown fields are ignored.
   *
   * @throws FatalBinlogException {@link ErrorCode#MALFORMED_INPUT} if the text is not a JSON object
   *     or a field has the wrong type
   */
  public static Checkpoint parse(final String text) {
    final JsonNode root;
    try {
      root = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw malformed(text, e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw malformed(text, "not a JSON object", null);
    }
    boolean consistent = false;
    long commitTs = 0;
    long schemaVersion = 0;
    final Map<String, Long> tsMap = new TreeMap<>();
    for (final Map.Entry<String, JsonNode> field : root.properties()) {
      final String name = field.getKey();
      final JsonNode value = field.getValue();
      if (value.isNull()) {
        continue; // Go leaves the field at its zero value
      }
      if ("consistent".equalsIgnoreCase(name)) {
        if (!value.isBoolean()) {
          throw malformed(text, "consistent is not a boolean", null);
        }
        consistent = value.booleanValue();
      } else if ("commitTS".equalsIgnoreCase(name)) {
        commitTs = integer(text, name, value);
      } else if ("schema-version".equalsIgnoreCase(name)) {
        schemaVersion = integer(text, name, value);
      } else if ("ts-map".equalsIgnoreCase(name)) {
        if (!value.isObject()) {
          throw malformed(text, "ts-map is not an object", null);
        }
        for (final Map.Entry<String, JsonNode> entry : value.properties()) {
          tsMap.put(entry.getKey(), integer(text, entry.getKey(), entry.getValue()));
        }
      }
    }
    return new Checkpoint(consistent, commitTs, tsMap, schemaVersion);
  }

  private static long integer(final String text, final String name, final JsonNode value) {
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw malformed(text, name + " is not a 64-bit integer", null);
    }
    return value.longValue();
  }

  private static FatalBinlogException malformed(
      final String text, final String why, final Throwable cause) {
    return new FatalBinlogException(
        ErrorCode.MALFORMED_INPUT, "checkpoint JSON " + why + ": " + text, cause);
  }
}
