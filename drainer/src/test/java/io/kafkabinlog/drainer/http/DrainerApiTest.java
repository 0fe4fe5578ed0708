package io.kafkabinlog.drainer.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkabinlog.common.http.LifecycleActions;
import io.kafkabinlog.common.http.StateActionRoute;
import io.kafkabinlog.common.http.StatusHttpServer;
import io.kafkabinlog.common.net.HostPort;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DrainerApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<String> applied = new CopyOnWriteArrayList<>();
  private StatusHttpServer server;
  private volatile DrainerStatus status = status(true, true);

  private static DrainerStatus status(final boolean streamSynced, final boolean sinkIdle) {
    final ObjectNode ordering = JSON.createObjectNode();
    ordering.putObject("PumpPos").put("pump-1", 111L);
    ordering.put("Synced", streamSynced);
    ordering.put("LastTS", 99L);
    ordering.putObject("ordering").put("applicationId", "binlog.7.ordering-stream");
    final ObjectNode sink = JSON.createObjectNode().put("clusterId", "7").put("inFlight", 0);
    return new DrainerStatus("drainer-1", "online", 424242L, ordering, sink, sinkIdle, true, 2);
  }

  private String start() {
    final PrometheusRegistry ordering = new PrometheusRegistry();
    Counter.builder().name("binlog_ordering_test").help("t").register(ordering).inc(3);
    final PrometheusRegistry sink = new PrometheusRegistry();
    Counter.builder().name("binlog_mysql_sink_test").help("t").register(sink).inc(4);
    final DrainerApi api =
        new DrainerApi(
            () -> status,
            () -> List.of(ordering, sink),
            new StateActionRoute(
                "drainer",
                () -> "drainer-1",
                new LifecycleActions() {
                  @Override
                  public void pause() {
                    applied.add("pause");
                  }

                  @Override
                  public void close() {
                    applied.add("close");
                  }
                }));
    server = new StatusHttpServer(new HostPort("127.0.0.1", 0), Optional.empty(), "test", api);
    server.start();
    return "http://127.0.0.1:" + server.port();
  }

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
  }

  private static HttpResponse<String> send(final String method, final String url) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void statusHasTheOriginalFieldsFirstThenBothComponents() throws Exception {
    final String base = start();
    final HttpResponse<String> r = send("GET", base + "/status");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .startsWith(
            "{\"PumpPos\":{\"pump-1\":111},\"Synced\":true,\"LastTS\":424242,\"TsMap\":\"\"");
    final JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("LastTS").asLong()).as("the sink's checkpoint, not W").isEqualTo(424242);
    assertThat(body.at("/drainer/nodeId").asText()).isEqualTo("drainer-1");
    assertThat(body.at("/drainer/state").asText()).isEqualTo("online");
    assertThat(body.at("/drainer/heartbeatFailures").asInt()).isEqualTo(2);
    assertThat(body.at("/ordering/applicationId").asText()).isEqualTo("binlog.7.ordering-stream");
    assertThat(body.at("/sink/clusterId").asText()).isEqualTo("7");

    status = status(true, false);
    assertThat(JSON.readTree(send("GET", base + "/status").body()).get("Synced").asBoolean())
        .as("the sink still applies")
        .isFalse();
    status = status(false, true);
    assertThat(JSON.readTree(send("GET", base + "/status").body()).get("Synced").asBoolean())
        .as("the stream still holds transactions back")
        .isFalse();
  }

  @Test
  void commitTsIsTheOriginalEnvelopeWithTheCheckpoint() throws Exception {
    assertThat(send("GET", start() + "/commit_ts").body())
        .isEqualTo(
            "{\"message\":\"get drainer's latest ts success!\",\"code\":200,"
                + "\"data\":{\"ts\":424242}}");
  }

  @Test
  void stateActionsGoToThisDrainerOnly() throws Exception {
    final String base = start();
    assertThat(send("PUT", base + "/state/drainer-1/pause").body())
        .isEqualTo("{\"message\":\"apply action pause success!\",\"code\":200,\"data\":null}");
    final JsonNode wrong = JSON.readTree(send("PUT", base + "/state/drainer-2/close").body());
    assertThat(wrong.get("code").asInt()).isEqualTo(3);
    assertThat(wrong.get("message").asText()).contains("drainer-2").contains("drainer-1");
    assertThat(send("GET", base + "/state/drainer-1/close").statusCode()).isEqualTo(405);
    assertThat(applied).containsExactly("pause");
  }

  @Test
  void metricsAreBothComponentsInOneExposition() throws Exception {
    final String base = start();
    final HttpResponse<String> r = send("GET", base + "/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .contains("binlog_ordering_test_total 3")
        .contains("binlog_mysql_sink_test_total 4");
    assertThat(send("GET", base + "/nope").statusCode()).isEqualTo(404);
    assertThat(send("PUT", base + "/state/drainer-1").statusCode()).isEqualTo(404);
  }
}
