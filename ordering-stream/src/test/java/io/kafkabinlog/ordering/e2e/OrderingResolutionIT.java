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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Architecture invariant 4 across restarts: tidb-sim "crashes" after committing three transactions
 * (their commit binlogs never reach a pump). While the ordering stream waits (its resolver wait is
 * an hour), the resolved ts stays below them and they are not published. Then the pump and the
 * ordering stream are both killed with SIGKILL and restarted, the stream with a 2 s wait: the
 * resolver asks tidb-sim's txn status, writes the commits, and every committed transaction is
 * published once, in commit order.
 */
class OrderingResolutionIT {
  @RegisterExtension static final EtcdServiceExtension ETCD = new EtcdServiceExtension();
  @RegisterExtension static final KafkaServiceExtension KAFKA = new KafkaServiceExtension();

  private static final Pattern CRASHED =
      Pattern.compile("fault switch: transaction start_ts=\\d+ commit_ts=(\\d+) committed without");

  @TempDir Path dir;

  @Test
  void prewritesWithoutCommitAreResolvedAfterThePumpAndTheStreamRestarted() throws Exception {
    try (PipelineStack stack = new PipelineStack(ETCD, KAFKA, dir)) {
      JvmProcess pump = stack.startPump("pump-1");
      OrderingNode ordering = stack.startOrdering(dir.resolve("state"), Duration.ofHours(1));
      final List<Long> crashed = new ArrayList<>();
      try (JvmProcess sim =
          stack.runSim(
              "bank",
              Duration.ofSeconds(6),
              "--threads=2",
              "--seed=5",
              "--crash-after-prewrite=3")) {
        assertThat(sim.waitFor(Duration.ofSeconds(90))).isZero();
        for (String line : sim.linesMatching(CRASHED)) {
          final Matcher m = CRASHED.matcher(line);
          assertThat(m.find()).isTrue();
          crashed.add(Long.parseLong(m.group(1)));
        }
      }
      assertThat(crashed).as("transactions committed without their commit binlog").hasSize(3);
      final Map<Long, Long> committed = new TreeMap<>();
      for (TxnOutcome o : TxnOutcomeLog.readAll(stack.simDataDir())) {
        if (o.commitTs() > 0) {
          committed.put(o.commitTs(), o.startTs());
        }
      }
      assertThat(committed).hasSizeGreaterThan(20);
      final long firstCrashedCommit =
          crashed.stream().mapToLong(Long::longValue).min().orElseThrow();

      try (PublishedTransactions published = reader(stack)) {
        // The pump keeps writing fake binlogs, yet W stays below the oldest unresolved prewrite.
        Thread.sleep(5_000);
        published.poll();
        published.poll();
        assertThat(published.lastResolved()).isPositive().isLessThan(firstCrashedCommit);
        assertThat(published.transactions())
            .allMatch(t -> t.commitTs() < firstCrashedCommit)
            .noneMatch(t -> crashed.contains(t.commitTs()));
        assertThat(ordering.status()).contains("pending");
      }

      assertThat(ordering.process().kill9()).isEqualTo(137);
      assertThat(pump.kill9()).isEqualTo(137);
      pump = stack.startPump("pump-1");
      ordering = stack.startOrdering(dir.resolve("state"), Duration.ofSeconds(2));

      final long lastCommit = ((TreeMap<Long, Long>) committed).lastKey();
      try (PublishedTransactions published = reader(stack)) {
        final long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (published.lastResolved() < lastCommit && System.nanoTime() < deadline) {
          published.poll();
        }
        assertThat(published.lastResolved())
            .as("resolved ts; status %s", ordering.status())
            .isGreaterThanOrEqualTo(lastCommit);
        assertThat(published.violations()).isEmpty();
        final List<Long> order =
            published.transactions().stream()
                .map(PublishedTransactions.Published::commitTs)
                .toList();
        assertThat(order).containsExactlyElementsOf(committed.keySet());
      }
    }
  }

  private static PublishedTransactions reader(final PipelineStack stack) {
    return new PublishedTransactions(
        KAFKA.bootstrapServers(),
        ServiceEndpoints.fromEnvironment().schemaRegistryUrl(),
        new TopicNames(stack.topicPrefix(), stack.clusterId()).txn());
  }
}
