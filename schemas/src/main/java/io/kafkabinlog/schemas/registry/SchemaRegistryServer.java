package io.kafkabinlog.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small schema registry speaking the Confluent REST API subset our components and common clients
 * use (JDK {@link HttpServer} + Jackson, Avro only):
 *
 * <pre>
 * POST   /subjects/{s}/versions                  register -> {"id"}
 * POST   /subjects/{s}                           lookup -> {"subject","version","id","schema"}
 * GET    /schemas/ids/{id}[/schema]              schema by global id
 * GET    /schemas/types                          ["AVRO"]
 * GET    /subjects                               subject names
 * GET    /subjects/{s}/versions                  version numbers
 * GET    /subjects/{s}/versions/{v|latest}[/schema]
 * DELETE /subjects/{s}                           deleted version numbers
 * POST   /compatibility/subjects/{s}/versions/{v|latest}   {"is_compatible"}
 * GET|PUT /config, GET|PUT|DELETE /config/{s}    compatibility level (default BACKWARD)
 * </pre>
 *
 * Errors are Confluent-style {@code {"error_code":..,"message":..}} bodies.
 */
public final class SchemaRegistryServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SchemaStore store;
  private final HttpServer server;
  private final ExecutorService executor;

  private SchemaRegistryServer(
      final SchemaStore store, final HttpServer server, final ExecutorService executor) {
    this.store = store;
    this.server = server;
    this.executor = executor;
  }

  /** Starts a server on {@code host:port} (port 0: an ephemeral port) over {@code store}. */
  public static SchemaRegistryServer start(
      final String host, final int port, final SchemaStore store) throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 64);
    ExecutorService executor =
        Executors.newFixedThreadPool(
            8,
            r -> {
              Thread t = new Thread(r, "schema-registry-http");
              t.setDaemon(true);
              return t;
            });
    SchemaRegistryServer s = new SchemaRegistryServer(store, http, executor);
    http.createContext("/", s::handle);
    http.setExecutor(executor);
    http.start();
    return s;
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** {@code http://host:port}. */
  public String url() {
    return "http://" + server.getAddress().getHostString() + ":" + port();
  }

  public SchemaStore store() {
    return store;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(final HttpExchange ex) throws IOException {
    try (ex) {
      int status = 200;
      JsonNode reply;
      String raw = null;
      try {
        Object result = route(ex);
        if (result instanceof RawSchema r) {
          raw = r.text();
          reply = null;
        } else {
          reply = (JsonNode) result;
        }
      } catch (SchemaRegistryException e) {
        status = e.httpStatus();
        reply = error(e.errorCode(), e.getMessage());
      } catch (HttpError e) {
        status = e.status;
        reply = error(e.status, e.getMessage());
      } catch (RuntimeException e) {
        LOG.error("{} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
        status = 500;
        reply = error(50001, "Internal error: " + e);
      }
      byte[] body =
          (raw != null ? raw : JSON.writeValueAsString(reply)).getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", SchemaRegistryClient.CONTENT_TYPE);
      ex.sendResponseHeaders(status, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private record RawSchema(String text) {}

  private static final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    HttpError(final int status, final String message) {
      super(message);
      this.status = status;
    }
  }

  private static ObjectNode error(final int code, final String message) {
    return JSON.createObjectNode().put("error_code", code).put("message", message);
  }

  private Object route(final HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    List<String> p = segments(ex.getRequestURI());
    int n = p.size();
    if (n == 0) {
      return JSON.createObjectNode();
    }
    switch (p.get(0)) {
      case "subjects" -> {
        if (n == 1 && method.equals("GET")) {
          return array(store.subjects());
        }
        if (n < 2) {
          break;
        }
        String subject = p.get(1);
        if (n == 2 && method.equals("POST")) {
          return version(store.lookup(subject, schemaOf(ex)));
        }
        if (n == 2 && method.equals("DELETE")) {
          return intArray(store.deleteSubject(subject));
        }
        if (n >= 3 && p.get(2).equals("versions")) {
          if (n == 3 && method.equals("GET")) {
            return intArray(store.versions(subject));
          }
          if (n == 3 && method.equals("POST")) {
            SchemaStore.Version v = store.register(subject, schemaOf(ex));
            return JSON.createObjectNode().put("id", v.id());
          }
          if (n == 4 && method.equals("GET")) {
            return version(store.version(subject, p.get(3)));
          }
          if (n == 5 && p.get(4).equals("schema") && method.equals("GET")) {
            return new RawSchema(store.version(subject, p.get(3)).schema());
          }
        }
      }
      case "schemas" -> {
        if (n == 2 && p.get(1).equals("types") && method.equals("GET")) {
          return JSON.createArrayNode().add("AVRO");
        }
        if (n >= 3 && p.get(1).equals("ids") && method.equals("GET")) {
          int id = parseId(p.get(2));
          if (n == 3) {
            return JSON.createObjectNode().put("schema", store.schemaById(id));
          }
          if (n == 4 && p.get(3).equals("schema")) {
            return new RawSchema(store.schemaById(id));
          }
        }
      }
      case "compatibility" -> {
        if (n == 5
            && p.get(1).equals("subjects")
            && p.get(3).equals("versions")
            && method.equals("POST")) {
          boolean ok = store.isCompatible(p.get(2), p.get(4), schemaOf(ex));
          return JSON.createObjectNode().put("is_compatible", ok);
        }
      }
      case "config" -> {
        String subject = n >= 2 ? p.get(1) : null;
        if (n <= 2 && method.equals("GET")) {
          String level = subject == null ? store.globalLevel() : store.level(subject);
          return JSON.createObjectNode().put("compatibilityLevel", level);
        }
        if (n <= 2 && method.equals("PUT")) {
          JsonNode body = body(ex);
          String level = store.setLevel(subject, body.path("compatibility").asText(null));
          return JSON.createObjectNode().put("compatibility", level);
        }
        if (n == 2 && method.equals("DELETE")) {
          return JSON.createObjectNode().put("compatibilityLevel", store.deleteLevel(subject));
        }
      }
      default -> {}
    }
    throw new HttpError(404, "HTTP 404 Not Found: " + method + " " + ex.getRequestURI().getPath());
  }

  private static int parseId(final String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new SchemaRegistryException(
          "Schema " + s + " not found", 404, SchemaRegistryException.SCHEMA_NOT_FOUND);
    }
  }

  private static JsonNode body(final HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      byte[] bytes = in.readAllBytes();
      if (bytes.length == 0) {
        throw new HttpError(400, "request body is empty");
      }
      try {
        return JSON.readTree(bytes);
      } catch (IOException e) {
        throw new HttpError(400, "request body is not JSON: " + e.getMessage());
      }
    }
  }

  private static String schemaOf(final HttpExchange ex) throws IOException {
    JsonNode body = body(ex);
    String type = body.path("schemaType").asText("AVRO");
    if (!type.equals("AVRO")) {
      throw new SchemaRegistryException(
          "Invalid schema: schemaType " + type + " is not supported (AVRO only)",
          422,
          SchemaRegistryException.INVALID_SCHEMA);
    }
    JsonNode schema = body.get("schema");
    if (schema == null || !schema.isTextual()) {
      throw new SchemaRegistryException(
          "Invalid schema: the body needs a \"schema\" string",
          422,
          SchemaRegistryException.INVALID_SCHEMA);
    }
    return schema.asText();
  }

  private static ObjectNode version(final SchemaStore.Version v) {
    return JSON.createObjectNode()
        .put("subject", v.subject())
        .put("version", v.version())
        .put("id", v.id())
        .put("schema", v.schema());
  }

  private static ArrayNode array(final List<String> values) {
    ArrayNode a = JSON.createArrayNode();
    values.forEach(a::add);
    return a;
  }

  private static ArrayNode intArray(final List<Integer> values) {
    ArrayNode a = JSON.createArrayNode();
    values.forEach(a::add);
    return a;
  }

  private static List<String> segments(final URI uri) {
    List<String> out = new ArrayList<>();
    for (String s : uri.getRawPath().split("/")) {
      if (!s.isEmpty()) {
        out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
      }
    }
    return out;
  }
}
