package io.kafkabinlog.ordering.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.common.kafka.TopicNames;
import io.kafkabinlog.testkit.EtcdServiceExtension;
import io.kafkabinlog.testkit.GcLogSummary;
import io.kafkabinlog.testkit.JvmProcess;
import io.kafkabinlog.testkit.KafkaServiceExtension;
import io.kafkabinlog.testkit.PipelineStack;
import io.kafkabinlog.testkit.PipelineStack.OrderingNode;
import io.kafkabinlog.testkit.ServiceEndpoints;
import io.kafkabinlog.tidbsim.txn.TxnOutcome;
import io.kafkabinlog.tidbsim.txn.TxnOutcomeLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requirement: memory bounded by configuration, not by transaction size. tidb-sim's {@code large}
 * workload commits one transaction of {@code ordering.large.size} (default 1 GiB) through a pump
 * and the ordering stream, each capped at a 2 GiB heap; the transaction comes out of the txn topic
 * whole (every row, in fragment records), and the stream's GC log shows its heap stayed within the
 * cap.
 */
// Minutes long: in ./scripts/long-tests.sh, not in ./scripts/test.sh.
@Tag("long")
class OrderingLargeTransactionIT {
  @RegisterExtension static final EtcdServiceExtension ETCD = new EtcdServiceExtension();
  @RegisterExtension static final KafkaServiceExtension KAFKA = new KafkaServiceExtension();

  private static final String SIZE = System.getProperty("ordering.large.size", "1GiB");

  /** The stream's heap cap; the requirement is 2 GiB, a smaller one shows how much is needed. */
  private static final String XMX = System.getProperty("ordering.large.xmx", "2g");

  @TempDir Path dir;

  @Test
  void aOneGibTransactionPassesThroughTheStreamInATwoGibHeap() throws Exception {
    final Path gcLog = dir.resolve("ordering-gc.log");
    try (PipelineStack stack = new PipelineStack(ETCD, KAFKA, dir)) {
      stack.startPump("pump-1", "-Xmx2g");
      final OrderingNode ordering =
          stack.startOrdering(
              dir.resolve("state"), Duration.ofSeconds(30), "-Xmx" + XMX, "-Xlog:gc:file=" + gcLog);
      final long started = System.nanoTime();
      try (JvmProcess sim =
          stack.runSim("-Xmx2g", "large", Duration.ofSeconds(600), "--size=" + SIZE)) {
        assertThat(sim.waitFor(Duration.ofMinutes(10))).isZero();
      }
      final List<TxnOutcome> outcomes = TxnOutcomeLog.readAll(stack.simDataDir());
      final long lastCommit = outcomes.stream().mapToLong(TxnOutcome::commitTs).max().orElseThrow();
      try (PublishedTransactions published =
          new PublishedTransactions(
              KAFKA.bootstrapServers(),
              ServiceEndpoints.fromEnvironment().schemaRegistryUrl(),
              new TopicNames(stack.topicPrefix(), stack.clusterId()).txn())) {
        final long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (published.lastResolved() < lastCommit && System.nanoTime() < deadline) {
          published.poll();
        }
        assertThat(published.lastResolved())
            .as("resolved ts; status %s", ordering.status())
            .isGreaterThanOrEqualTo(lastCommit);
        assertThat(published.violations()).isEmpty();
        final PublishedTransactions.Published large =
            published.transactions().stream()
                .filter(t -> !t.ddl())
                .reduce((a, b) -> a.rows() >= b.rows() ? a : b)
                .orElseThrow();
        System.out.printf(
            "large: %s transaction (%d rows) published in %.1f s after the sim started%n",
            SIZE, large.rows(), (System.nanoTime() - started) / 1e9);
        // tidb-sim's large workload: rows of 256 KiB, so 4096 rows per GiB.
        assertThat(large.rows()).isEqualTo(expectedRows(SIZE));
        assertThat(outcomes).anyMatch(o -> o.commitTs() == large.commitTs());
      }
      assertThat(ordering.process().terminate(Duration.ofSeconds(60))).isZero();
    }
    final GcLogSummary gc = GcLogSummary.read(gcLog);
    System.out.println("large: " + gc.describe("ordering stream", "-Xmx" + XMX));
    assertThat(gc.collections()).isPositive();
    assertThat(gc.maxCommittedMib()).isLessThanOrEqualTo(2048);
  }

  private static long expectedRows(final String size) {
    final long bytes =
        size.endsWith("GiB")
            ? Long.parseLong(size.replace("GiB", "")) << 30
            : Long.parseLong(size.replace("MiB", "")) << 20;
    return (bytes + (256 << 10) - 1) / (256 << 10);
  }
}
