package io.kafkabinlog.testkit;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A single-node KRaft Kafka inside the test JVM, for tests that need a broker but not the shared
 * local one. This is the only class that touches Kafka's internal test kit, whose package and
 * artifact change between Kafka versions.
 */
public final class InProcessKafkaCluster implements AutoCloseable {
  private final KafkaClusterTestKit cluster;

  private InProcessKafkaCluster(final KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  /** Formats and starts a combined broker+controller node; takes about two seconds. */
  public static InProcessKafkaCluster start() throws Exception {
    final KafkaClusterTestKit cluster =
        new KafkaClusterTestKit.Builder(
                new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build())
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("transaction.state.log.replication.factor", "1")
            .setConfigProp("transaction.state.log.min.isr", "1")
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .build();
    try {
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
    return new InProcessKafkaCluster(cluster);
  }

  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  @Override
  public void close() {
    try {
      cluster.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw new IllegalStateException("in-process Kafka did not shut down cleanly", e);
    }
  }
}
