package io.kafkabinlog.mysqlsink.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.testkit.EtcdServiceExtension;
import io.kafkabinlog.testkit.JvmProcess;
import io.kafkabinlog.testkit.KafkaServiceExtension;
import io.kafkabinlog.testkit.PipelineStack;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance: tidb-sim's oltp workload and then its ddl workload (schema changes racing DML:
 * create, add/modify/drop column, rename, truncate, drop table, create and drop database) through
 * two pumps and the ordering stream into MariaDB by the transactional mysql-sink, which is killed
 * with SIGKILL once in each workload and restarted. The checkpoint reaches the last commit_ts,
 * every committed transaction is applied exactly once (audit trigger), and {@code tidb-sim verify}
 * passes.
 */
// Minutes long: in ./scripts/long-tests.sh, not in ./scripts/test.sh.
@Tag("long")
class OltpDdlReplicationIT {
  @RegisterExtension static final EtcdServiceExtension ETCD = new EtcdServiceExtension();
  @RegisterExtension static final KafkaServiceExtension KAFKA = new KafkaServiceExtension();

  private static final Pattern COMMITTED = Pattern.compile(": (\\d+) committed");

  @TempDir Path dir;

  @Test
  void oltpThenDdlReplicateExactlyOnceThroughSinkKill9s() throws Exception {
    final Downstream to = Downstream.shared();
    final String oltpDb = Downstream.uniqueName("oltp");
    final String ddlDb = Downstream.uniqueName("ddl");
    final String checkpointSchema = Downstream.uniqueName("oltpddl_cp");
    final long started = System.nanoTime();
    try (PipelineStack stack = new PipelineStack(ETCD, KAFKA, dir)) {
      stack.startPump("pump-1");
      stack.startPump("pump-2");
      stack.startOrdering(dir.resolve("ordering"));
      final AppliedAudit audit = AppliedAudit.install(to, checkpointSchema);
      SinkProcess sink = SinkProcess.start(stack, to, checkpointSchema);

      try (JvmProcess oltp =
          stack.startSim(
              "oltp", Duration.ofSeconds(20), "--threads=4", "--seed=41", "--database=" + oltpDb)) {
        oltp.awaitLine(COMMITTED, Duration.ofSeconds(60));
        Thread.sleep(8_000);
        assertThat(sink.process().kill9()).isEqualTo(137);
        sink = SinkProcess.start(stack, to, checkpointSchema);
        assertThat(oltp.waitFor(Duration.ofSeconds(90))).as(oltp.tail()).isZero();
      }
      try (JvmProcess ddl =
          stack.startSim(
              "ddl", Duration.ofSeconds(20), "--threads=3", "--seed=42", "--database=" + ddlDb)) {
        ddl.awaitLine(COMMITTED, Duration.ofSeconds(60));
        Thread.sleep(8_000);
        assertThat(sink.process().kill9()).isEqualTo(137);
        sink = SinkProcess.start(stack, to, checkpointSchema);
        assertThat(ddl.waitFor(Duration.ofSeconds(90))).as(ddl.tail()).isZero();
      }

      final SimOutcomes outcomes = SimOutcomes.read(stack.simDataDir());
      final long checkpoint =
          sink.awaitCheckpoint(outcomes.lastCommitTs(), Duration.ofSeconds(180));
      assertThat(checkpoint).isGreaterThanOrEqualTo(outcomes.lastCommitTs());

      final List<Long> applied = audit.commitTs();
      assertThat(applied).as("no commit_ts applied twice").doesNotHaveDuplicates();
      assertThat(new HashSet<>(applied)).isEqualTo(outcomes.committed());
      final long ddls = ddlLedgerRows(to, checkpointSchema);
      assertThat(ddls).as("DDL jobs in the sink's ledger").isGreaterThan(10);

      final Downstream.Verification verification = to.verify(stack.simDataDir());
      assertThat(verification.ok()).as(verification.report()).isTrue();
      System.out.printf(
          "OltpDdlReplicationIT: %d committed transactions (%d rolled back), %d DDL applied,"
              + " 2 sink kill -9s, checkpoint %d, %.1f s in all; verify: %s%n",
          outcomes.committed().size(),
          outcomes.rolledBack(),
          ddls,
          checkpoint,
          (System.nanoTime() - started) / 1e9,
          verification.report().lines().reduce((a, b) -> b).orElse(""));
    } finally {
      to.dropDatabases(oltpDb, ddlDb, checkpointSchema);
    }
  }

  private static long ddlLedgerRows(final Downstream to, final String schema) throws Exception {
    try (Connection c = to.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM `" + schema + "`.ddl_ledger")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
