package io.kafkabinlog.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaParseException;

/**
 * The registry's state: global schema ids (one id per distinct schema text), subjects with their
 * versions, compatibility levels. All mutations go through {@link #apply(JsonNode)} as JSON events,
 * which an optional {@link EventLog} persists first (see {@link KafkaEventLog}), so a restart can
 * replay them. Thread-safe (one lock).
 */
public final class SchemaStore {
  /** Compatibility levels, Confluent's names. */
  public static final Set<String> LEVELS =
      Set.of(
          "NONE",
          "BACKWARD",
          "BACKWARD_TRANSITIVE",
          "FORWARD",
          "FORWARD_TRANSITIVE",
          "FULL",
          "FULL_TRANSITIVE");

  /** Where mutations are persisted before they are applied. */
  public interface EventLog {
    /** Durably stores {@code event} under the compaction key {@code key}; throws on failure. */
    void append(String key, JsonNode event);
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final EventLog log;
  private final Map<String, Integer> idsBySchema = new HashMap<>();
  private final Map<Integer, String> schemasById = new HashMap<>();
  private final Map<String, TreeMap<Integer, Integer>> subjects = new TreeMap<>();
  private final Map<String, String> subjectLevels = new HashMap<>();
  private String globalLevel = "BACKWARD";
  private int nextId = 1;

  /** An in-memory store. */
  public SchemaStore() {
    this(null);
  }

  /** A store that persists every mutation to {@code log} (null: in memory only). */
  public SchemaStore(final EventLog log) {
    this.log = log;
  }

  /** The result of a registration or lookup. */
  public record Version(String subject, int version, int id, String schema) {}

  /** Parses and normalises a schema; 42201 if it is not valid Avro. */
  public static Schema parse(final String schemaText) {
    if (schemaText == null || schemaText.isBlank()) {
      throw new SchemaRegistryException(
          "Invalid schema: empty", 422, SchemaRegistryException.INVALID_SCHEMA);
    }
    try {
      return new Schema.Parser().parse(schemaText);
    } catch (SchemaParseException | NullPointerException e) {
      throw new SchemaRegistryException(
          "Invalid schema " + abbreviate(schemaText) + ": " + e.getMessage(),
          422,
          SchemaRegistryException.INVALID_SCHEMA);
    }
  }

  /**
   * Registers {@code schemaText} under {@code subject}: the existing version if this subject has it
   * already, else a new version after a compatibility check (409 naming the subject if it fails).
   * Ids are global: the same schema under another subject keeps its id.
   */
  public synchronized Version register(final String subject, final String schemaText) {
    Schema schema = parse(schemaText);
    String canonical = schema.toString();
    TreeMap<Integer, Integer> versions = subjects.get(subject);
    Integer existingId = idsBySchema.get(canonical);
    if (versions != null && existingId != null) {
      for (Map.Entry<Integer, Integer> e : versions.entrySet()) {
        if (e.getValue().equals(existingId)) {
          return new Version(subject, e.getKey(), existingId, canonical);
        }
      }
    }
    String level = level(subject);
    if (versions != null && !versions.isEmpty()) {
      String problem = incompatibility(schema, versions, level, true);
      if (problem != null) {
        throw new SchemaRegistryException(
            "Schema being registered is incompatible with an earlier schema for subject \""
                + subject
                + "\" (compatibility level "
                + level
                + "): "
                + problem,
            409,
            SchemaRegistryException.INCOMPATIBLE_SCHEMA);
      }
    }
    int id = existingId != null ? existingId : nextId;
    int version = versions == null || versions.isEmpty() ? 1 : versions.lastKey() + 1;
    ObjectNode event =
        JSON.createObjectNode()
            .put("type", "SCHEMA")
            .put("subject", subject)
            .put("version", version)
            .put("id", id)
            .put("schema", canonical)
            .put("deleted", false);
    persistAndApply("schema/" + subject + "/" + version, event);
    return new Version(subject, version, id, canonical);
  }

  /** The version of {@code subject} holding {@code schemaText}; 40401/40403 if none. */
  public synchronized Version lookup(final String subject, final String schemaText) {
    TreeMap<Integer, Integer> versions = requireSubject(subject);
    String canonical = parse(schemaText).toString();
    Integer id = idsBySchema.get(canonical);
    if (id != null) {
      for (Map.Entry<Integer, Integer> e : versions.entrySet()) {
        if (e.getValue().equals(id)) {
          return new Version(subject, e.getKey(), id, canonical);
        }
      }
    }
    throw new SchemaRegistryException(
        "Schema not found under subject \"" + subject + "\"",
        404,
        SchemaRegistryException.SCHEMA_NOT_FOUND);
  }

  /** The schema text with global id {@code id}; 40403 if unknown. */
  public synchronized String schemaById(final int id) {
    String s = schemasById.get(id);
    if (s == null) {
      throw new SchemaRegistryException(
          "Schema " + id + " not found", 404, SchemaRegistryException.SCHEMA_NOT_FOUND);
    }
    return s;
  }

  public synchronized List<String> subjects() {
    return new ArrayList<>(subjects.keySet());
  }

  public synchronized List<Integer> versions(final String subject) {
    return new ArrayList<>(requireSubject(subject).keySet());
  }

  /** Version {@code version} ("latest", "-1" or a number) of {@code subject}. */
  public synchronized Version version(final String subject, final String version) {
    TreeMap<Integer, Integer> versions = requireSubject(subject);
    int v = resolveVersion(versions, version);
    int id = schemaIdOf(versions, v, subject, version);
    return new Version(subject, v, id, schemasById.get(id));
  }

  private static int schemaIdOf(
      final TreeMap<Integer, Integer> versions,
      final int resolved,
      final String subject,
      final String asGiven) {
    Integer id = versions.get(resolved);
    if (id == null) {
      throw new SchemaRegistryException(
          "Version " + asGiven + " not found for subject \"" + subject + "\"",
          404,
          SchemaRegistryException.VERSION_NOT_FOUND);
    }
    return id;
  }

  /** Deletes {@code subject} (its ids stay resolvable); returns the deleted versions. */
  public synchronized List<Integer> deleteSubject(final String subject) {
    TreeMap<Integer, Integer> versions = requireSubject(subject);
    List<Integer> deleted = new ArrayList<>(versions.keySet());
    for (int v : deleted) {
      int id = versions.get(v);
      ObjectNode event =
          JSON.createObjectNode()
              .put("type", "SCHEMA")
              .put("subject", subject)
              .put("version", v)
              .put("id", id)
              .put("schema", schemasById.get(id))
              .put("deleted", true);
      persistAndApply("schema/" + subject + "/" + v, event);
    }
    return deleted;
  }

  /**
   * Whether {@code schemaText} is compatible with version {@code version} of {@code subject} under
   * the subject's level ("latest" with a transitive level checks every version). A subject without
   * versions accepts anything.
   */
  public synchronized boolean isCompatible(
      final String subject, final String version, final String schemaText) {
    Schema schema = parse(schemaText);
    TreeMap<Integer, Integer> versions = subjects.get(subject);
    if (versions == null || versions.isEmpty()) {
      if (isLatest(version)) {
        return true;
      }
      throw subjectNotFound(subject);
    }
    String level = level(subject);
    if (isLatest(version)) {
      return incompatibility(schema, versions, level, true) == null;
    }
    int v = resolveVersion(versions, version);
    int id = schemaIdOf(versions, v, subject, version);
    TreeMap<Integer, Integer> one = new TreeMap<>(Map.of(v, id));
    return incompatibility(schema, one, level, false) == null;
  }

  /** The global level. */
  public synchronized String globalLevel() {
    return globalLevel;
  }

  /** The subject's own level, else the global one. */
  public synchronized String level(final String subject) {
    return subjectLevels.getOrDefault(subject, globalLevel);
  }

  /** Sets the level of {@code subject} (null: the global level); 42203 if unknown. */
  public synchronized String setLevel(final String subject, final String level) {
    String upper = level == null ? "" : level.trim().toUpperCase(java.util.Locale.ROOT);
    if (!LEVELS.contains(upper)) {
      throw new SchemaRegistryException(
          "Invalid compatibility level "
              + level
              + "; valid: "
              + String.join(", ", new java.util.TreeSet<>(LEVELS)),
          422,
          SchemaRegistryException.INVALID_COMPATIBILITY_LEVEL);
    }
    ObjectNode event = JSON.createObjectNode().put("type", "CONFIG").put("level", upper);
    if (subject != null) {
      event.put("subject", subject);
    }
    persistAndApply("config/" + (subject == null ? "" : subject), event);
    return upper;
  }

  /** Removes the subject's own level (falls back to the global one); returns the old level. */
  public synchronized String deleteLevel(final String subject) {
    String old = level(subject);
    if (subjectLevels.containsKey(subject)) {
      ObjectNode event =
          JSON.createObjectNode().put("type", "CONFIG").put("subject", subject).putNull("level");
      persistAndApply("config/" + subject, event);
    }
    return old;
  }

  /** Applies a persisted or new event (replay entry point). */
  public synchronized void apply(final JsonNode event) {
    switch (event.path("type").asText()) {
      case "SCHEMA" -> {
        int id = event.path("id").asInt();
        String schema = event.path("schema").asText();
        idsBySchema.putIfAbsent(schema, id);
        schemasById.putIfAbsent(id, schema);
        nextId = Math.max(nextId, id + 1);
        String subject = event.path("subject").asText();
        int version = event.path("version").asInt();
        if (event.path("deleted").asBoolean()) {
          TreeMap<Integer, Integer> versions = subjects.get(subject);
          if (versions != null) {
            versions.remove(version);
            if (versions.isEmpty()) {
              subjects.remove(subject);
            }
          }
        } else {
          subjects.computeIfAbsent(subject, s -> new TreeMap<>()).put(version, id);
        }
      }
      case "CONFIG" -> {
        JsonNode level = event.path("level");
        if (!event.hasNonNull("subject")) {
          globalLevel = level.asText("BACKWARD");
        } else if (level.isNull() || level.isMissingNode()) {
          subjectLevels.remove(event.path("subject").asText());
        } else {
          subjectLevels.put(event.path("subject").asText(), level.asText());
        }
      }
      default -> throw new IllegalArgumentException("unknown registry event " + event);
    }
  }

  private void persistAndApply(final String key, final JsonNode event) {
    if (log != null) {
      try {
        log.append(key, event);
      } catch (RuntimeException e) {
        throw new SchemaRegistryException(
            "Error while persisting to the schemas topic: " + e.getMessage(),
            500,
            SchemaRegistryException.STORE_ERROR);
      }
    }
    apply(event);
  }

  /** Null if compatible, else a description of the first problem. */
  private String incompatibility(
      final Schema candidate,
      final TreeMap<Integer, Integer> versions,
      final String level,
      final boolean latestOnlyUnlessTransitive) {
    if (level.equals("NONE")) {
      return null;
    }
    boolean transitive = level.endsWith("_TRANSITIVE");
    List<Integer> toCheck =
        transitive || !latestOnlyUnlessTransitive
            ? new ArrayList<>(versions.keySet())
            : List.of(versions.lastKey());
    boolean backward = level.startsWith("BACKWARD") || level.startsWith("FULL");
    boolean forward = level.startsWith("FORWARD") || level.startsWith("FULL");
    for (int v : toCheck) {
      Schema existing = new Schema.Parser().parse(schemasById.get(versions.get(v)));
      if (backward) {
        SchemaCompatibility.SchemaPairCompatibility r =
            SchemaCompatibility.checkReaderWriterCompatibility(candidate, existing);
        if (r.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
          return "the new schema cannot read data written with version " + v + ": " + describe(r);
        }
      }
      if (forward) {
        SchemaCompatibility.SchemaPairCompatibility r =
            SchemaCompatibility.checkReaderWriterCompatibility(existing, candidate);
        if (r.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
          return "version " + v + " cannot read data written with the new schema: " + describe(r);
        }
      }
    }
    return null;
  }

  private static String describe(final SchemaCompatibility.SchemaPairCompatibility r) {
    List<String> parts = new ArrayList<>();
    for (SchemaCompatibility.Incompatibility i : r.getResult().getIncompatibilities()) {
      parts.add(i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")");
    }
    return String.join("; ", parts);
  }

  private TreeMap<Integer, Integer> requireSubject(final String subject) {
    TreeMap<Integer, Integer> versions = subjects.get(subject);
    if (versions == null || versions.isEmpty()) {
      throw subjectNotFound(subject);
    }
    return versions;
  }

  private static SchemaRegistryException subjectNotFound(final String subject) {
    return new SchemaRegistryException(
        "Subject \"" + subject + "\" not found", 404, SchemaRegistryException.SUBJECT_NOT_FOUND);
  }

  private static boolean isLatest(final String version) {
    return version.equals("latest") || version.equals("-1");
  }

  private static int resolveVersion(
      final TreeMap<Integer, Integer> versions, final String version) {
    if (isLatest(version)) {
      return versions.lastKey();
    }
    try {
      int v = Integer.parseInt(version);
      if (v < 1) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new SchemaRegistryException(
          "The specified version '"
              + version
              + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the"
              + " string \"latest\"",
          422,
          SchemaRegistryException.INVALID_VERSION);
    }
  }

  private static String abbreviate(final String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
