package io.kafkabinlog.ordering.config;

import io.kafkabinlog.common.config.KafkaSection.KafkaSettings;
import io.kafkabinlog.common.kafka.TopicNames;
import io.kafkabinlog.common.net.HostPort;
import io.kafkabinlog.ordering.topology.PoisonPolicy;
import io.kafkabinlog.ordering.topology.TopologySettings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The ordering stream's validated settings ({@code ordering-stream.toml}, {@code ORDERING_*}
 * environment, {@code --key=value} flags); see {@link OrderingConfigLoader}. Keys in brackets are
 * the TOML keys; the original drainer.toml's are kept where they apply.
 *
 * @param pdUrls [pd-urls] PD endpoints; the cluster id comes from PD unless cluster-id is set
 * @param tsoUrls [tso-urls] PD's gRPC API asked for the cluster id; default pd-urls
 * @param clusterId [cluster-id] 0 (default): ask PD; else the cluster id itself, and PD is not
 *     contacted (the stream needs PD for nothing else)
 * @param stateDir [state-dir] Kafka Streams {@code state.dir} (the state stores)
 * @param rowsPartitions [rows-partitions] partitions of the rows topic (6)
 * @param statusAddr [status-addr] HTTP {@code /status} and {@code /metrics} (127.0.0.1:8249)
 * @param closeTimeout [close-timeout] bound of a graceful close (SIGTERM), 30s
 * @param kafka [kafka] brokers, topic prefix, [kafka.client] pass-through
 * @param topics [kafka] how topics the stream creates are configured
 * @param streamsProperties [kafka.streams] Kafka Streams properties, passed through
 * @param schemas [schema-registry] and [schema-source]
 * @param resolver [resolver] pending-prewrite resolution
 * @param stages the topology's own settings (fragment-bytes, watermark-interval, ...)
 */
public record OrderingConfig(
    List<URI> pdUrls,
    List<URI> tsoUrls,
    long clusterId,
    Path stateDir,
    int rowsPartitions,
    HostPort statusAddr,
    Duration closeTimeout,
    KafkaSettings kafka,
    Topics topics,
    Map<String, String> streamsProperties,
    Schemas schemas,
    Resolver resolver,
    Stages stages) {

  public OrderingConfig {
    pdUrls = List.copyOf(pdUrls);
    tsoUrls = List.copyOf(tsoUrls);
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(statusAddr, "statusAddr");
    Objects.requireNonNull(closeTimeout, "closeTimeout");
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(topics, "topics");
    streamsProperties = Map.copyOf(streamsProperties);
    Objects.requireNonNull(schemas, "schemas");
    Objects.requireNonNull(resolver, "resolver");
    Objects.requireNonNull(stages, "stages");
  }

  /** What the topology is built from, for the cluster's topic names. */
  public TopologySettings toTopologySettings(final TopicNames names) {
    return new TopologySettings(
        names.raw(),
        names.resolutions(),
        names.control(),
        names.txn(),
        names.rows(),
        names.deadLetter(),
        rowsPartitions,
        stages.fragmentBytes(),
        stages.watermarkInterval(),
        stages.outputMaxRows(),
        stages.outputMaxBytes(),
        stages.ddlFetchAttempts(),
        stages.ddlFetchBackoff(),
        stages.poisonPolicy());
  }

  /**
   * How the stream creates topics that do not exist yet (keys under {@code [kafka]}, as the pump's,
   * so that whichever starts first creates the raw and control topics alike).
   *
   * @param rawPartitions [kafka] raw-partitions: partitions of a raw topic the stream creates (16)
   * @param replicationFactor [kafka] replication-factor; 0 (default): min(3, brokers); also the
   *     replication of Kafka Streams' internal topics
   * @param minInsyncReplicas [kafka] min-insync-replicas; 0 (default): min(2, replication factor)
   * @param rawMaxMessageBytes [kafka] max-message-bytes: max.message.bytes of a raw or resolutions
   *     topic the stream creates (1 MiB, as the pump's)
   * @param produceTimeout [kafka] produce-timeout: bound of one acknowledged resolution write
   */
  public record Topics(
      int rawPartitions,
      short replicationFactor,
      int minInsyncReplicas,
      int rawMaxMessageBytes,
      Duration produceTimeout) {
    public Topics {
      Objects.requireNonNull(produceTimeout, "produceTimeout");
    }
  }

  /**
   * Where schemas come from and go to.
   *
   * @param registryUrl [schema-registry] url: the Confluent-API registry of the Avro outputs
   * @param tidbStatusUrls [schema-source] tidb-status-urls: TiDB status APIs serving {@code GET
   *     /ddl/history}, tried in order
   * @param requestTimeout [schema-source] request-timeout: bound of one request (10s)
   */
  public record Schemas(URI registryUrl, List<URI> tidbStatusUrls, Duration requestTimeout) {
    public Schemas {
      Objects.requireNonNull(registryUrl, "registryUrl");
      tidbStatusUrls = List.copyOf(tidbStatusUrls);
      Objects.requireNonNull(requestTimeout, "requestTimeout");
    }
  }

  /**
   * The resolver of prewrites whose commit never arrives (architecture invariant 4).
   *
   * @param txnStatusUrls [resolver] txn-status-urls: transaction-status services, tried in order;
   *     default [schema-source] tidb-status-urls
   * @param resolveAfter [resolver] resolve-after: how long a prewrite waits for its commit before
   *     the resolver asks (10s)
   * @param resolveInterval [resolver] resolve-interval: how often the resolver looks (1s)
   * @param requestTimeout [resolver] request-timeout: bound of one status request (5s)
   */
  public record Resolver(
      List<URI> txnStatusUrls,
      Duration resolveAfter,
      Duration resolveInterval,
      Duration requestTimeout) {
    public Resolver {
      txnStatusUrls = List.copyOf(txnStatusUrls);
      Objects.requireNonNull(resolveAfter, "resolveAfter");
      Objects.requireNonNull(resolveInterval, "resolveInterval");
      Objects.requireNonNull(requestTimeout, "requestTimeout");
    }
  }

  /**
   * The stages' settings; see {@link TopologySettings} for their meaning.
   *
   * @param fragmentBytes [fragment-bytes] (256 KiB)
   * @param watermarkInterval [watermark-interval] (20ms)
   * @param outputMaxRows [output-max-rows] (1000)
   * @param outputMaxBytes [output-max-bytes] (512 KiB)
   * @param ddlFetchAttempts [ddl-fetch-attempts] (5)
   * @param ddlFetchBackoff [ddl-fetch-backoff] (1s)
   * @param poisonPolicy [poison-policy] {@code stop} (default) or {@code dead-letter}
   */
  public record Stages(
      int fragmentBytes,
      Duration watermarkInterval,
      int outputMaxRows,
      int outputMaxBytes,
      int ddlFetchAttempts,
      Duration ddlFetchBackoff,
      PoisonPolicy poisonPolicy) {
    public Stages {
      Objects.requireNonNull(watermarkInterval, "watermarkInterval");
      Objects.requireNonNull(ddlFetchBackoff, "ddlFetchBackoff");
      Objects.requireNonNull(poisonPolicy, "poisonPolicy");
    }
  }
}
