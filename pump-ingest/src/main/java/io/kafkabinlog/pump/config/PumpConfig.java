package io.kafkabinlog.pump.config;

import io.kafkabinlog.common.config.KafkaSection.KafkaSettings;
import io.kafkabinlog.common.net.HostPort;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The pump's validated settings ({@code pump.toml}, {@code PUMP_*} environment, {@code --key=value}
 * flags). Keys in brackets are the TOML keys; the original's are kept where they apply.
 *
 * @param addr [addr] gRPC listen address (default 127.0.0.1:8250)
 * @param advertiseAddr [advertise-addr] address published in etcd for TiDB; never a wildcard
 * @param statusAddr [status-addr] status HTTP API (/status, /state, /metrics); default: addr's
 *     host, port + 1
 * @param dataDir [data-dir] local state: lock file and node id (binlogs live in Kafka)
 * @param pdUrls [pd-urls] PD's etcd: the registry and partition bindings
 * @param tsoUrls [tso-urls] PD's gRPC TSO service; default pd-urls (PD serves both)
 * @param registryRoot [registry-root] etcd root of the registry, {@code /tidb-binlog}
 * @param nodeId [node-id] empty: read from {@code <data-dir>/.node}, else hostname:port
 * @param heartbeatInterval [heartbeat-interval] registry heartbeat (plain seconds, default 2)
 * @param genBinlogInterval [gen-binlog-interval] fake binlog when idle (plain seconds, default 3)
 * @param controlHeartbeatInterval [control-heartbeat-interval] control-topic heartbeat (100ms)
 * @param livenessTtl [liveness-ttl] TTL of the lease-bound liveness key (default 6s)
 * @param closeTimeout [close-timeout] bound of each wait while closing (default 10m)
 * @param pauseDrainTimeout [pause-drain-timeout] how long pausing waits for pending commits (5s)
 * @param maxMessageSize [max-message-size] gRPC inbound limit (default 2 GiB - 4 MiB - 1)
 * @param clusterId [cluster-id] expected PD cluster id; 0: take PD's
 * @param security [security] TLS
 * @param kafka [kafka] brokers, topic prefix, client pass-through
 * @param topics [kafka] raw-partitions, replication-factor, min-insync-replicas, ...
 */
public record PumpConfig(
    HostPort addr,
    HostPort advertiseAddr,
    HostPort statusAddr,
    Path dataDir,
    List<URI> pdUrls,
    List<URI> tsoUrls,
    String registryRoot,
    Optional<String> nodeId,
    Duration heartbeatInterval,
    Duration genBinlogInterval,
    Duration controlHeartbeatInterval,
    Duration livenessTtl,
    Duration closeTimeout,
    Duration pauseDrainTimeout,
    int maxMessageSize,
    long clusterId,
    Security security,
    KafkaSettings kafka,
    Topics topics) {

  public PumpConfig {
    Objects.requireNonNull(addr, "addr");
    Objects.requireNonNull(advertiseAddr, "advertiseAddr");
    Objects.requireNonNull(statusAddr, "statusAddr");
    Objects.requireNonNull(dataDir, "dataDir");
    pdUrls = List.copyOf(pdUrls);
    tsoUrls = List.copyOf(tsoUrls);
    Objects.requireNonNull(registryRoot, "registryRoot");
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(security, "security");
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(topics, "topics");
  }

  /**
   * {@code [security]}: PEM files; all empty means plaintext. When set, gRPC and the status API
   * serve TLS and etcd/PD are dialled with it.
   *
   * @param sslCa [security] ssl-ca
   * @param sslCert [security] ssl-cert
   * @param sslKey [security] ssl-key (PKCS#8 PEM)
   * @param certAllowedCn [security] cert-allowed-cn: client certificate CNs accepted (empty: any)
   */
  public record Security(
      Optional<Path> sslCa,
      Optional<Path> sslCert,
      Optional<Path> sslKey,
      List<String> certAllowedCn) {
    public Security {
      Objects.requireNonNull(sslCa, "sslCa");
      Objects.requireNonNull(sslCert, "sslCert");
      Objects.requireNonNull(sslKey, "sslKey");
      certAllowedCn = List.copyOf(certAllowedCn);
    }

    public static Security none() {
      return new Security(Optional.empty(), Optional.empty(), Optional.empty(), List.of());
    }

    public boolean enabled() {
      return sslCert.isPresent();
    }
  }

  /**
   * How the pump creates and uses its topics (keys under {@code [kafka]}).
   *
   * @param rawPartitions [kafka] raw-partitions: partitions of a raw topic the pump creates (16);
   *     the most pumps the deployment can have
   * @param replicationFactor [kafka] replication-factor; 0 (default): min(3, brokers)
   * @param minInsyncReplicas [kafka] min-insync-replicas; 0 (default): min(2, replication factor)
   * @param maxMessageBytes [kafka] max-message-bytes: max.message.bytes of a topic the pump
   *     creates; chunks are cut to the smaller of this and the existing topic's setting (1 MiB)
   * @param produceTimeout [kafka] produce-timeout: bound of one acknowledged write (30s)
   * @param orderingGroup [kafka] ordering-group: the ordering stream's application id, whose
   *     committed offsets tell a closing pump that the stream has passed it; empty: the default
   *     {@code <prefix>.<cluster-id>.ordering-stream}
   */
  public record Topics(
      int rawPartitions,
      short replicationFactor,
      int minInsyncReplicas,
      int maxMessageBytes,
      Duration produceTimeout,
      Optional<String> orderingGroup) {
    public Topics {
      Objects.requireNonNull(produceTimeout, "produceTimeout");
      Objects.requireNonNull(orderingGroup, "orderingGroup");
    }
  }
}
