package io.kafkabinlog.mysqlsink.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.http.DrainerRoutes;
import io.kafkabinlog.common.http.HttpReply;
import io.kafkabinlog.common.http.StatusHttpServer;
import io.kafkabinlog.common.net.HostPort;
import io.kafkabinlog.common.tso.Tso;
import io.kafkabinlog.mysqlsink.metrics.SinkStatus;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The mysql-sink's HTTP API on {@code status-addr}:
 *
 * <pre>
 * GET /status     {"clusterId","mode","txnTopic","consumerGroup","checkpoint":{"commitTs","time",
 *                 "lagMs"},"applied":{...},"inFlight","retries","lastError","kafkaOffsetCommitted",
 *                 "partitions":[{"partition","commitTs","nextOffset","queued"}] (partitioned mode)}
 * GET /commit_ts  {"message":"get drainer's latest ts success!","code":200,"data":{"ts":checkpoint}}
 * GET /metrics    Prometheus text
 * </pre>
 *
 * {@code /commit_ts} answers as the original drainer's, so its scripts keep working. Unknown paths
 * answer 404, a wrong method 405.
 */
public final class SinkStatusServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What does not change while the sink runs.
   *
   * @param clusterId the cluster id (topic names, checkpoint row)
   * @param mode transactional or partitioned
   * @param txnTopic the topic consumed
   * @param consumerGroup the group whose offsets are committed
   */
  public record Info(String clusterId, String mode, String txnTopic, String consumerGroup) {
    public Info {
      Objects.requireNonNull(clusterId, "clusterId");
      Objects.requireNonNull(mode, "mode");
      Objects.requireNonNull(txnTopic, "txnTopic");
      Objects.requireNonNull(consumerGroup, "consumerGroup");
    }
  }

  private final Info info;
  private final Supplier<SinkStatus> status;
  private final PrometheusRegistry metrics;
  private final StatusHttpServer server;

  /**
   * Binds {@code addr} (port 0: any free port); {@link #start} serves.
   *
   * @throws FatalBinlogException CONFIG_INVALID naming status-addr if it cannot be bound
   */
  public SinkStatusServer(
      final HostPort addr,
      final Info info,
      final Supplier<SinkStatus> status,
      final PrometheusRegistry metrics) {
    this.info = Objects.requireNonNull(info, "info");
    this.status = Objects.requireNonNull(status, "status");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.server =
        new StatusHttpServer(
            addr,
            Optional.empty(),
            "mysql-sink-status-http",
            new DrainerRoutes(
                () -> statusJson(status.get()),
                () -> status.get().checkpointTs(),
                () -> HttpReply.metrics(metrics)));
  }

  public SinkStatusServer start() {
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
  ObjectNode statusJson(final SinkStatus s) {
    return statusJson(info, s);
  }

  /** The {@code /status} document of a sink described by {@code info}, in state {@code s}. */
  public static ObjectNode statusJson(final Info info, final SinkStatus s) {
    final ObjectNode root = JSON.createObjectNode();
    root.put("clusterId", info.clusterId());
    root.put("mode", info.mode());
    root.put("txnTopic", info.txnTopic());
    root.put("consumerGroup", info.consumerGroup());
    if (s.checkpointTs() > 0) {
      root.putObject("checkpoint")
          .put("commitTs", s.checkpointTs())
          .put("time", Tso.toInstant(s.checkpointTs()).toString())
          .put("lagMs", Math.max(0, s.takenAtMillis() - Tso.physicalMillis(s.checkpointTs())));
    } else {
      root.putNull("checkpoint");
    }
    root.putObject("applied")
        .put("txns", s.appliedTxns())
        .put("rows", s.appliedRows())
        .put("recordedOnlyTxns", s.recordedOnlyTxns())
        .put("alreadyAppliedTxns", s.alreadyAppliedTxns());
    root.put("inFlight", s.inFlight());
    root.put("retries", s.retries());
    root.put("lastError", s.lastError());
    if (s.committedOffset() >= 0) {
      root.put("kafkaOffsetCommitted", s.committedOffset());
    } else {
      root.putNull("kafkaOffsetCommitted");
    }
    if (!s.partitions().isEmpty()) {
      final ArrayNode partitions = root.putArray("partitions");
      for (final SinkStatus.PartitionStatus p : s.partitions()) {
        partitions
            .addObject()
            .put("partition", p.partition())
            .put("commitTs", p.commitTs())
            .put("nextOffset", p.nextOffset())
            .put("queued", p.queued());
      }
    }
    return root;
  }
}
