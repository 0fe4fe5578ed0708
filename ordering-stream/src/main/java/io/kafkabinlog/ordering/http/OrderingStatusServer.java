package io.kafkabinlog.ordering.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kafkabinlog.common.concurrent.DaemonThreads;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.metrics.PrometheusText;
import io.kafkabinlog.common.net.HostPort;
import io.kafkabinlog.common.tso.Tso;
import io.kafkabinlog.ordering.metrics.OrderingStatus;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ordering stream's HTTP API on {@code status-addr}, with the original drainer's {@code
 * /status} fields first so that its ops scripts keep working:
 *
 * <pre>
 * GET /status     {"PumpPos":{nodeId:M_p},"Synced":bool,"LastTS":W,"TsMap":"","ordering":{...}}
 * GET /commit_ts  {"message":"get drainer's latest ts success!","code":200,"data":{"ts":W}}
 * GET /metrics    Prometheus text
 * </pre>
 *
 * {@code Synced} is true when the stream runs and no committed transaction waits in the merge's
 * buffer. {@code ordering} holds the details: the Kafka Streams state and error, W and the newest
 * heartbeat (TSO, time, lag), per raw partition the watermark, the member (node id, J or M_p,
 * leaving), pending prewrites and the oldest one's age, the resolver's counts and what was
 * published or dropped. Unknown paths answer 404, a wrong method 405.
 */
public final class OrderingStatusServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OrderingStatusServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String JSON_TYPE = "application/json; charset=utf-8";

  /**
   * What does not change while the stream runs.
   *
   * @param applicationId the Kafka Streams application id (its consumer group)
   * @param clusterId the cluster id in the topic names
   * @param topics role (raw, txn, ...) to topic name
   */
  public record Info(String applicationId, String clusterId, Map<String, String> topics) {
    public Info {
      Objects.requireNonNull(applicationId, "applicationId");
      Objects.requireNonNull(clusterId, "clusterId");
      topics = Map.copyOf(topics);
    }
  }

  private final Info info;
  private final Supplier<OrderingStatus> status;
  private final PrometheusRegistry metrics;
  private final HttpServer server;
  private final ExecutorService executor;

  /**
   * Binds {@code addr} (port 0: any free port); {@link #start} serves.
   *
   * @throws FatalBinlogException CONFIG_INVALID naming status-addr if it cannot be bound
   */
  public OrderingStatusServer(
      final HostPort addr,
      final Info info,
      final Supplier<OrderingStatus> status,
      final PrometheusRegistry metrics) {
    this.info = Objects.requireNonNull(info, "info");
    this.status = Objects.requireNonNull(status, "status");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    try {
      server = HttpServer.create(addr.toSocketAddress(), 64);
    } catch (IOException e) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          "cannot bind the status API to status-addr " + addr + ": " + e.getMessage(),
          e);
    }
    executor = Executors.newFixedThreadPool(2, DaemonThreads.named("ordering-status-http"));
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  public OrderingStatusServer start() {
    server.start();
    LOG.info("status API on http://{}:{}", server.getAddress().getHostString(), port());
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
    final String p =
        path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
    return switch (p) {
      case "/status" -> onlyGet(method, ex, () -> Reply.json(statusJson(status.get())));
      case "/commit_ts" -> onlyGet(method, ex, () -> Reply.json(commitTs(status.get())));
      case "/metrics" ->
          onlyGet(
              method,
              ex,
              () -> new Reply(200, PrometheusText.CONTENT_TYPE, PrometheusText.scrape(metrics)));
      default -> Reply.text(404, "404 page not found: " + path);
    };
  }

  private static Reply onlyGet(
      final String method, final HttpExchange ex, final Supplier<Reply> handler) {
    if (!"GET".equals(method)) {
      ex.getResponseHeaders().set("Allow", "GET");
      return Reply.text(405, "method " + method + " not allowed; use GET");
    }
    return handler.get();
  }

  private static ObjectNode commitTs(final OrderingStatus s) {
    final ObjectNode node = JSON.createObjectNode();
    node.put("message", "get drainer's latest ts success!");
    node.put("code", 200);
    node.putObject("data").put("ts", s.resolvedTs());
    return node;
  }

  /** The {@code /status} document for {@code s} (package-private for tests). */
  ObjectNode statusJson(final OrderingStatus s) {
    final ObjectNode root = JSON.createObjectNode();
    final ObjectNode pumpPos = root.putObject("PumpPos");
    for (final OrderingStatus.Pump pump : s.pumps()) {
      pump.member()
          .ifPresent(
              m ->
                  pumpPos.put(
                      m.nodeId(), pump.watermark() != 0 ? pump.watermark() : m.effectiveTs()));
    }
    root.put(
        "Synced", "RUNNING".equals(s.streamsState()) && s.buffered() == 0 && s.error().isEmpty());
    root.put("LastTS", s.resolvedTs());
    root.put("TsMap", "");

    final ObjectNode ordering = root.putObject("ordering");
    ordering.put("applicationId", info.applicationId());
    ordering.put("clusterId", info.clusterId());
    final ObjectNode topics = ordering.putObject("topics");
    info.topics().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> topics.put(e.getKey(), e.getValue()));
    ordering.putObject("streams").put("state", s.streamsState()).put("error", s.error());
    ordering.set("resolvedTs", ts(s.resolvedTs(), s.takenAtMillis()));
    ordering.set("heartbeat", ts(s.heartbeatTs(), s.takenAtMillis()));
    ordering.put("buffered", s.buffered());
    final var pumps = ordering.putArray("pumps");
    for (final OrderingStatus.Pump pump : s.pumps()) {
      final ObjectNode node = pumps.addObject();
      node.put("partition", pump.partition());
      node.set("watermark", ts(pump.watermark(), s.takenAtMillis()));
      node.put("pendingPrewrites", pump.pendingPrewrites());
      node.put(
          "oldestPendingAgeMs",
          pump.oldestPendingStartTs() == 0
              ? 0
              : Math.max(0, s.takenAtMillis() - Tso.physicalMillis(pump.oldestPendingStartTs())));
      if (pump.member().isPresent()) {
        final OrderingStatus.Member m = pump.member().get();
        final ObjectNode member = node.putObject("member");
        member.put("nodeId", m.nodeId());
        member.set("effectiveTs", ts(m.effectiveTs(), s.takenAtMillis()));
        member.put("leaving", m.leaving());
      } else {
        node.putNull("member");
      }
    }
    final OrderingStatus.Resolver r = s.resolver();
    ordering
        .putObject("resolver")
        .put("committed", r.committed())
        .put("rolledBack", r.rolledBack())
        .put("passes", r.passes())
        .put("failures", r.failures())
        .put("lastError", r.lastError());
    final OrderingStatus.Counts c = s.counts();
    ordering
        .putObject("published")
        .put("txns", c.publishedTxns())
        .put("rows", c.publishedRows())
        .put("ddlJobs", c.ddlJobs());
    ordering.put("duplicates", c.duplicates());
    ordering.put("orphanCommits", c.orphanCommits());
    ordering.put("rollbacks", c.rollbacks());
    ordering.put("deadLettered", c.deadLettered());
    ordering.put("chunkProblems", c.chunkProblems());
    ordering.put("schemaVersion", s.schemaVersion());
    return root;
  }

  /** {"ts":TSO,"time":ISO-8601,"lagMs":wall clock minus physical time}, or null for 0. */
  private static ObjectNode ts(final long tso, final long nowMillis) {
    if (tso == 0) {
      return null;
    }
    return JSON.createObjectNode()
        .put("ts", tso)
        .put("time", Tso.toInstant(tso).toString())
        .put("lagMs", Math.max(0, nowMillis - Tso.physicalMillis(tso)));
  }
}
