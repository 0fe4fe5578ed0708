package io.kafkabinlog.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST subset, over HTTP against an in-JVM server on an ephemeral port. */
class SchemaRegistryServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String V1 =
      "{\"type\":\"record\",\"name\":\"Row\",\"namespace\":\"t\",\"fields\":["
          + "{\"name\":\"id\",\"type\":\"long\"}]}";
  static final String V2_OPTIONAL =
      "{\"type\":\"record\",\"name\":\"Row\",\"namespace\":\"t\",\"fields\":["
          + "{\"name\":\"id\",\"type\":\"long\"},"
          + "{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null}]}";
  static final String V3_REQUIRED =
      "{\"type\":\"record\",\"name\":\"Row\",\"namespace\":\"t\",\"fields\":["
          + "{\"name\":\"id\",\"type\":\"long\"},"
          + "{\"name\":\"note\",\"type\":[\"null\",\"string\"],\"default\":null},"
          + "{\"name\":\"qty\",\"type\":\"int\"}]}";

  private SchemaRegistryServer server;
  private final HttpClient http = HttpClient.newHttpClient();

  record Reply(int status, JsonNode body) {}

  @BeforeEach
  void start() throws Exception {
    server = SchemaRegistryServer.start("127.0.0.1", 0, new SchemaStore());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Reply call(final String method, final String path, final String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .header("Content-Type", "application/vnd.schemaregistry.v1+json");
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValue("application/vnd.schemaregistry.v1+json");
    return new Reply(r.statusCode(), JSON.readTree(r.body()));
  }

  private static String schemaBody(final String schema) {
    return JSON.createObjectNode().put("schema", schema).toString();
  }

  @Test
  void registerDedupesAndVersions() throws Exception {
    Reply r1 = call("POST", "/subjects/a-value/versions", schemaBody(V1));
    assertThat(r1.status()).isEqualTo(200);
    assertThat(r1.body().get("id").asInt()).isEqualTo(1);
    // same schema (even formatted differently) -> same id, no new version
    Reply again =
        call("POST", "/subjects/a-value/versions", schemaBody(JSON.readTree(V1).toPrettyString()));
    assertThat(again.body().get("id").asInt()).isEqualTo(1);
    assertThat(call("GET", "/subjects/a-value/versions", null).body().toString()).isEqualTo("[1]");
    // ids are global: the same schema under another subject keeps its id
    assertThat(call("POST", "/subjects/b-value/versions", schemaBody(V1)).body().get("id").asInt())
        .isEqualTo(1);
    Reply r2 = call("POST", "/subjects/a-value/versions", schemaBody(V2_OPTIONAL));
    assertThat(r2.body().get("id").asInt()).isEqualTo(2);
    assertThat(call("GET", "/subjects/a-value/versions", null).body().toString())
        .isEqualTo("[1,2]");
    assertThat(call("GET", "/subjects", null).body().toString())
        .isEqualTo("[\"a-value\",\"b-value\"]");

    JsonNode latest = call("GET", "/subjects/a-value/versions/latest", null).body();
    assertThat(latest.get("subject").asText()).isEqualTo("a-value");
    assertThat(latest.get("version").asInt()).isEqualTo(2);
    assertThat(latest.get("id").asInt()).isEqualTo(2);
    assertThat(JSON.readTree(latest.get("schema").asText())).isEqualTo(JSON.readTree(V2_OPTIONAL));
    assertThat(call("GET", "/subjects/a-value/versions/1", null).body().get("id").asInt())
        .isEqualTo(1);
    assertThat(call("GET", "/subjects/a-value/versions/1/schema", null).body())
        .isEqualTo(JSON.readTree(V1));

    assertThat(JSON.readTree(call("GET", "/schemas/ids/2", null).body().get("schema").asText()))
        .isEqualTo(JSON.readTree(V2_OPTIONAL));
    assertThat(call("GET", "/schemas/ids/1/schema", null).body()).isEqualTo(JSON.readTree(V1));
    assertThat(call("GET", "/schemas/types", null).body().toString()).isEqualTo("[\"AVRO\"]");
  }

  @Test
  void lookup() throws Exception {
    call("POST", "/subjects/a-value/versions", schemaBody(V1));
    call("POST", "/subjects/a-value/versions", schemaBody(V2_OPTIONAL));
    Reply found = call("POST", "/subjects/a-value", schemaBody(V1));
    assertThat(found.status()).isEqualTo(200);
    assertThat(found.body().get("version").asInt()).isEqualTo(1);
    assertThat(found.body().get("id").asInt()).isEqualTo(1);
    assertThat(found.body().get("subject").asText()).isEqualTo("a-value");

    Reply missingSchema = call("POST", "/subjects/a-value", schemaBody(V3_REQUIRED));
    assertThat(missingSchema.status()).isEqualTo(404);
    assertThat(missingSchema.body().get("error_code").asInt()).isEqualTo(40403);
    Reply missingSubject = call("POST", "/subjects/nope", schemaBody(V1));
    assertThat(missingSubject.status()).isEqualTo(404);
    assertThat(missingSubject.body().get("error_code").asInt()).isEqualTo(40401);
  }

  @Test
  void notFoundCodes() throws Exception {
    call("POST", "/subjects/a-value/versions", schemaBody(V1));
    assertCode(call("GET", "/subjects/nope/versions", null), 404, 40401);
    assertCode(call("GET", "/subjects/nope/versions/latest", null), 404, 40401);
    assertCode(call("GET", "/subjects/a-value/versions/7", null), 404, 40402);
    assertCode(call("GET", "/schemas/ids/99", null), 404, 40403);
    assertCode(call("DELETE", "/subjects/nope", null), 404, 40401);
    assertCode(call("GET", "/subjects/a-value/versions/zero", null), 422, 42202);
    assertCode(
        call("POST", "/subjects/a-value/versions", schemaBody("{\"type\":\"nonsense\"}")),
        422,
        42201);
    assertCode(call("GET", "/no/such/route", null), 404, 404);
    Reply msg = call("GET", "/subjects/nope/versions", null);
    assertThat(msg.body().get("message").asText()).contains("nope");
  }

  @Test
  void deleteSubject() throws Exception {
    call("POST", "/subjects/a-value/versions", schemaBody(V1));
    call("POST", "/subjects/a-value/versions", schemaBody(V2_OPTIONAL));
    Reply del = call("DELETE", "/subjects/a-value", null);
    assertThat(del.body().toString()).isEqualTo("[1,2]");
    assertThat(call("GET", "/subjects", null).body().toString()).isEqualTo("[]");
    assertCode(call("GET", "/subjects/a-value/versions", null), 404, 40401);
    // ids stay resolvable (consumers may still hold records written with them)
    assertThat(call("GET", "/schemas/ids/2", null).status()).isEqualTo(200);
    // registering again reuses the id
    assertThat(
            call("POST", "/subjects/a-value/versions", schemaBody(V2_OPTIONAL))
                .body()
                .get("id")
                .asInt())
        .isEqualTo(2);
  }

  @Test
  void incompatibleSchemaIsRefusedWith409NamingTheSubject() throws Exception {
    call("POST", "/subjects/orders-value/versions", schemaBody(V1));
    call("POST", "/subjects/orders-value/versions", schemaBody(V2_OPTIONAL));
    Reply refused = call("POST", "/subjects/orders-value/versions", schemaBody(V3_REQUIRED));
    assertCode(refused, 409, 409);
    assertThat(refused.body().get("message").asText()).contains("orders-value").contains("qty");
    assertThat(call("GET", "/subjects/orders-value/versions", null).body().toString())
        .isEqualTo("[1,2]");
  }

  @Test
  void compatibilityEndpoint() throws Exception {
    // no subject yet: anything goes for "latest"
    assertThat(compatible("c-value", "latest", V1)).isTrue();
    call("POST", "/subjects/c-value/versions", schemaBody(V1));
    assertThat(compatible("c-value", "latest", V2_OPTIONAL)).isTrue();
    assertThat(compatible("c-value", "1", V2_OPTIONAL)).isTrue();
    String requiredOnly =
        "{\"type\":\"record\",\"name\":\"Row\",\"namespace\":\"t\",\"fields\":["
            + "{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"qty\",\"type\":\"int\"}]}";
    assertThat(compatible("c-value", "latest", requiredOnly)).isFalse();
    assertCode(
        call("POST", "/compatibility/subjects/c-value/versions/5", schemaBody(V1)), 404, 40402);
  }

  @Test
  void config() throws Exception {
    assertThat(call("GET", "/config", null).body().get("compatibilityLevel").asText())
        .isEqualTo("BACKWARD");
    // @kafkajs/confluent-schema-registry needs the subject form to answer BACKWARD by default
    assertThat(call("GET", "/config/any-value", null).body().get("compatibilityLevel").asText())
        .isEqualTo("BACKWARD");
    Reply put = call("PUT", "/config/loose-value", "{\"compatibility\":\"NONE\"}");
    assertThat(put.body().get("compatibility").asText()).isEqualTo("NONE");
    assertThat(call("GET", "/config/loose-value", null).body().get("compatibilityLevel").asText())
        .isEqualTo("NONE");
    assertCode(call("PUT", "/config", "{\"compatibility\":\"SOMETIMES\"}"), 422, 42203);

    // NONE: an incompatible change registers
    call("POST", "/subjects/loose-value/versions", schemaBody(V2_OPTIONAL));
    String unrelated =
        "{\"type\":\"record\",\"name\":\"Other\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}";
    assertThat(call("POST", "/subjects/loose-value/versions", schemaBody(unrelated)).status())
        .isEqualTo(200);
    // back to the global level
    assertThat(
            call("DELETE", "/config/loose-value", null).body().get("compatibilityLevel").asText())
        .isEqualTo("NONE");
    assertThat(call("GET", "/config/loose-value", null).body().get("compatibilityLevel").asText())
        .isEqualTo("BACKWARD");

    // FORWARD: removing a field without default is forward compatible, adding a required one is not
    call("PUT", "/config", "{\"compatibility\":\"FORWARD\"}");
    call("POST", "/subjects/f-value/versions", schemaBody(V2_OPTIONAL));
    assertThat(call("POST", "/subjects/f-value/versions", schemaBody(V3_REQUIRED)).status())
        .isEqualTo(200);
    assertCode(
        call("POST", "/subjects/f-value/versions", schemaBody(V1.replace("long", "string"))),
        409,
        409);
  }

  private boolean compatible(final String subject, final String version, final String schema)
      throws Exception {
    Reply r =
        call(
            "POST",
            "/compatibility/subjects/" + subject + "/versions/" + version,
            schemaBody(schema));
    assertThat(r.status()).isEqualTo(200);
    return r.body().get("is_compatible").asBoolean();
  }

  private static void assertCode(final Reply r, final int status, final int code) {
    assertThat(r.status()).as("HTTP status of %s", r.body()).isEqualTo(status);
    assertThat(r.body().get("error_code").asInt()).as("error_code of %s", r.body()).isEqualTo(code);
    assertThat(r.body().get("message").asText()).isNotBlank();
  }
}
