package io.kafkabinlog.mysqlsink.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkabinlog.common.net.HostPort;
import io.kafkabinlog.common.tso.Tso;
import io.kafkabinlog.mysqlsink.metrics.SinkStatus;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SinkStatusServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long NOW = 1_700_000_000_000L;
  private final AtomicReference<SinkStatus> status =
      new AtomicReference<>(new SinkStatus(NOW, 0, 0, 0, 0, 0, 0, 0, "", -1));
  private final HttpClient http = HttpClient.newHttpClient();
  private SinkStatusServer server;

  @BeforeEach
  void start() {
    server =
        new SinkStatusServer(
                new HostPort("127.0.0.1", 0),
                new SinkStatusServer.Info("7", "transactional", "binlog.7.txn", "g"),
                status::get,
                new PrometheusRegistry())
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> get(final String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void statusShowsTheCheckpointItsLagAndTheCounts() throws Exception {
    final long checkpoint = Tso.compose(NOW - 1_500, 3);
    status.set(new SinkStatus(NOW, checkpoint, 5, 1, 2, 40, 3, 4, "boom", 99));
    final HttpResponse<String> reply = get("/status");
    assertThat(reply.statusCode()).isEqualTo(200);
    final JsonNode root = JSON.readTree(reply.body());
    assertThat(root.path("clusterId").asText()).isEqualTo("7");
    assertThat(root.path("txnTopic").asText()).isEqualTo("binlog.7.txn");
    assertThat(root.path("checkpoint").path("commitTs").asLong()).isEqualTo(checkpoint);
    assertThat(root.path("checkpoint").path("time").asText())
        .isEqualTo(Tso.toInstant(checkpoint).toString());
    assertThat(root.path("checkpoint").path("lagMs").asLong()).isEqualTo(1_500);
    assertThat(root.path("applied").path("txns").asLong()).isEqualTo(5);
    assertThat(root.path("applied").path("rows").asLong()).isEqualTo(40);
    assertThat(root.path("applied").path("recordedOnlyTxns").asLong()).isEqualTo(1);
    assertThat(root.path("applied").path("alreadyAppliedTxns").asLong()).isEqualTo(2);
    assertThat(root.path("inFlight").asLong()).isEqualTo(3);
    assertThat(root.path("retries").asLong()).isEqualTo(4);
    assertThat(root.path("lastError").asText()).isEqualTo("boom");
    assertThat(root.path("kafkaOffsetCommitted").asLong()).isEqualTo(99);
    assertThat(JSON.readTree(get("/commit_ts").body()).path("data").path("ts").asLong())
        .isEqualTo(checkpoint);
  }

  @Test
  void beforeTheFirstCheckpointTheUnknownsAreNull() throws Exception {
    final JsonNode root = JSON.readTree(get("/status").body());
    assertThat(root.get("checkpoint").isNull()).isTrue();
    assertThat(root.get("kafkaOffsetCommitted").isNull()).isTrue();
  }

  @Test
  void metricsAndErrors() throws Exception {
    assertThat(get("/metrics").statusCode()).isEqualTo(200);
    assertThat(get("/nope").statusCode()).isEqualTo(404);
    assertThat(
            http.send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/status"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .statusCode())
        .isEqualTo(405);
  }
}
