package io.kafkabinlog.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Client for the Confluent schema-registry REST API subset we use (works against our {@link
 * SchemaRegistryServer} and a real Confluent registry). Thread-safe; ids and registrations are
 * cached, since ids are immutable.
 */
public final class SchemaRegistryClient {
  /** The configuration key that holds the registry URL, named in connection errors. */
  public static final String URL_CONFIG = "schema-registry.url";

  static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String baseUrl;
  private final Duration timeout;
  private final HttpClient http;
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
  private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();

  public SchemaRegistryClient(final String baseUrl) {
    this(baseUrl, Duration.ofSeconds(10));
  }

  public SchemaRegistryClient(final String baseUrl, final Duration timeout) {
    if (baseUrl == null || baseUrl.isBlank()) {
      throw new IllegalArgumentException(
          "no schema registry URL: set " + URL_CONFIG + " (e.g. http://127.0.0.1:8081)");
    }
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  public String baseUrl() {
    return baseUrl;
  }

  /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
  public int register(final String subject, final Schema schema) {
    Map<Schema, Integer> cache =
        idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
    Integer cached = cache.get(schema);
    if (cached != null) {
      return cached;
    }
    JsonNode reply = call("POST", "/subjects/" + enc(subject) + "/versions", schemaBody(schema));
    int id = reply.path("id").asInt();
    cache.put(schema, id);
    schemasById.putIfAbsent(id, schema);
    return id;
  }

  /** The version of {@code subject} that holds {@code schema}; 40401/40403 if none. */
  public RegisteredSchema lookup(final String subject, final Schema schema) {
    return toRegistered(call("POST", "/subjects/" + enc(subject), schemaBody(schema)));
  }

  /** The schema with global id {@code id} (cached). */
  public Schema getById(final int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    JsonNode reply = call("GET", "/schemas/ids/" + id, null);
    Schema schema = new Schema.Parser().parse(reply.path("schema").asText());
    schemasById.putIfAbsent(id, schema);
    return schema;
  }

  /** The latest version of {@code subject}. */
  public RegisteredSchema latest(final String subject) {
    return version(subject, "latest");
  }

  /** Version {@code version} ("latest" or a number) of {@code subject}. */
  public RegisteredSchema version(final String subject, final String version) {
    return toRegistered(call("GET", "/subjects/" + enc(subject) + "/versions/" + version, null));
  }

  /** Whether {@code schema} may be registered as the next version of {@code subject}. */
  public boolean isCompatible(final String subject, final Schema schema) {
    JsonNode reply =
        call(
            "POST",
            "/compatibility/subjects/" + enc(subject) + "/versions/latest",
            schemaBody(schema));
    return reply.path("is_compatible").asBoolean();
  }

  /** All subjects. */
  public List<String> subjects() {
    List<String> out = new ArrayList<>();
    call("GET", "/subjects", null).forEach(n -> out.add(n.asText()));
    return out;
  }

  /** The versions of {@code subject}. */
  public List<Integer> versions(final String subject) {
    List<Integer> out = new ArrayList<>();
    call("GET", "/subjects/" + enc(subject) + "/versions", null).forEach(n -> out.add(n.asInt()));
    return out;
  }

  /** Deletes {@code subject}; returns the versions it had. */
  public List<Integer> deleteSubject(final String subject) {
    idsBySubject.remove(subject);
    List<Integer> out = new ArrayList<>();
    call("DELETE", "/subjects/" + enc(subject), null).forEach(n -> out.add(n.asInt()));
    return out;
  }

  /** The effective compatibility level of {@code subject}, or the global one if null. */
  public String compatibility(final String subject) {
    String path = subject == null ? "/config" : "/config/" + enc(subject);
    return call("GET", path, null).path("compatibilityLevel").asText();
  }

  /** Sets the compatibility level of {@code subject}, or the global one if null. */
  public void setCompatibility(final String subject, final String level) {
    String path = subject == null ? "/config" : "/config/" + enc(subject);
    ObjectNode body = JSON.createObjectNode().put("compatibility", level);
    call("PUT", path, body.toString());
  }

  private static String schemaBody(final Schema schema) {
    return JSON.createObjectNode().put("schema", schema.toString()).toString();
  }

  private static RegisteredSchema toRegistered(final JsonNode n) {
    return new RegisteredSchema(
        n.path("subject").asText(),
        n.path("version").asInt(),
        n.path("id").asInt(),
        new Schema.Parser().parse(n.path("schema").asText()));
  }

  private static String enc(final String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private JsonNode call(final String method, final String path, final String body) {
    String url = baseUrl + path;
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(timeout)
            .header("Accept", CONTENT_TYPE + ", application/json");
    if (body != null) {
      req.header("Content-Type", CONTENT_TYPE);
      req.method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    } else {
      req.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> resp;
    try {
      resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new SchemaRegistryException(
          "schema registry unreachable at "
              + baseUrl
              + " (config key "
              + URL_CONFIG
              + "): "
              + method
              + " "
              + path
              + " failed: "
              + e,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException(
          "interrupted while calling the schema registry at " + baseUrl, e);
    }
    JsonNode json;
    try {
      json = resp.body().isEmpty() ? JSON.nullNode() : JSON.readTree(resp.body());
    } catch (IOException e) {
      throw new SchemaRegistryException(
          "schema registry at "
              + baseUrl
              + " answered "
              + method
              + " "
              + path
              + " with HTTP "
              + resp.statusCode()
              + " and a body that is not JSON: "
              + abbreviate(resp.body()),
          resp.statusCode(),
          -1);
    }
    if (resp.statusCode() / 100 != 2) {
      int code = json.path("error_code").asInt(resp.statusCode());
      String message = json.path("message").asText(abbreviate(resp.body()));
      throw new SchemaRegistryException(
          "schema registry at "
              + baseUrl
              + ": "
              + method
              + " "
              + path
              + " failed with HTTP "
              + resp.statusCode()
              + ", error_code "
              + code
              + ": "
              + message,
          resp.statusCode(),
          code);
    }
    return json;
  }

  private static String abbreviate(final String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }
}
