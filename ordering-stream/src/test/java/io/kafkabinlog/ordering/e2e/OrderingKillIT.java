package io.kafkabinlog.ordering.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.common.kafka.TopicNames;
import io.kafkabinlog.testkit.EtcdServiceExtension;
import io.kafkabinlog.testkit.JvmProcess;
import io.kafkabinlog.testkit.KafkaServiceExtension;
import io.kafkabinlog.testkit.PipelineStack;
import io.kafkabinlog.testkit.PipelineStack.OrderingNode;
import io.kafkabinlog.testkit.ServiceEndpoints;
import io.kafkabinlog.tidbsim.txn.TxnOutcome;
import io.kafkabinlog.tidbsim.txn.TxnOutcomeLog;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance: tidb-sim's oltp and then ddl workloads through two pump processes while the ordering
 * stream is killed with SIGKILL twice mid-run and restarted on its state directory (after an
 * unclean stop Streams restores every store from its changelog). The txn topic, read with
 * read_committed, must hold every transaction the sim committed exactly once, in strictly
 * increasing commit_ts, and nothing the sim rolled back.
 */
// Minutes long: in ./scripts/long-tests.sh, not in ./scripts/test.sh.
@Tag("long")
class OrderingKillIT {
  @RegisterExtension static final EtcdServiceExtension ETCD = new EtcdServiceExtension();
  @RegisterExtension static final KafkaServiceExtension KAFKA = new KafkaServiceExtension();

  private static final Pattern COMMITTED = Pattern.compile(": (\\d+) committed");

  @TempDir Path dir;

  @Test
  void everyCommittedTransactionOnceAndInOrderThroughTwoKill9s() throws Exception {
    try (PipelineStack stack = new PipelineStack(ETCD, KAFKA, dir)) {
      stack.startPump("pump-1");
      stack.startPump("pump-2");
      OrderingNode ordering = stack.startOrdering(dir.resolve("state-a"));

      try (JvmProcess oltp =
          stack.runSim("oltp", Duration.ofSeconds(25), "--threads=4", "--seed=11")) {
        oltp.awaitLine(COMMITTED, Duration.ofSeconds(60));
        Thread.sleep(8_000);
        assertThat(ordering.process().kill9()).isEqualTo(137);
        ordering = stack.startOrdering(dir.resolve("state-a"));
        assertThat(oltp.waitFor(Duration.ofSeconds(90))).isZero();
      }
      try (JvmProcess ddl =
          stack.runSim("ddl", Duration.ofSeconds(20), "--threads=3", "--seed=12")) {
        ddl.awaitLine(COMMITTED, Duration.ofSeconds(60));
        Thread.sleep(6_000);
        assertThat(ordering.process().kill9()).isEqualTo(137);
        // Same state directory: the same transactional id fences the dead instance's open
        // transaction at once. Its stores are still rebuilt from their changelogs: under
        // exactly-once an unclean stop leaves no checkpoint, so Streams wipes and restores them.
        ordering = stack.startOrdering(dir.resolve("state-a"));
        assertThat(ddl.waitFor(Duration.ofSeconds(90))).isZero();
      }

      final Map<Long, Long> committed = committedByCommitTs(stack.simDataDir());
      assertThat(committed).hasSizeGreaterThan(500);
      final long lastCommit =
          committed.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
      try (PublishedTransactions published =
          new PublishedTransactions(
              KAFKA.bootstrapServers(),
              ServiceEndpoints.fromEnvironment().schemaRegistryUrl(),
              new TopicNames(stack.topicPrefix(), stack.clusterId()).txn())) {
        final long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (published.lastResolved() < lastCommit && System.nanoTime() < deadline) {
          published.poll();
        }
        assertThat(published.lastResolved())
            .as("resolved ts reached the last commit; ordering status: %s", ordering.status())
            .isGreaterThanOrEqualTo(lastCommit);
        assertThat(published.violations()).isEmpty();

        final List<PublishedTransactions.Published> txns = published.transactions();
        final List<Long> order =
            txns.stream().map(PublishedTransactions.Published::commitTs).toList();
        for (int i = 1; i < order.size(); i++) {
          assertThat(order.get(i)).as("commit_ts at %d", i).isGreaterThan(order.get(i - 1));
        }
        // Every committed transaction (DML and DDL alike), each once: with the strict order above,
        // equal lists mean nothing missing, nothing extra, no duplicate.
        assertThat(order).containsExactlyElementsOf(new TreeSet<>(committed.keySet()));
        for (PublishedTransactions.Published t : txns) {
          if (committed.containsKey(t.commitTs())) {
            assertThat(t.startTs()).isEqualTo(committed.get(t.commitTs()));
          }
        }
        final long ddls = txns.stream().filter(PublishedTransactions.Published::ddl).count();
        assertThat(ddls).as("DDL transactions published").isPositive();
        System.out.printf(
            "OrderingKillIT: %d committed transactions (%d DDL, %d rows) published once in order,"
                + " %d resolved-ts markers%n",
            txns.size(),
            ddls,
            txns.stream().mapToLong(PublishedTransactions.Published::rows).sum(),
            published.markers());
      }
    }
  }

  /** commit_ts -> start_ts of every transaction the sim recorded as committed. */
  private static Map<Long, Long> committedByCommitTs(final Path simData) throws IOException {
    final Map<Long, Long> committed = new HashMap<>();
    for (TxnOutcome o : TxnOutcomeLog.readAll(simData)) {
      if (o.commitTs() > 0) {
        committed.put(o.commitTs(), o.startTs());
      }
    }
    return committed;
  }
}
