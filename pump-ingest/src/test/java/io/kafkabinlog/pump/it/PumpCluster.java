package io.kafkabinlog.pump.it;

import io.kafkabinlog.common.kafka.TopicNames;
import io.kafkabinlog.testkit.EtcdServiceExtension;
import io.kafkabinlog.testkit.FreePorts;
import io.kafkabinlog.testkit.KafkaServiceExtension;
import io.kafkabinlog.testkit.TestNames;
import io.kafkabinlog.tidbsim.tso.PdKeys;
import io.kafkabinlog.tidbsim.tso.PdServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * What the pumps of one test share: a PD stand-in (TSO) under the test's etcd prefix, the registry
 * root next to it, a random cluster id and a topic prefix of the test's own. Closing stops the
 * pumps still running and the PD, and deletes every topic under the prefix.
 */
final class PumpCluster implements AutoCloseable {
  private final EtcdServiceExtension etcd;
  private final KafkaServiceExtension kafka;
  private final Path dir;
  private final PdServer pd;
  private final String topicPrefix;
  private final List<PumpProcess> started = new ArrayList<>();

  PumpCluster(final EtcdServiceExtension etcd, final KafkaServiceExtension kafka, final Path dir)
      throws Exception {
    this.etcd = etcd;
    this.kafka = kafka;
    this.dir = dir;
    final long wantedClusterId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    this.pd =
        PdServer.startOnEtcd(
            etcd.client(), new PdKeys(etcd.prefix() + "/pd"), wantedClusterId, "127.0.0.1", 0);
    this.topicPrefix = "it." + TestNames.unique("pump", 24);
  }

  long clusterId() {
    return pd.clusterId();
  }

  String tsoUrl() {
    return pd.url();
  }

  String registryRoot() {
    return etcd.prefix() + "/tidb-binlog";
  }

  String etcdEndpoints() {
    return etcd.endpoints();
  }

  TopicNames topics() {
    return new TopicNames(topicPrefix, Long.toUnsignedString(clusterId()));
  }

  KafkaServiceExtension kafka() {
    return kafka;
  }

  /** The flags every pump of this cluster gets. */
  List<String> pumpFlags() {
    return List.of(
        "--pd-urls=" + etcd.endpoints(),
        "--tso-urls=" + pd.url(),
        "--registry-root=" + registryRoot(),
        "--cluster-id=" + Long.toUnsignedString(clusterId()),
        "--kafka.bootstrap-servers=" + kafka.bootstrapServers(),
        "--kafka.topic-prefix=" + topicPrefix,
        "--kafka.raw-partitions=4",
        "--kafka.replication-factor=1",
        "--kafka.min-insync-replicas=1",
        "--heartbeat-interval=1",
        "--gen-binlog-interval=1");
  }

  /** A spec with fresh ports and a data directory named after the node. */
  PumpProcess.Spec spec(final String nodeId, final List<String> jvmOptions, final String... flags)
      throws Exception {
    final Path data = Files.createDirectories(dir.resolve("pump-" + nodeId));
    return new PumpProcess.Spec(
        nodeId, FreePorts.next(), FreePorts.next(), data, jvmOptions, List.of(flags));
  }

  PumpProcess start(final PumpProcess.Spec spec) throws Exception {
    return track(PumpProcess.start(this, spec));
  }

  PumpProcess restart(final PumpProcess pump) throws Exception {
    return track(pump.restart());
  }

  private PumpProcess track(final PumpProcess pump) {
    started.add(pump);
    return pump;
  }

  @Override
  public void close() throws ExecutionException, TimeoutException {
    started.forEach(PumpProcess::close);
    pd.close();
    try {
      final Set<String> ours =
          kafka.admin().listTopics().names().get(30, TimeUnit.SECONDS).stream()
              .filter(t -> t.startsWith(topicPrefix + "."))
              .collect(Collectors.toSet());
      if (!ours.isEmpty()) {
        kafka.admin().deleteTopics((Collection<String>) ours).all().get(60, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
