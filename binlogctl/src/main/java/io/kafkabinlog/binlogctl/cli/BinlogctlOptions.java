package io.kafkabinlog.binlogctl.cli;

import io.kafkabinlog.common.config.KafkaSection.KafkaSettings;
import io.kafkabinlog.common.registry.NodeState;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A checked command line.
 *
 * @param command {@code -cmd}
 * @param nodeId {@code -node-id}; empty when not given (only the listing commands allow that)
 * @param state {@code -state}; present for update-pump and update-drainer
 * @param pdUrls {@code -pd-urls}: PD's etcd, where the registry is
 * @param showOfflineNodes {@code -show-offline-nodes}
 * @param dataDir {@code -data-dir}: where generate_meta writes {@code savepoint}
 * @param timeZone {@code -time-zone}: generate_meta adds the time in UTC and in this zone
 * @param registryRoot {@code -registry-root}: the registry's root key ({@code /tidb-binlog})
 * @param clusterId {@code -cluster-id}; 0: the one PD reports
 * @param tsoUrls {@code -tso-urls}: PD endpoints for TSOs and the cluster id (default pd-urls)
 * @param kafka {@code -kafka.bootstrap-servers}, {@code -kafka.topic-prefix}, {@code
 *     -kafka.client.*}: the pumps' Kafka, for offline-pump of a dead pump
 * @param quietWindow {@code -quiet-window}: how long a dead pump's partition and control records
 *     must stay quiet before offline-pump writes on its behalf
 */
public record BinlogctlOptions(
    Command command,
    String nodeId,
    Optional<NodeState> state,
    List<URI> pdUrls,
    boolean showOfflineNodes,
    Path dataDir,
    Optional<ZoneId> timeZone,
    String registryRoot,
    long clusterId,
    List<URI> tsoUrls,
    KafkaSettings kafka,
    Duration quietWindow) {

  public BinlogctlOptions {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(state, "state");
    pdUrls = List.copyOf(pdUrls);
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(timeZone, "timeZone");
    Objects.requireNonNull(registryRoot, "registryRoot");
    tsoUrls = List.copyOf(tsoUrls);
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(quietWindow, "quietWindow");
  }
}
