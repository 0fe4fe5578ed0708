package io.kafkabinlog.pump.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkabinlog.common.http.LifecycleActions;
import io.kafkabinlog.common.net.HostPort;
import io.kafkabinlog.common.registry.NodeState;
import io.kafkabinlog.common.registry.NodeStatus;
import io.kafkabinlog.pump.config.PumpConfig;
import io.kafkabinlog.pump.security.TestCertificates;
import io.kafkabinlog.pump.security.TlsContexts;
import io.kafkabinlog.pump.state.PumpPhase;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PumpStatusServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final NodeStatus SELF =
      new NodeStatus(
          "pump-1", "127.0.0.1:8250", NodeState.ONLINE, false, 0, null, 42, 43, "127.0.0.1:8251");
  private static final NodeStatus OTHER =
      new NodeStatus(
          "pump-2",
          "10.0.0.2:8250",
          NodeState.PAUSED,
          false,
          0,
          new NodeStatus.Label(Map.of("zone", "a")),
          40,
          41,
          null);
  private static final NodeStatus DRAINER =
      NodeStatus.of("drainer-1", "10.0.0.9:8249", NodeState.ONLINE);

  /** A source whose answers the tests set. */
  private static final class FakeSource implements StatusSource {
    List<NodeStatus> pumps = List.of(SELF, OTHER);
    RuntimeException tsoFailure;

    @Override
    public String nodeId() {
      return "pump-1";
    }

    @Override
    public List<NodeStatus> pumps() {
      return pumps;
    }

    @Override
    public List<NodeStatus> drainers() {
      return List.of(DRAINER);
    }

    @Override
    public long freshTso() {
      if (tsoFailure != null) {
        throw tsoFailure;
      }
      return 449_000_000_000_000_000L;
    }

    @Override
    public PumpStatusDetails details() {
      return new PumpStatusDetails(
          PumpPhase.ONLINE,
          "binlog.1.raw",
          3,
          42,
          2,
          1500,
          Optional.of(1_700_000_000_000L),
          PumpStatusDetails.Health.healthy(),
          PumpStatusDetails.Health.failing("etcd timed out"));
    }
  }

  /** Records the actions; refuses when {@code refusal} is set, as a pump that is not online. */
  private static final class FakeActions implements LifecycleActions {
    final List<String> applied = new ArrayList<>();
    String refusal;

    @Override
    public void pause() {
      apply("pause");
    }

    @Override
    public void close() {
      apply("close");
    }

    private void apply(final String action) {
      if (refusal != null) {
        throw new IllegalStateException(refusal);
      }
      applied.add(action);
    }
  }

  @TempDir Path dir;
  private final FakeSource source = new FakeSource();
  private final FakeActions actions = new FakeActions();
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private PumpStatusServer server;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private String start() {
    server =
        new PumpStatusServer(
                new HostPort("127.0.0.1", 0), Optional.empty(), source, actions, registry)
            .start();
    return "http://127.0.0.1:" + server.port();
  }

  private HttpResponse<String> send(final String method, final String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void statusHasTheOriginalShapeWithEveryPumpAndOurDetails() throws Exception {
    final HttpResponse<String> r = send("GET", start() + "/status");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    // The node JSON is the registry's, byte for byte.
    assertThat(r.body())
        .contains(
            "\"pump-1\":{\"nodeId\":\"pump-1\",\"host\":\"127.0.0.1:8250\",\"state\":\"online\","
                + "\"isAlive\":false,\"score\":0,\"label\":null,\"maxCommitTS\":42,\"updateTS\":43,"
                + "\"statusAddr\":\"127.0.0.1:8251\"}")
        .contains(
            "\"pump-2\":{\"nodeId\":\"pump-2\",\"host\":\"10.0.0.2:8250\",\"state\":\"paused\","
                + "\"isAlive\":false,\"score\":0,\"label\":{\"labels\":{\"zone\":\"a\"}},"
                + "\"maxCommitTS\":40,\"updateTS\":41}");
    final JsonNode body = JSON.readTree(r.body());
    assertThat(body.fieldNames())
        .toIterable()
        .containsExactly("status", "CommitTS", "Checkpoint", "ErrMsg", "pump");
    assertThat(body.get("CommitTS").asLong()).isEqualTo(449_000_000_000_000_000L);
    assertThat(body.get("Checkpoint").toString()).isEqualTo("{\"suffix\":0,\"offset\":0}");
    assertThat(body.get("ErrMsg").asText()).isEmpty();
    final JsonNode pump = body.get("pump");
    assertThat(pump.get("phase").asText()).isEqualTo("online");
    assertThat(pump.get("rawTopic").asText()).isEqualTo("binlog.1.raw");
    assertThat(pump.get("partition").asInt()).isEqualTo(3);
    assertThat(pump.get("maxCommitTS").asLong()).isEqualTo(42);
    assertThat(pump.get("pendingPrewrites").asInt()).isEqualTo(2);
    assertThat(pump.get("oldestPendingAgeMs").asLong()).isEqualTo(1500);
    assertThat(pump.get("lastWriteEpochMs").asLong()).isEqualTo(1_700_000_000_000L);
    assertThat(pump.get("kafka").toString()).isEqualTo("{\"ok\":true,\"error\":\"\"}");
    assertThat(pump.get("etcd").toString())
        .isEqualTo("{\"ok\":false,\"error\":\"etcd timed out\"}");
  }

  @Test
  void aTsoFailureIsReportedInErrMsg() throws Exception {
    source.tsoFailure = new IllegalStateException("PD unreachable");
    final JsonNode body = JSON.readTree(send("GET", start() + "/status").body());
    assertThat(body.get("CommitTS").asLong()).isZero();
    assertThat(body.get("ErrMsg").asText()).contains("PD unreachable");
    assertThat(body.get("status").has("pump-1")).isTrue();
  }

  @Test
  void drainersAreAnArrayOfNodeJson() throws Exception {
    final HttpResponse<String> r = send("GET", start() + "/drainers");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .isEqualTo(
            "[{\"nodeId\":\"drainer-1\",\"host\":\"10.0.0.9:8249\",\"state\":\"online\","
                + "\"isAlive\":false,\"score\":0,\"label\":null,\"maxCommitTS\":0,\"updateTS\":0}]");
  }

  @Test
  void pauseAndCloseAreAppliedToThisNode() throws Exception {
    final String base = start();
    HttpResponse<String> r = send("PUT", base + "/state/pump-1/pause");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .isEqualTo("{\"message\":\"apply action pause success!\",\"code\":200,\"data\":null}");
    r = send("PUT", base + "/state/pump-1/close");
    assertThat(r.body()).contains("apply action close success!");
    assertThat(actions.applied).containsExactly("pause", "close");
  }

  @Test
  void actionErrorsAreCode3WithHttp200() throws Exception {
    final String base = start();
    HttpResponse<String> r = send("PUT", base + "/state/pump-2/pause");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("code").asInt()).isEqualTo(3);
    assertThat(body.get("message").asText()).contains("pump-2").contains("pump-1");
    assertThat(body.get("data").isNull()).isTrue();

    body = JSON.readTree(send("PUT", base + "/state/pump-1/explode").body());
    assertThat(body.get("code").asInt()).isEqualTo(3);
    assertThat(body.get("message").asText()).contains("invalid action explode");

    actions.refusal = "this pump's state is paused, apply pause failed!";
    body = JSON.readTree(send("PUT", base + "/state/pump-1/pause").body());
    assertThat(body.get("code").asInt()).isEqualTo(3);
    assertThat(body.get("message").asText())
        .isEqualTo("this pump's state is paused, apply pause failed!");
    assertThat(actions.applied).isEmpty();
  }

  @Test
  void metricsAreThePrometheusText() throws Exception {
    Counter.builder()
        .name("binlog_pump_test_total")
        .help("a test counter")
        .register(registry)
        .inc(7);
    final HttpResponse<String> r = send("GET", start() + "/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    assertThat(r.body()).contains("binlog_pump_test_total 7.0");
  }

  @Test
  void unknownPathsAre404AndWrongMethods405() throws Exception {
    final String base = start();
    assertThat(send("GET", base + "/nope").statusCode()).isEqualTo(404);
    assertThat(send("GET", base + "/state/pump-1").statusCode()).isEqualTo(404);
    final HttpResponse<String> r = send("POST", base + "/status");
    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("Allow")).contains("GET");
    assertThat(send("GET", base + "/state/pump-1/pause").statusCode()).isEqualTo(405);
    assertThat(actions.applied).isEmpty();
  }

  private static SSLContext trustOnly(final Path caFile) throws Exception {
    final java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
    store.load(null, null);
    try (var in = java.nio.file.Files.newInputStream(caFile)) {
      store.setCertificateEntry(
          "ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    final javax.net.ssl.TrustManagerFactory tmf =
        javax.net.ssl.TrustManagerFactory.getInstance(
            javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    final SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  @Test
  void withTlsItServesHttpsToClientsWithACertificate() throws Exception {
    final TestCertificates certs = TestCertificates.create(dir);
    final PumpConfig.Security serverSecurity = certs.server("pump", List.of());
    server =
        new PumpStatusServer(
                new HostPort("127.0.0.1", 0),
                Optional.of(TlsContexts.statusServer(serverSecurity)),
                source,
                actions,
                registry)
            .start();
    final SSLContext clientContext = TlsContexts.statusServer(certs.client("ctl", "binlogctl"));
    final HttpClient tlsClient = HttpClient.newBuilder().sslContext(clientContext).build();
    final HttpResponse<String> r =
        tlsClient.send(
            HttpRequest.newBuilder(URI.create("https://localhost:" + server.port() + "/status"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()).get("status").has("pump-1")).isTrue();
    // The server requires a client certificate (ssl-ca is set): a client with none is refused.
    final HttpClient anonymous = HttpClient.newBuilder().sslContext(trustOnly(certs.ca())).build();
    assertThatThrownBy(
            () ->
                anonymous.send(
                    HttpRequest.newBuilder(
                            URI.create("https://localhost:" + server.port() + "/status"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(java.io.IOException.class);
    // Plain HTTP gets no answer from a TLS port.
    assertThatThrownBy(() -> send("GET", "http://127.0.0.1:" + server.port() + "/status"))
        .isInstanceOf(java.io.IOException.class);

    // Without ssl-ca no client certificate is asked for: the same anonymous client is served.
    server.close();
    final PumpConfig.Security noCa =
        new PumpConfig.Security(
            Optional.empty(), serverSecurity.sslCert(), serverSecurity.sslKey(), List.of());
    server =
        new PumpStatusServer(
                new HostPort("127.0.0.1", 0),
                Optional.of(TlsContexts.statusServer(noCa)),
                source,
                actions,
                registry)
            .start();
    assertThat(
            anonymous
                .send(
                    HttpRequest.newBuilder(
                            URI.create("https://localhost:" + server.port() + "/status"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(200);
  }
}
