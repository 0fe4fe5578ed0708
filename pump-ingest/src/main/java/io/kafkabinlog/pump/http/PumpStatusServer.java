package io.kafkabinlog.pump.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.http.HttpReply;
import io.kafkabinlog.common.http.LifecycleActions;
import io.kafkabinlog.common.http.StateActionRoute;
import io.kafkabinlog.common.http.StatusHttpServer;
import io.kafkabinlog.common.net.HostPort;
import io.kafkabinlog.common.registry.NodeStatus;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pump's status HTTP API on {@code status-addr}, with the original's paths and JSON ({@code
 * docs/binlog_http_api.md}) so that binlogctl and ops scripts keep working:
 *
 * <pre>
 * GET /status                     {"status":{nodeId:node,...},"CommitTS":tso,"Checkpoint":{...},
 *                                  "ErrMsg":"", "pump":{our details}}
 * GET /drainers                   [node, ...]
 * PUT /state/{nodeID}/{pause|close}  {"message":"apply action pause success!","code":200,"data":null}
 *                                 errors: HTTP 200 with code 3 (wrong node id, bad action, not online)
 * GET /metrics                    Prometheus text
 * </pre>
 *
 * Unknown paths answer 404, a wrong method 405. With an {@link SSLContext} the server speaks HTTPS
 * only, with the context's default parameters (so a context that requires client certificates gets
 * them required).
 */
public final class PumpStatusServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PumpStatusServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final StatusSource source;
  private final StateActionRoute stateActions;
  private final PrometheusRegistry metrics;
  private final StatusHttpServer server;

  /**
   * Binds {@code addr} (port 0: any free port); {@link #start} serves.
   *
   * @throws FatalBinlogException CONFIG_INVALID naming status-addr if it cannot be bound
   */
  public PumpStatusServer(
      final HostPort addr,
      final Optional<SSLContext> tls,
      final StatusSource source,
      final LifecycleActions actions,
      final PrometheusRegistry metrics) {
    this.source = Objects.requireNonNull(source, "source");
    this.stateActions = new StateActionRoute("pump", source::nodeId, actions);
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.server = new StatusHttpServer(addr, tls, "pump-status-http", this::route);
  }

  public PumpStatusServer start() {
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
      return HttpReply.only("GET", method, this::status);
    }
    if (p.size() == 1 && p.get(0).equals("drainers")) {
      return HttpReply.only("GET", method, this::drainers);
    }
    if (p.size() == 1 && p.get(0).equals("metrics")) {
      return HttpReply.only("GET", method, () -> HttpReply.metrics(metrics));
    }
    if (p.size() == 3 && p.get(0).equals("state")) {
      return HttpReply.only("PUT", method, () -> stateActions.apply(p.get(1), p.get(2)));
    }
    return HttpReply.notFound(path);
  }

  private HttpReply status() {
    final ObjectNode root = JSON.createObjectNode();
    final ObjectNode nodes = root.putObject("status");
    final StringBuilder errors = new StringBuilder();
    try {
      for (final NodeStatus pump : source.pumps()) {
        nodes.set(pump.nodeId(), JSON.valueToTree(pump));
      }
    } catch (RuntimeException e) {
      errors.append("list pumps: ").append(e.getMessage());
    }
    long commitTs = 0;
    try {
      commitTs = source.freshTso();
    } catch (RuntimeException e) {
      errors.append(errors.length() == 0 ? "" : "; ").append("get TSO: ").append(e.getMessage());
    }
    root.put("CommitTS", commitTs);
    // The original's local storage position; there is none here (Kafka holds the binlogs).
    root.putObject("Checkpoint").put("suffix", 0).put("offset", 0);
    root.put("ErrMsg", errors.toString());
    root.set("pump", details(source.details()));
    return HttpReply.json(root);
  }

  private static ObjectNode details(final PumpStatusDetails d) {
    final ObjectNode node = JSON.createObjectNode();
    node.put("phase", d.phase().wireName());
    node.put("rawTopic", d.rawTopic());
    node.put("partition", d.partition());
    node.put("maxCommitTS", d.maxCommitTs());
    node.put("pendingPrewrites", d.pendingPrewrites());
    node.put("oldestPendingAgeMs", d.oldestPendingAgeMs());
    if (d.lastWriteEpochMs().isPresent()) {
      node.put("lastWriteEpochMs", d.lastWriteEpochMs().get());
    } else {
      node.putNull("lastWriteEpochMs");
    }
    node.set("kafka", health(d.kafka()));
    node.set("etcd", health(d.etcd()));
    return node;
  }

  private static ObjectNode health(final PumpStatusDetails.Health h) {
    return JSON.createObjectNode().put("ok", h.ok()).put("error", h.error());
  }

  private HttpReply drainers() {
    final List<NodeStatus> drainers;
    try {
      drainers = source.drainers();
    } catch (RuntimeException e) {
      LOG.warn("GET /drainers: cannot list drainers: {}", e.getMessage());
      return HttpReply.text(503, "cannot list drainers: " + e.getMessage());
    }
    return HttpReply.json(drainers);
  }
}
