package io.kafkabinlog.ordering.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.http.DrainerRoutes;
import io.kafkabinlog.common.http.HttpReply;
import io.kafkabinlog.common.http.StatusHttpServer;
import io.kafkabinlog.common.net.HostPort;
import io.kafkabinlog.common.tso.Tso;
import io.kafkabinlog.ordering.metrics.OrderingStatus;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

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
  private static final ObjectMapper JSON = new ObjectMapper();

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
  private final StatusHttpServer server;

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
    this.server =
        new StatusHttpServer(
            addr,
            Optional.empty(),
            "ordering-status-http",
            new DrainerRoutes(
                () -> statusJson(status.get()),
                () -> status.get().resolvedTs(),
                () -> HttpReply.metrics(metrics)));
  }

  public OrderingStatusServer start() {
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

  /** The {@code /status} document for {@code s} (package-private for tests). */
  ObjectNode statusJson(final OrderingStatus s) {
    return statusJson(info, s);
  }

  /** The {@code /status} document of a stream described by {@code info}, in state {@code s}. */
  public static ObjectNode statusJson(final Info info, final OrderingStatus s) {
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
