package io.kafkabinlog.drainer.config;

import io.kafkabinlog.common.net.HostPort;
import io.kafkabinlog.mysqlsink.config.MysqlSinkConfig;
import io.kafkabinlog.ordering.config.OrderingConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The drainer's validated settings ({@code drainer.toml}, {@code BINLOG_SERVER_*} and {@code
 * DRAINER_*} environment, {@code --key=value} flags); see {@link DrainerConfigLoader}. Keys in
 * brackets are the original drainer.toml's. The drainer's own keys are fields here; everything else
 * is the ordering stream's or the mysql-sink's, read by their loaders from the same file.
 *
 * @param addr [addr] the HTTP API: /status, /commit_ts, /state, /metrics (127.0.0.1:8249; port 0:
 *     any free port)
 * @param advertiseAddr [advertise-addr] the registry entry's {@code host}, where binlogctl sends
 *     {@code PUT /state/...}; default addr
 * @param nodeId [node-id] empty: the one in {@code <data-dir>/.node}, else hostname:port
 * @param dataDir [data-dir] the lock, the node id and (unless state-dir is set) the ordering
 *     stream's state stores under {@code ordering-stream/} (data.drainer)
 * @param registryRoot [registry-root] etcd root of the node registry (/tidb-binlog)
 * @param heartbeatInterval [heartbeat-interval] registry heartbeat (1s, as the original)
 * @param livenessTtl [liveness-ttl] TTL of the liveness lease (6s): how long a killed drainer still
 *     reads as alive
 * @param initialCommitTs [initial-commit-ts] where the sink starts while no checkpoint row exists;
 *     -1 (default): PD's TSO when the drainer starts, as the original
 * @param ordering the ordering stream, from the same settings
 * @param sink the mysql-sink, from the same settings
 */
public record DrainerConfig(
    HostPort addr,
    HostPort advertiseAddr,
    Optional<String> nodeId,
    Path dataDir,
    String registryRoot,
    Duration heartbeatInterval,
    Duration livenessTtl,
    long initialCommitTs,
    OrderingConfig ordering,
    MysqlSinkConfig sink) {

  /** {@code initial-commit-ts}: the current TSO at start. */
  public static final long INITIAL_COMMIT_TS_NOW = -1;

  public DrainerConfig {
    Objects.requireNonNull(addr, "addr");
    Objects.requireNonNull(advertiseAddr, "advertiseAddr");
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(registryRoot, "registryRoot");
    Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
    Objects.requireNonNull(livenessTtl, "livenessTtl");
    Objects.requireNonNull(ordering, "ordering");
    Objects.requireNonNull(sink, "sink");
  }

  /** [pd-urls] PD's etcd, where the registry lives (the components read the same key). */
  public List<URI> pdUrls() {
    return ordering.pdUrls();
  }

  /** [tso-urls] PD's gRPC API for the cluster id and TSOs; default pd-urls. */
  public List<URI> tsoUrls() {
    return ordering.tsoUrls();
  }

  /** [cluster-id] 0: PD's. */
  public long clusterId() {
    return ordering.clusterId();
  }

  /** [close-timeout] bound of each component's graceful close. */
  public Duration closeTimeout() {
    return ordering.closeTimeout();
  }
}
