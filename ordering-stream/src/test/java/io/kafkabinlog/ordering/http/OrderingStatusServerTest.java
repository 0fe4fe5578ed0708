package io.kafkabinlog.ordering.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkabinlog.common.net.HostPort;
import io.kafkabinlog.common.tso.Tso;
import io.kafkabinlog.ordering.metrics.OrderingMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OrderingStatusServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long NOW = 1_700_000_000_000L;

  private final OrderingMetrics metrics =
      new OrderingMetrics(
          new PrometheusRegistry(), Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
  private final HttpClient http = HttpClient.newHttpClient();
  private OrderingStatusServer server;

  @BeforeEach
  void start() {
    server =
        new OrderingStatusServer(
                new HostPort("127.0.0.1", 0),
                new OrderingStatusServer.Info(
                    "binlog.42.ordering-stream",
                    "42",
                    Map.of("raw", "binlog.42.raw", "txn", "binlog.42.txn")),
                metrics::snapshot,
                metrics.registry())
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> send(final String method, final String path)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode status() throws IOException, InterruptedException {
    final HttpResponse<String> response = send("GET", "/status");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .contains("application/json; charset=utf-8");
    return JSON.readTree(response.body());
  }

  @Test
  void statusBeforeAnythingHappenedHasTheOriginalFieldsAndNulls() throws Exception {
    final JsonNode root = status();
    assertThat(root.get("PumpPos").isEmpty()).isTrue();
    assertThat(root.get("Synced").asBoolean()).isFalse(); // not running yet
    assertThat(root.get("LastTS").asLong()).isZero();
    assertThat(root.get("TsMap").asText()).isEmpty();
    final JsonNode ordering = root.get("ordering");
    assertThat(ordering.get("applicationId").asText()).isEqualTo("binlog.42.ordering-stream");
    assertThat(ordering.get("clusterId").asText()).isEqualTo("42");
    assertThat(ordering.get("topics").get("txn").asText()).isEqualTo("binlog.42.txn");
    assertThat(ordering.get("streams").get("state").asText()).isEqualTo("CREATED");
    assertThat(ordering.get("resolvedTs").isNull()).isTrue();
    assertThat(ordering.get("heartbeat").isNull()).isTrue();
    assertThat(ordering.get("pumps").isEmpty()).isTrue();
  }

  @Test
  void statusShowsWatermarksMembersPendingAndCounts() throws Exception {
    final long w = Tso.compose(NOW - 1_500, 3);
    metrics.streamsState(KafkaStreams.State.RUNNING);
    metrics.resolvedTs(w);
    metrics.heartbeat(Tso.compose(NOW - 100, 0));
    metrics.member(0, "pump-a", Tso.compose(NOW - 5_000, 0), false); // J only
    metrics.member(1, "pump-b", Tso.compose(NOW - 900, 0), true);
    metrics.pumpWatermark(1, Tso.compose(NOW - 800, 0));
    metrics.pendingPrewrites(1, 3, Tso.compose(NOW - 12_000, 0));
    metrics.published(w, w - 10, 4, false);
    metrics.resolution(1, 5, 0);
    metrics.deadLettered(w, w - 1, "bad row");
    metrics.ddlApplied(7, 33);

    final JsonNode root = status();
    assertThat(root.get("PumpPos").get("pump-a").asLong()).isEqualTo(Tso.compose(NOW - 5_000, 0));
    assertThat(root.get("PumpPos").get("pump-b").asLong()).isEqualTo(Tso.compose(NOW - 800, 0));
    assertThat(root.get("Synced").asBoolean()).isTrue();
    assertThat(root.get("LastTS").asLong()).isEqualTo(w);
    final JsonNode ordering = root.get("ordering");
    assertThat(ordering.get("resolvedTs").get("ts").asLong()).isEqualTo(w);
    assertThat(ordering.get("resolvedTs").get("time").asText())
        .isEqualTo(Instant.ofEpochMilli(NOW - 1_500).toString());
    assertThat(ordering.get("resolvedTs").get("lagMs").asLong()).isEqualTo(1_500);
    assertThat(ordering.get("heartbeat").get("lagMs").asLong()).isEqualTo(100);
    final JsonNode pumps = ordering.get("pumps");
    assertThat(pumps).hasSize(2);
    assertThat(pumps.get(0).get("partition").asInt()).isZero();
    assertThat(pumps.get(0).get("watermark").isNull()).isTrue();
    assertThat(pumps.get(0).get("member").get("nodeId").asText()).isEqualTo("pump-a");
    assertThat(pumps.get(0).get("member").get("effectiveTs").get("lagMs").asLong())
        .isEqualTo(5_000);
    final JsonNode b = pumps.get(1);
    assertThat(b.get("watermark").get("lagMs").asLong()).isEqualTo(800);
    assertThat(b.get("pendingPrewrites").asInt()).isEqualTo(3);
    assertThat(b.get("oldestPendingAgeMs").asLong()).isEqualTo(12_000);
    assertThat(b.get("member").get("leaving").asBoolean()).isTrue();
    assertThat(ordering.get("resolver").get("rolledBack").asLong()).isEqualTo(1);
    assertThat(ordering.get("published").get("txns").asLong()).isEqualTo(1);
    assertThat(ordering.get("published").get("rows").asLong()).isEqualTo(4);
    assertThat(ordering.get("deadLettered").asLong()).isEqualTo(1);
    assertThat(ordering.get("schemaVersion").asLong()).isEqualTo(33);

    metrics.buffered(2); // transactions waiting for W: not synced
    assertThat(status().get("Synced").asBoolean()).isFalse();
  }

  @Test
  void aFailedStreamIsNotSyncedAndSaysWhy() throws Exception {
    metrics.streamsState(KafkaStreams.State.RUNNING);
    metrics.failed("commit_ts 9 of table t1 cannot be decoded: unknown column 4");
    metrics.streamsState(KafkaStreams.State.ERROR);
    final JsonNode root = status();
    assertThat(root.get("Synced").asBoolean()).isFalse();
    assertThat(root.get("ordering").get("streams").get("state").asText()).isEqualTo("ERROR");
    assertThat(root.get("ordering").get("streams").get("error").asText())
        .contains("commit_ts 9 of table t1");
  }

  @Test
  void commitTsHasTheDrainersEnvelope() throws Exception {
    metrics.resolvedTs(Tso.compose(NOW, 1));
    final HttpResponse<String> response = send("GET", "/commit_ts");
    assertThat(response.statusCode()).isEqualTo(200);
    final JsonNode root = JSON.readTree(response.body());
    assertThat(root.get("message").asText()).isEqualTo("get drainer's latest ts success!");
    assertThat(root.get("code").asInt()).isEqualTo(200);
    assertThat(root.get("data").get("ts").asLong()).isEqualTo(Tso.compose(NOW, 1));
  }

  @Test
  void metricsArePrometheusText() throws Exception {
    metrics.published(1, 0, 2, false);
    final HttpResponse<String> response = send("GET", "/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    assertThat(response.body())
        .contains("# TYPE binlog_ordering_published_txns_total counter")
        .contains("binlog_ordering_published_txns_total 1");
  }

  @Test
  void unknownPathsAndWrongMethodsAreRefused() throws Exception {
    assertThat(send("GET", "/nope").statusCode()).isEqualTo(404);
    final HttpResponse<String> post = send("POST", "/status");
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).contains("GET");
  }
}
