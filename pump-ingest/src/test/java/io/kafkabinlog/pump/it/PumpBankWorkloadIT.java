package io.kafkabinlog.pump.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.common.registry.EtcdNodeRegistry;
import io.kafkabinlog.common.registry.NodeKind;
import io.kafkabinlog.common.registry.NodeState;
import io.kafkabinlog.common.registry.RegisteredNode;
import io.kafkabinlog.common.registry.RegistryKeys;
import io.kafkabinlog.pump.membership.PartitionBinding;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.testkit.EtcdServiceExtension;
import io.kafkabinlog.testkit.JvmProcess;
import io.kafkabinlog.testkit.KafkaServiceExtension;
import io.kafkabinlog.tidbsim.TidbSimMain;
import io.kafkabinlog.tidbsim.txn.TxnOutcome;
import io.kafkabinlog.tidbsim.txn.TxnOutcomeLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance: tidb-sim's bank workload (a child JVM speaking TiDB's pump-client protocol) against
 * two pump processes; one pump is killed with SIGKILL mid-load and restarted on the same node id
 * and data directory. Every transaction the sim committed must have its prewrite and commit binlog
 * in the raw topic, the sim must keep committing through the other pump, and the restarted pump
 * must write its old partition again.
 */
class PumpBankWorkloadIT {
  @RegisterExtension static final EtcdServiceExtension ETCD = new EtcdServiceExtension();
  @RegisterExtension static final KafkaServiceExtension KAFKA = new KafkaServiceExtension();

  private static final Pattern PROGRESS = Pattern.compile("bank: (\\d+) committed");
  private static final List<String> PUMP_JVM = List.of("-Xmx1g");

  @TempDir Path dir;

  @Test
  void everyCommittedTransactionIsInKafkaThroughAKill9AndRestartOfOnePump() throws Exception {
    try (PumpCluster cluster = new PumpCluster(ETCD, KAFKA, dir)) {
      final PumpProcess killed = cluster.start(cluster.spec("pump-1", PUMP_JVM));
      final PumpProcess survivor = cluster.start(cluster.spec("pump-2", PUMP_JVM));
      final Path simData = dir.resolve("sim");
      final String rawTopic = cluster.topics().raw();

      try (JvmProcess sim =
          JvmProcess.builder(TidbSimMain.class)
              .name("tidb-sim-bank")
              .jvmOptions("-Xmx512m")
              .args(
                  "run",
                  "--workload=bank",
                  "--threads=4",
                  "--accounts=200",
                  "--duration=25s",
                  "--progress-interval=1s",
                  "--seed=7",
                  "--data-dir=" + simData,
                  "--pd-urls=" + cluster.etcdEndpoints(),
                  "--tso-urls=" + cluster.tsoUrl(),
                  "--binlog.registry-root=" + cluster.registryRoot())
              .start()) {
        final long before = awaitCommitted(sim, 200, Duration.ofSeconds(30));
        final Map<Integer, String> bindingsBefore = bindings(cluster);
        assertThat(killed.process().kill9()).isEqualTo(137);
        final long killedAt = lastCommitted(sim);
        Thread.sleep(1_000); // produce requests the dead pump already sent may still land
        final Map<Integer, Long> atKill = endOffsets(rawTopic);

        // The sim fails over: its sessions keep committing through pump-2.
        final long afterKill = awaitCommitted(sim, killedAt + 200, Duration.ofSeconds(30));
        Thread.sleep(2_000);
        final Map<Integer, Long> whileDead = endOffsets(rawTopic);
        final PumpProcess restarted = cluster.restart(killed);

        final int simExit = sim.waitFor(Duration.ofSeconds(90));
        assertThat(simExit).as(sim.tail()).isZero();
        Thread.sleep(2_000); // a fake binlog or two from the restarted pump
        final Map<Integer, Long> atEnd = endOffsets(rawTopic);
        System.out.printf(
            "bank: %d committed before the kill, %d at it, %d after; end offsets at kill %s,"
                + " while dead %s, at end %s%n",
            before, killedAt, afterKill, atKill, whileDead, atEnd);

        final int deadPartition = assertPartitionBindingKept(atKill, whileDead, atEnd);
        final Map<Integer, String> bindingsAfter = bindings(cluster);
        assertThat(bindingsAfter).isEqualTo(bindingsBefore).hasSize(2);
        assertThat(bindingsAfter.get(deadPartition)).isEqualTo(killed.nodeId());
        assertRegisteredOnline(cluster, restarted.nodeId());
        assertRegisteredOnline(cluster, survivor.nodeId());
        assertThat(sim.output()).contains("done");
      }

      assertEveryCommittedTransactionStored(cluster, simData, rawTopic);
    }
  }

  /**
   * The killed pump's partition did not grow while it was dead, grew again after its restart, and
   * no third partition was ever written: the restarted pump reused its binding.
   */
  private static int assertPartitionBindingKept(
      final Map<Integer, Long> atKill,
      final Map<Integer, Long> whileDead,
      final Map<Integer, Long> atEnd) {
    final Set<Integer> written =
        atEnd.entrySet().stream()
            .filter(e -> e.getValue() > 0)
            .map(Map.Entry::getKey)
            .collect(Collectors.toSet());
    assertThat(written).as("partitions written by two pumps").hasSize(2);
    final List<Integer> stalled =
        written.stream().filter(p -> whileDead.get(p).equals(atKill.get(p))).toList();
    assertThat(stalled).as("the dead pump's partition, which nobody else wrote").hasSize(1);
    final int deadPartition = stalled.get(0);
    assertThat(atEnd.get(deadPartition))
        .as("partition %d after the restart", deadPartition)
        .isGreaterThan(whileDead.get(deadPartition));
    return deadPartition;
  }

  /** The partition bindings in etcd: partition -> node id. */
  private static Map<Integer, String> bindings(final PumpCluster cluster) {
    return new PartitionBinding(
            ETCD.client(), new RegistryKeys(cluster.registryRoot()), Duration.ofSeconds(10))
        .bindings();
  }

  private static void assertRegisteredOnline(final PumpCluster cluster, final String nodeId) {
    try (EtcdNodeRegistry registry =
        EtcdNodeRegistry.using(
            ETCD.client(), new RegistryKeys(cluster.registryRoot()), Duration.ofSeconds(10))) {
      final RegisteredNode node = registry.get(NodeKind.PUMP, nodeId).orElseThrow();
      assertThat(node.status().state()).isEqualTo(NodeState.ONLINE);
      assertThat(node.live()).as("liveness key of " + nodeId).isTrue();
    }
  }

  private static void assertEveryCommittedTransactionStored(
      final PumpCluster cluster, final Path simData, final String rawTopic) throws Exception {
    final WholeBinlogs stored = new WholeBinlogs();
    final long records = RawTopicReader.readAll(KAFKA.consumerConfig(), rawTopic, stored);
    final Map<Long, Integer> prewrites = new HashMap<>();
    final Map<Long, Long> commits = new HashMap<>();
    long fakes = 0;
    for (RawBinlog b : stored.binlogs()) {
      if (b.header().isFake()) {
        fakes++;
      } else if (b.header().type() == BinlogType.Prewrite) {
        prewrites.merge(b.header().startTs(), 1, Integer::sum);
      } else if (b.header().type() == BinlogType.Commit) {
        commits.put(b.header().startTs(), b.header().commitTs());
      }
    }
    final List<TxnOutcome> outcomes = TxnOutcomeLog.readAll(simData);
    final List<TxnOutcome> committed = outcomes.stream().filter(TxnOutcome::committed).toList();
    System.out.printf(
        "bank: %d txn outcomes (%d committed); raw topic: %d records, %d binlogs, %d fake,"
            + " %d prewrites, %d commits, %d abandoned chunk groups%n",
        outcomes.size(),
        committed.size(),
        records,
        stored.binlogs().size(),
        fakes,
        prewrites.size(),
        commits.size(),
        stored.abandonedGroups());
    assertThat(committed).hasSizeGreaterThan(400);
    assertThat(stored.keyMismatches()).isZero();
    final List<TxnOutcome> noPrewrite =
        committed.stream().filter(o -> !prewrites.containsKey(o.startTs())).toList();
    final List<TxnOutcome> noCommit =
        committed.stream()
            .filter(o -> !Long.valueOf(o.commitTs()).equals(commits.get(o.startTs())))
            .toList();
    assertThat(noPrewrite).as("committed transactions without a prewrite in Kafka").isEmpty();
    assertThat(noCommit).as("committed transactions without their commit in Kafka").isEmpty();
    // Acknowledged binlogs (at least a prewrite and a commit per committed transaction) <= stored.
    assertThat(stored.binlogs().size() - fakes).isGreaterThanOrEqualTo(2L * committed.size());
  }

  private static Map<Integer, Long> endOffsets(final String topic) throws Exception {
    final var partitions =
        KAFKA
            .admin()
            .describeTopics(List.of(topic))
            .allTopicNames()
            .get(30, TimeUnit.SECONDS)
            .get(topic)
            .partitions();
    final Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    partitions.forEach(
        p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    final Map<Integer, Long> ends = new HashMap<>();
    KAFKA
        .admin()
        .listOffsets(request)
        .all()
        .get(30, TimeUnit.SECONDS)
        .forEach((tp, info) -> ends.put(tp.partition(), info.offset()));
    return ends;
  }

  /** Waits for a progress line with at least {@code atLeast} commits; returns its count. */
  private static long awaitCommitted(
      final JvmProcess sim, final long atLeast, final Duration timeout)
      throws InterruptedException {
    final long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      final long now = lastCommitted(sim);
      if (now >= atLeast) {
        return now;
      }
      if (!sim.isAlive()) {
        break;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "the sim did not reach " + atLeast + " commits within " + timeout + "; " + sim.tail());
  }

  private static long lastCommitted(final JvmProcess sim) {
    long last = 0;
    final Matcher m = PROGRESS.matcher(sim.output());
    while (m.find()) {
      last = Long.parseLong(m.group(1));
    }
    return last;
  }
}
