package io.kafkabinlog.pump.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.kafkabinlog.common.concurrent.DaemonThreads;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.metrics.PrometheusText;
import io.kafkabinlog.common.net.HostPort;
import io.kafkabinlog.common.registry.NodeStatus;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
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
  private static final String JSON_TYPE = "application/json; charset=utf-8";

  /** The original's error code in the {@code {"message","code","data"}} envelope. */
  static final int ERROR_CODE = 3;

  private final StatusSource source;
  private final LifecycleActions actions;
  private final PrometheusRegistry metrics;
  private final HttpServer server;
  private final ExecutorService executor;
  private final boolean https;

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
    this.actions = Objects.requireNonNull(actions, "actions");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.https = tls.isPresent();
    try {
      if (tls.isPresent()) {
        final HttpsServer secure = HttpsServer.create(addr.toSocketAddress(), 64);
        secure.setHttpsConfigurator(new HttpsConfigurator(tls.get()));
        server = secure;
      } else {
        server = HttpServer.create(addr.toSocketAddress(), 64);
      }
    } catch (IOException e) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          "cannot bind the status API to status-addr " + addr + ": " + e.getMessage(),
          e);
    }
    executor = Executors.newFixedThreadPool(2, DaemonThreads.named("pump-status-http"));
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  public PumpStatusServer start() {
    server.start();
    LOG.info(
        "status API on {}://{}:{}",
        https ? "https" : "http",
        server.getAddress().getHostString(),
        port());
    return this;
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private record Reply(int status, String contentType, byte[] body) {
    static Reply json(final Object value) {
      try {
        return new Reply(200, JSON_TYPE, JSON.writeValueAsBytes(value));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot serialise " + value.getClass(), e);
      }
    }

    static Reply text(final int status, final String text) {
      return new Reply(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private void handle(final HttpExchange ex) throws IOException {
    try (ex) {
      Reply reply;
      try {
        reply = route(ex.getRequestMethod(), ex.getRequestURI().getPath(), ex);
      } catch (RuntimeException e) {
        LOG.error("{} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
        reply = Reply.text(500, "internal error: " + e.getMessage());
      }
      ex.getResponseHeaders().set("Content-Type", reply.contentType());
      ex.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
      if (reply.body().length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(reply.body());
        }
      }
    }
  }

  private Reply route(final String method, final String path, final HttpExchange ex) {
    final List<String> p = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    if (p.size() == 1 && p.get(0).equals("status")) {
      return only("GET", method, ex, this::status);
    }
    if (p.size() == 1 && p.get(0).equals("drainers")) {
      return only("GET", method, ex, this::drainers);
    }
    if (p.size() == 1 && p.get(0).equals("metrics")) {
      return only(
          "GET",
          method,
          ex,
          () -> new Reply(200, PrometheusText.CONTENT_TYPE, PrometheusText.scrape(metrics)));
    }
    if (p.size() == 3 && p.get(0).equals("state")) {
      return only("PUT", method, ex, () -> applyAction(p.get(1), p.get(2)));
    }
    return Reply.text(404, "404 page not found: " + path);
  }

  private static Reply only(
      final String allowed,
      final String method,
      final HttpExchange ex,
      final Supplier<Reply> handler) {
    if (!allowed.equals(method)) {
      ex.getResponseHeaders().set("Allow", allowed);
      return Reply.text(405, "method " + method + " not allowed; use " + allowed);
    }
    return handler.get();
  }

  private Reply status() {
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
    return Reply.json(root);
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

  private Reply drainers() {
    final List<NodeStatus> drainers;
    try {
      drainers = source.drainers();
    } catch (RuntimeException e) {
      LOG.warn("GET /drainers: cannot list drainers: {}", e.getMessage());
      return Reply.text(503, "cannot list drainers: " + e.getMessage());
    }
    return Reply.json(drainers);
  }

  private Reply applyAction(final String nodeId, final String action) {
    final String self = source.nodeId();
    if (!self.equals(nodeId)) {
      return envelope("invalid nodeID " + nodeId + ", this pump's nodeID is " + self, ERROR_CODE);
    }
    try {
      switch (action) {
        case "pause" -> actions.pause();
        case "close" -> actions.close();
        default -> {
          return envelope("invalid action " + action + " (use pause or close)", ERROR_CODE);
        }
      }
    } catch (IllegalStateException e) {
      return envelope(e.getMessage(), ERROR_CODE);
    }
    LOG.info("status API: applied action {} to {}", action, nodeId);
    return envelope("apply action " + action + " success!", 200);
  }

  /** The original's {@code {"message","code","data"}} reply, always HTTP 200. */
  private static Reply envelope(final String message, final int code) {
    final ObjectNode node = JSON.createObjectNode();
    node.put("message", message);
    node.put("code", code);
    node.putNull("data");
    return Reply.json(node);
  }
}
