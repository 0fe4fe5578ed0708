package io.kafkabinlog.mysqlsink.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkabinlog.testkit.EtcdServiceExtension;
import io.kafkabinlog.testkit.JvmProcess;
import io.kafkabinlog.testkit.KafkaServiceExtension;
import io.kafkabinlog.testkit.PipelineStack;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance: the seed tutorial's scenario (create database, create table t1, insert five rows)
 * through tidb-sim, one pump, the ordering stream and the mysql-sink into MariaDB. The database
 * name is the test's own instead of {@code tidbtest}, so that parallel runs on the shared MariaDB
 * never meet; the workload is the same.
 */
class TutorialReplicationIT {
  @RegisterExtension static final EtcdServiceExtension ETCD = new EtcdServiceExtension();
  @RegisterExtension static final KafkaServiceExtension KAFKA = new KafkaServiceExtension();

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void tutorialRowsAndTheCheckpointRowArriveDownstream() throws Exception {
    final Downstream to = Downstream.shared();
    final String db = Downstream.uniqueName("tutorial");
    final String checkpointSchema = Downstream.uniqueName("tutorial_cp");
    final long started = System.nanoTime();
    try (PipelineStack stack = new PipelineStack(ETCD, KAFKA, dir)) {
      stack.startPump("pump-1");
      stack.startOrdering(dir.resolve("ordering"));
      final SinkProcess sink = SinkProcess.start(stack, to, checkpointSchema);
      try (JvmProcess sim = stack.startSim("tutorial", Duration.ZERO, "--database=" + db)) {
        assertThat(sim.waitFor(Duration.ofSeconds(90))).as(sim.tail()).isZero();
      }
      final SimOutcomes outcomes = SimOutcomes.read(stack.simDataDir());
      // create database, create table, the insert
      assertThat(outcomes.committed()).hasSize(3);
      final long last = outcomes.lastCommitTs();
      sink.awaitCheckpoint(last, Duration.ofSeconds(60));

      assertThat(ids(to, db)).containsExactly(1L, 2L, 3L, 4L, 5L);

      final JsonNode running = checkpointRow(to, checkpointSchema, stack.clusterId());
      assertOriginalShape(running);
      assertThat(running.get("consistent").booleanValue()).isFalse();
      assertThat(running.get("commitTS").longValue()).isGreaterThanOrEqualTo(last);

      // A clean stop (SIGTERM) leaves a consistent checkpoint, as the original drainer's does.
      assertThat(sink.process().terminate(Duration.ofSeconds(30))).isZero();
      final JsonNode stopped = checkpointRow(to, checkpointSchema, stack.clusterId());
      assertOriginalShape(stopped);
      assertThat(stopped.get("consistent").booleanValue()).isTrue();
      assertThat(stopped.get("commitTS").longValue()).isGreaterThanOrEqualTo(last);

      final Downstream.Verification verification = to.verify(stack.simDataDir());
      assertThat(verification.ok()).as(verification.report()).isTrue();
      System.out.printf(
          "TutorialReplicationIT: %d transactions, checkpoint %s, %.1f s%n",
          outcomes.committed().size(), stopped, (System.nanoTime() - started) / 1e9);
    } finally {
      to.dropDatabases(db, checkpointSchema);
    }
  }

  private static List<Long> ids(final Downstream to, final String db) throws Exception {
    final List<Long> ids = new ArrayList<>();
    try (Connection c = to.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM `" + db + "`.t1 ORDER BY id")) {
      while (rs.next()) {
        ids.add(rs.getLong(1));
      }
    }
    return ids;
  }

  private static JsonNode checkpointRow(
      final Downstream to, final String schema, final String clusterId) throws Exception {
    final String text =
        to.checkpointJson(schema, clusterId)
            .orElseThrow(() -> new AssertionError("no checkpoint row for cluster " + clusterId));
    return JSON.readTree(text);
  }

  /** The original drainer's keys, in its order, with its types; ts-map empty for MariaDB. */
  private static void assertOriginalShape(final JsonNode checkpoint) {
    final List<String> keys = new ArrayList<>();
    checkpoint.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsExactly("consistent", "commitTS", "ts-map", "schema-version");
    assertThat(checkpoint.get("consistent").isBoolean()).isTrue();
    assertThat(checkpoint.get("commitTS").isIntegralNumber()).isTrue();
    assertThat(checkpoint.get("ts-map").isObject()).isTrue();
    assertThat(checkpoint.get("ts-map").size()).isZero();
    assertThat(checkpoint.get("schema-version").isIntegralNumber()).isTrue();
  }
}
