package io.kafkabinlog.drainer.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkabinlog.common.http.HttpReply;
import io.kafkabinlog.common.http.StateActionRoute;
import io.kafkabinlog.common.http.StatusHttpServer;
import io.kafkabinlog.common.net.HostPort;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The drainer's HTTP API on {@code addr}, with the original drainer's paths and JSON so that its
 * scripts and binlogctl keep working, and both components' details beside them:
 *
 * <pre>
 * GET /status     {"PumpPos":{nodeId:M_p},"Synced":bool,"LastTS":checkpoint,"TsMap":"",
 *                  "drainer":{...},"ordering":{...},"sink":{...}}
 * GET /commit_ts  {"message":"get drainer's latest ts success!","code":200,"data":{"ts":checkpoint}}
 * PUT /state/{nodeID}/{pause|close}  {"message":"apply action pause success!","code":200,"data":null}
 * GET /metrics    Prometheus text of both components
 * </pre>
 *
 * {@code PumpPos} is the ordering stream's per-pump watermark; {@code LastTS} the sink's checkpoint
 * (every transaction at or below it is applied downstream). {@code Synced} is true when the stream
 * holds no committed transaction back and the sink has nothing in flight and has not failed.
 * Unknown paths answer 404, a wrong method 405.
 */
public final class DrainerStatusServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Supplier<DrainerStatus> status;
  private final Supplier<List<PrometheusRegistry>> metrics;
  private final StateActionRoute stateActions;
  private final StatusHttpServer server;

  /**
   * Binds {@code addr} (port 0: any free port); {@link #start} serves.
   *
   * @throws io.kafkabinlog.common.error.FatalBinlogException CONFIG_INVALID if it cannot be bound
   */
  public DrainerStatusServer(
      final HostPort addr,
      final Supplier<DrainerStatus> status,
      final Supplier<List<PrometheusRegistry>> metrics,
      final StateActionRoute stateActions) {
    this.status = Objects.requireNonNull(status, "status");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.stateActions = Objects.requireNonNull(stateActions, "stateActions");
    this.server = new StatusHttpServer(addr, Optional.empty(), "drainer-http", this::route);
  }

  public DrainerStatusServer start() {
    server.start();
    return this;
  }

  /** The bound port. */
  public int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.close();
  }

  private HttpReply route(final String method, final String path) {
    final List<String> p = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    if (p.size() == 1 && p.get(0).equals("status")) {
      return HttpReply.only("GET", method, () -> HttpReply.json(statusJson(status.get())));
    }
    if (p.size() == 1 && p.get(0).equals("commit_ts")) {
      return HttpReply.only("GET", method, () -> HttpReply.json(commitTs(status.get())));
    }
    if (p.size() == 1 && p.get(0).equals("metrics")) {
      return HttpReply.only("GET", method, () -> HttpReply.metrics(metrics.get()));
    }
    if (p.size() == 3 && p.get(0).equals("state")) {
      return HttpReply.only("PUT", method, () -> stateActions.apply(p.get(1), p.get(2)));
    }
    return HttpReply.notFound(path);
  }

  private static ObjectNode commitTs(final DrainerStatus s) {
    final ObjectNode node = JSON.createObjectNode();
    node.put("message", "get drainer's latest ts success!");
    node.put("code", 200);
    node.putObject("data").put("ts", s.checkpointTs());
    return node;
  }

  /** The {@code /status} document for {@code s}. */
  static ObjectNode statusJson(final DrainerStatus s) {
    final ObjectNode root = JSON.createObjectNode();
    final JsonNode pumpPos = s.ordering().get("PumpPos");
    root.set("PumpPos", pumpPos == null ? JSON.createObjectNode() : pumpPos.deepCopy());
    root.put("Synced", s.ordering().path("Synced").asBoolean(false) && s.sinkIdle());
    root.put("LastTS", s.checkpointTs());
    root.put("TsMap", "");
    root.putObject("drainer")
        .put("nodeId", s.nodeId())
        .put("state", s.state())
        .put("registryLive", s.registryLive())
        .put("heartbeatFailures", s.heartbeatFailures());
    final JsonNode ordering = s.ordering().get("ordering");
    root.set("ordering", ordering == null ? JSON.createObjectNode() : ordering.deepCopy());
    root.set("sink", s.sink().deepCopy());
    return root;
  }
}
