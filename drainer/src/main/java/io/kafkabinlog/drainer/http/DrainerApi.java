package io.kafkabinlog.drainer.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkabinlog.common.http.DrainerRoutes;
import io.kafkabinlog.common.http.HttpReply;
import io.kafkabinlog.common.http.StateActionRoute;
import io.kafkabinlog.common.http.StatusHttpServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The drainer's HTTP API (served on {@code addr} by a {@link StatusHttpServer}), with the original
 * drainer's paths and JSON so that its scripts and binlogctl keep working, and both components'
 * details beside them:
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
public final class DrainerApi implements StatusHttpServer.Routes {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STATE_PREFIX = "/state/";

  private final Supplier<DrainerStatus> status;
  private final Supplier<List<PrometheusRegistry>> metrics;
  private final StateActionRoute stateActions;
  private final DrainerRoutes readOnly;

  public DrainerApi(
      final Supplier<DrainerStatus> status,
      final Supplier<List<PrometheusRegistry>> metrics,
      final StateActionRoute stateActions) {
    this.status = Objects.requireNonNull(status, "status");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.stateActions = Objects.requireNonNull(stateActions, "stateActions");
    this.readOnly =
        new DrainerRoutes(
            () -> statusJson(status.get()),
            () -> status.get().checkpointTs(),
            () -> HttpReply.metrics(metrics.get()));
  }

  @Override
  public HttpReply route(final String method, final String path) {
    final String p = DrainerRoutes.withoutTrailingSlash(path);
    if (p.startsWith(STATE_PREFIX)) {
      final String[] target = p.substring(STATE_PREFIX.length()).split("/", -1);
      return target.length == 2
          ? HttpReply.only("PUT", method, () -> stateActions.apply(target[0], target[1]))
          : HttpReply.notFound(path);
    }
    return readOnly.route(method, path);
  }

  /** The {@code /status} document for {@code s}. */
  static ObjectNode statusJson(final DrainerStatus s) {
    final ObjectNode root = JSON.createObjectNode();
    root.set("PumpPos", copyOrEmpty(s.ordering().get("PumpPos")));
    root.put("Synced", s.ordering().path("Synced").asBoolean(false) && s.sinkIdle());
    root.put("LastTS", s.checkpointTs());
    root.put("TsMap", "");
    root.putObject("drainer")
        .put("nodeId", s.nodeId())
        .put("state", s.state())
        .put("registryLive", s.registryLive())
        .put("heartbeatFailures", s.heartbeatFailures());
    root.set("ordering", copyOrEmpty(s.ordering().get("ordering")));
    root.set("sink", s.sink().deepCopy());
    return root;
  }

  private static JsonNode copyOrEmpty(final JsonNode node) {
    return node == null ? JSON.createObjectNode() : node.deepCopy();
  }
}
