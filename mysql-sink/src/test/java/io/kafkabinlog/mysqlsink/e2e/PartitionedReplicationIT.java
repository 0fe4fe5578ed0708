package io.kafkabinlog.mysqlsink.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.mysqlsink.checkpoint.Checkpoint;
import io.kafkabinlog.testkit.EtcdServiceExtension;
import io.kafkabinlog.testkit.JvmProcess;
import io.kafkabinlog.testkit.KafkaServiceExtension;
import io.kafkabinlog.testkit.PipelineStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance for the partitioned mode: tidb-sim's {@code oltp} and then {@code ddl} workloads
 * through a pump and the ordering stream (3 rows partitions) into MariaDB by two mysql-sink members
 * of one consumer group (child JVMs, {@code mode = "partitioned"}), the second joining while {@code
 * oltp} runs; then {@code tidb-sim verify} passes. A row applied twice stops a member (its primary
 * key refuses the insert, safe mode is off) and one lost or doubled in a keyless table fails the
 * verification.
 */
// Minutes long: in ./scripts/long-tests.sh, not in ./scripts/test.sh.
@Tag("long")
class PartitionedReplicationIT {
  @RegisterExtension static final EtcdServiceExtension ETCD = new EtcdServiceExtension();
  @RegisterExtension static final KafkaServiceExtension KAFKA = new KafkaServiceExtension();

  private static final Pattern RUNNING = Pattern.compile("running workload");

  @TempDir Path dir;

  @Test
  void oltpThenDdlThroughTwoMembersVerify() throws Exception {
    final Downstream to = Downstream.shared();
    final String oltp = Downstream.uniqueName("poltp");
    final String ddl = Downstream.uniqueName("pddl");
    final String checkpointSchema = Downstream.uniqueName("pcp");
    final long started = System.nanoTime();
    try (PipelineStack stack = new PipelineStack(ETCD, KAFKA, dir)) {
      stack.startPump("pump-1");
      stack.startOrdering(dir.resolve("ordering"));
      final SinkProcess a = SinkProcess.startMember(stack, to, checkpointSchema, "a");
      final SinkProcess b;
      try (JvmProcess sim =
          runSim(stack, "oltp", Duration.ofSeconds(90), "--database=" + oltp, "--rate=100")) {
        // The second member joins while oltp writes.
        Thread.sleep(10_000);
        b = SinkProcess.startMember(stack, to, checkpointSchema, "b");
        b.awaitPartitions(Duration.ofSeconds(120));
        assertThat(sim.isAlive())
            .as("oltp still writes when the second member has partitions")
            .isTrue();
        assertThat(sim.waitFor(Duration.ofSeconds(180))).as(sim.tail()).isZero();
      }
      final Set<Integer> aPartitions = new HashSet<>(a.partitions());
      final Set<Integer> bPartitions = new HashSet<>(b.partitions());
      try (JvmProcess sim =
          runSim(stack, "ddl", Duration.ofSeconds(30), "--database=" + ddl, "--rate=100")) {
        assertThat(sim.waitFor(Duration.ofSeconds(180))).as(sim.tail()).isZero();
      }
      final SimOutcomes outcomes = SimOutcomes.read(stack.simDataDir());
      assertThat(outcomes.committed()).isNotEmpty();
      final long last = outcomes.lastCommitTs();
      final long produced = System.nanoTime();
      awaitCheckpoint(to, checkpointSchema, stack.clusterId(), last, Duration.ofSeconds(240), a, b);
      final double catchUp = (System.nanoTime() - produced) / 1e9;

      assertThat(aPartitions).as("the first member kept partitions").isNotEmpty();
      assertThat(bPartitions).as("the second member took partitions").isNotEmpty();
      final Set<Integer> all = new HashSet<>(aPartitions);
      all.addAll(bPartitions);
      assertThat(all).containsExactlyInAnyOrder(0, 1, 2);

      final Downstream.Verification verification = to.verify(stack.simDataDir());
      assertThat(verification.ok()).as(verification.report()).isTrue();

      assertThat(a.process().terminate(Duration.ofSeconds(30))).as(a.process().tail()).isZero();
      assertThat(b.process().terminate(Duration.ofSeconds(30))).as(b.process().tail()).isZero();
      System.out.printf(
          "PartitionedReplicationIT: %d transactions (oltp + ddl), members a %s b %s, caught up"
              + " %.1f s after the workloads, %.1f s in all%n",
          outcomes.committed().size(),
          aPartitions,
          bPartitions,
          catchUp,
          (System.nanoTime() - started) / 1e9);
    } finally {
      to.dropDatabases(oltp, ddl, checkpointSchema);
    }
  }

  /**
   * Starts a workload; again (up to 8 times) if it exited at once because its first PD call
   * outlasted the 3 s TSO timeout, as happens on a loaded machine (it did nothing then).
   */
  private static JvmProcess runSim(
      final PipelineStack stack,
      final String workload,
      final Duration duration,
      final String... extra)
      throws Exception {
    for (int attempt = 1; ; attempt++) {
      final JvmProcess sim = stack.runSim(workload, duration, extra);
      try {
        sim.awaitLine(RUNNING, Duration.ofSeconds(120));
        return sim;
      } catch (AssertionError e) {
        if (attempt == 8 || !sim.output().contains("timestamp oracle unavailable")) {
          throw e;
        }
        sim.close();
        Thread.sleep(5_000);
      }
    }
  }

  private static void awaitCheckpoint(
      final Downstream to,
      final String schema,
      final String clusterId,
      final long commitTs,
      final Duration timeout,
      final SinkProcess... members)
      throws Exception {
    final long deadline = System.nanoTime() + timeout.toNanos();
    long seen = -1;
    while (System.nanoTime() < deadline) {
      for (SinkProcess member : members) {
        assertThat(member.process().isAlive()).as(member.process().tail()).isTrue();
      }
      seen =
          to.checkpointJson(schema, clusterId).map(j -> Checkpoint.parse(j).commitTs()).orElse(-1L);
      if (seen >= commitTs) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("checkpoint " + seen + " did not reach " + commitTs);
  }
}
