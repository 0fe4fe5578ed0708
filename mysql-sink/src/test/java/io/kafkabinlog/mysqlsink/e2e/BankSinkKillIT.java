package io.kafkabinlog.mysqlsink.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.testkit.EtcdServiceExtension;
import io.kafkabinlog.testkit.JvmProcess;
import io.kafkabinlog.testkit.KafkaServiceExtension;
import io.kafkabinlog.testkit.PipelineStack;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance: tidb-sim's bank workload (8 sessions of transfers) through two pumps and the ordering
 * stream for 3 minutes while the mysql-sink is killed with SIGKILL every 20 s and restarted. A
 * sampler reads the bank total in one consistent snapshot every 200 ms: it never differs from the
 * initial total once the accounts exist. An audit trigger on the sink's progress table proves each
 * committed transaction was applied exactly once, and every checkpoint the sampler saw covered only
 * applied transactions. Finally {@code tidb-sim verify} passes.
 */
// Minutes long: in ./scripts/long-tests.sh, not in ./scripts/test.sh.
@Tag("long")
class BankSinkKillIT {
  @RegisterExtension static final EtcdServiceExtension ETCD = new EtcdServiceExtension();
  @RegisterExtension static final KafkaServiceExtension KAFKA = new KafkaServiceExtension();

  private static final Pattern COMMITTED = Pattern.compile(": (\\d+) committed");
  private static final int ACCOUNTS = 100;
  private static final BigDecimal TOTAL =
      new BigDecimal("1000.00").multiply(BigDecimal.valueOf(ACCOUNTS));
  private static final Duration RUN = Duration.ofSeconds(180);
  private static final Duration KILL_EVERY = Duration.ofSeconds(20);
  private static final Duration MIN_RUN = Duration.ofSeconds(5);

  @TempDir Path dir;

  @Test
  void bankTotalConstantAndEachTransactionOnceThroughSinkKill9s() throws Exception {
    final Downstream to = Downstream.shared();
    final String db = Downstream.uniqueName("bank");
    final String checkpointSchema = Downstream.uniqueName("bank_cp");
    final long started = System.nanoTime();
    try (PipelineStack stack = new PipelineStack(ETCD, KAFKA, dir)) {
      stack.startPump("pump-1");
      stack.startPump("pump-2");
      stack.startOrdering(dir.resolve("ordering"));
      final AppliedAudit audit = AppliedAudit.install(to, checkpointSchema);
      int kills = 0;
      SinkProcess sink = SinkProcess.start(stack, to, checkpointSchema);
      try (DownstreamSampler sampler =
              new DownstreamSampler(
                      to,
                      checkpointSchema,
                      stack.clusterId(),
                      audit,
                      "`" + db + "`.accounts",
                      Duration.ofMillis(200))
                  .start();
          JvmProcess bank =
              stack.startSim(
                  "bank",
                  RUN,
                  "--threads=8",
                  "--accounts=" + ACCOUNTS,
                  "--seed=21",
                  "--database=" + db)) {
        bank.awaitLine(COMMITTED, Duration.ofSeconds(60));
        long lastKill = System.nanoTime();
        while (bank.isAlive()) {
          // Every 20 s; on a loaded machine a restart can take most of that, so each sink gets at
          // least a few seconds of work before it is killed.
          final long nextKill =
              Math.max(lastKill + KILL_EVERY.toNanos(), System.nanoTime() + MIN_RUN.toNanos());
          while (bank.isAlive() && System.nanoTime() < nextKill) {
            Thread.sleep(100);
          }
          if (!bank.isAlive()) {
            break;
          }
          assertThat(sink.process().isAlive()).as(sink.process().tail()).isTrue();
          assertThat(sink.process().kill9()).isEqualTo(137);
          lastKill = System.nanoTime();
          kills++;
          sink = SinkProcess.start(stack, to, checkpointSchema);
        }
        assertThat(bank.waitFor(Duration.ofSeconds(30))).as(bank.tail()).isZero();
        // Every 20 s where restarts are quick; at least a few where a restart takes half a minute.
        assertThat(kills).as("sink kills during the workload").isGreaterThanOrEqualTo(4);

        final SimOutcomes outcomes = SimOutcomes.read(stack.simDataDir());
        final long caughtUpFrom = System.nanoTime();
        sink.awaitCheckpoint(outcomes.lastCommitTs(), Duration.ofSeconds(120));
        final double catchUp = (System.nanoTime() - caughtUpFrom) / 1e9;
        Thread.sleep(500); // a last sample or two of the final state
        sampler.stop();

        final List<DownstreamSampler.Sample> samples = sampler.samples();
        final List<DownstreamSampler.Sample> withAccounts =
            BankInvariants.totalConstant(samples, ACCOUNTS, TOTAL);
        assertThat(withAccounts).as("samples with the accounts in place").hasSizeGreaterThan(300);
        BankInvariants.checkpointNeverAhead(samples, outcomes);
        BankInvariants.eachCommittedOnce(audit, outcomes);

        final Downstream.Verification verification = to.verify(stack.simDataDir());
        assertThat(verification.ok()).as(verification.report()).isTrue();
        System.out.printf(
            "BankSinkKillIT: %d committed transactions (%d rolled back), %d sink kill -9s,"
                + " %d samples (%d with the accounts, all %s; %d failed), caught up %.1f s after"
                + " the workload, %.1f s in all; last sink status %s%n",
            outcomes.committed().size(),
            outcomes.rolledBack(),
            kills,
            samples.size(),
            withAccounts.size(),
            TOTAL,
            sampler.failures(),
            catchUp,
            (System.nanoTime() - started) / 1e9,
            sink.status());
      }
    } finally {
      to.dropDatabases(db, checkpointSchema);
    }
  }
}
