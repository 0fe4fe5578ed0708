package io.kafkabinlog.mysqlsink.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkabinlog.mysqlsink.MysqlSinkMain;
import io.kafkabinlog.mysqlsink.checkpoint.Checkpoint;
import io.kafkabinlog.testkit.EtcdServiceExtension;
import io.kafkabinlog.testkit.FreePorts;
import io.kafkabinlog.testkit.JvmProcess;
import io.kafkabinlog.testkit.KafkaServiceExtension;
import io.kafkabinlog.testkit.PipelineStack;
import io.kafkabinlog.testkit.ServiceEndpoints;
import io.kafkabinlog.testkit.TestNames;
import io.kafkabinlog.tidbsim.expected.ExpectedStateLog;
import io.kafkabinlog.tidbsim.txn.TxnOutcome;
import io.kafkabinlog.tidbsim.txn.TxnOutcomeLog;
import io.kafkabinlog.tidbsim.verify.VerificationResult;
import io.kafkabinlog.tidbsim.verify.Verifier;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
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
class PartitionedReplicationIT {
  @RegisterExtension static final EtcdServiceExtension ETCD = new EtcdServiceExtension();
  @RegisterExtension static final KafkaServiceExtension KAFKA = new KafkaServiceExtension();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern STARTED =
      Pattern.compile("mysql-sink \\(partitioned\\): checkpoint");
  private static final Pattern RUNNING = Pattern.compile("running workload");

  @TempDir Path dir;

  @Test
  void oltpThenDdlThroughTwoMembersVerify() throws Exception {
    final ServiceEndpoints services = ServiceEndpoints.fromEnvironment();
    // Short: the ddl workload appends _extra<run>_<cycle>; MariaDB allows 64 characters.
    final String oltp = unique("poltp");
    final String ddl = unique("pddl");
    final String checkpointSchema = unique("pcp");
    final long started = System.nanoTime();
    try (PipelineStack stack = new PipelineStack(ETCD, KAFKA, dir)) {
      stack.startPump("pump-1");
      stack.startOrdering(dir.resolve("ordering"));
      final Member a = Member.start(stack, checkpointSchema, "a");
      final Member b;
      try (JvmProcess sim =
          runSim(stack, "oltp", Duration.ofSeconds(90), "--database=" + oltp, "--rate=100")) {
        // The second member joins while oltp writes.
        Thread.sleep(10_000);
        b = Member.start(stack, checkpointSchema, "b");
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
      final List<Long> committed = committed(stack.simDataDir());
      final long last = committed.get(committed.size() - 1);
      final long produced = System.nanoTime();
      awaitCheckpoint(checkpointSchema, stack.clusterId(), last, Duration.ofSeconds(240), a, b);
      final double catchUp = (System.nanoTime() - produced) / 1e9;

      assertThat(aPartitions).as("the first member kept partitions").isNotEmpty();
      assertThat(bPartitions).as("the second member took partitions").isNotEmpty();
      final Set<Integer> all = new HashSet<>(aPartitions);
      all.addAll(bPartitions);
      assertThat(all).containsExactlyInAnyOrder(0, 1, 2);

      final ByteArrayOutputStream report = new ByteArrayOutputStream();
      final VerificationResult result;
      try (PrintStream out = new PrintStream(report, true, StandardCharsets.UTF_8)) {
        result =
            new Verifier(jdbcUrl(services), services.mariaDbUser(), services.mariaDbPassword())
                .verify(ExpectedStateLog.replay(stack.simDataDir()), out);
      }
      assertThat(result.ok()).as(report.toString(StandardCharsets.UTF_8)).isTrue();

      assertThat(a.process.terminate(Duration.ofSeconds(30))).as(a.process.tail()).isZero();
      assertThat(b.process.terminate(Duration.ofSeconds(30))).as(b.process.tail()).isZero();
      System.out.printf(
          "PartitionedReplicationIT: %d transactions (oltp + ddl), members a %s b %s, caught up"
              + " %.1f s after the workloads, %.1f s in all%n",
          committed.size(), aPartitions, bPartitions, catchUp, (System.nanoTime() - started) / 1e9);
    } finally {
      dropDatabases(services, oltp, ddl, checkpointSchema);
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

  /** One sink member in a child JVM and its status API. */
  private record Member(JvmProcess process, int statusPort) {
    static Member start(final PipelineStack stack, final String checkpointSchema, final String name)
        throws Exception {
      final ServiceEndpoints services = ServiceEndpoints.fromEnvironment();
      final int port = FreePorts.next();
      final List<String> args = new ArrayList<>();
      args.add("--cluster-id=" + stack.clusterId());
      args.add("--mode=partitioned");
      args.add("--status-addr=127.0.0.1:" + port);
      args.add("--kafka.bootstrap-servers=" + stack.bootstrapServers());
      args.add("--kafka.topic-prefix=" + stack.topicPrefix());
      args.add("--schema-registry.url=" + services.schemaRegistryUrl());
      args.add("--checkpoint-schema=" + checkpointSchema);
      args.add("--syncer.worker-count=4");
      args.add("--syncer.to.host=" + services.mariaDbHost());
      args.add("--syncer.to.port=" + services.mariaDbPort());
      args.add("--syncer.to.user=" + services.mariaDbUser());
      args.add("--close-timeout=20s");
      final JvmProcess process =
          stack.track(
              JvmProcess.builder(MysqlSinkMain.class)
                  .name("mysql-sink-" + name)
                  .jvmOptions("-Xmx384m")
                  .env("MYSQL_SINK_SYNCER__TO__PASSWORD", services.mariaDbPassword())
                  .args(args)
                  .start());
      process.awaitLine(STARTED, Duration.ofSeconds(60));
      return new Member(process, port);
    }

    void awaitPartitions(final Duration timeout) throws Exception {
      final long deadline = System.nanoTime() + timeout.toNanos();
      while (partitions().isEmpty()) {
        assertThat(process.isAlive()).as(process.tail()).isTrue();
        assertThat(System.nanoTime()).as("partitions in time").isLessThan(deadline);
        Thread.sleep(250);
      }
    }

    /** The partitions this member applies now ({@code GET /status}). */
    List<Integer> partitions() throws IOException, InterruptedException {
      final JsonNode status =
          JSON.readTree(
              HttpClient.newHttpClient()
                  .send(
                      HttpRequest.newBuilder(
                              URI.create("http://127.0.0.1:" + statusPort + "/status"))
                          .timeout(Duration.ofSeconds(10))
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
      final List<Integer> partitions = new ArrayList<>();
      status.path("partitions").forEach(p -> partitions.add(p.path("partition").asInt()));
      return partitions;
    }
  }

  private static void awaitCheckpoint(
      final String schema,
      final String clusterId,
      final long commitTs,
      final Duration timeout,
      final Member... members)
      throws Exception {
    final long deadline = System.nanoTime() + timeout.toNanos();
    long seen = -1;
    while (System.nanoTime() < deadline) {
      for (Member member : members) {
        assertThat(member.process.isAlive()).as(member.process.tail()).isTrue();
      }
      seen = checkpoint(schema, clusterId);
      if (seen >= commitTs) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("checkpoint " + seen + " did not reach " + commitTs);
  }

  private static long checkpoint(final String schema, final String clusterId) throws SQLException {
    final ServiceEndpoints services = ServiceEndpoints.fromEnvironment();
    try (Connection c =
            DriverManager.getConnection(
                jdbcUrl(services), services.mariaDbUser(), services.mariaDbPassword());
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT checkPoint FROM `"
                    + schema
                    + "`.checkpoint WHERE clusterID = "
                    + clusterId)) {
      return rs.next() ? Checkpoint.parse(rs.getString(1)).commitTs() : -1;
    }
  }

  private static List<Long> committed(final Path simDataDir) throws IOException {
    final List<Long> committed = new ArrayList<>();
    for (TxnOutcome o : TxnOutcomeLog.readAll(simDataDir)) {
      if (o.committed()) {
        committed.add(o.commitTs());
      }
    }
    committed.sort(Long::compare);
    assertThat(committed).isNotEmpty();
    return committed;
  }

  private static String unique(final String readable) {
    return TestNames.unique(readable, 20).replace('-', '_');
  }

  private static String jdbcUrl(final ServiceEndpoints services) {
    return "jdbc:mariadb://"
        + services.mariaDbHost()
        + ":"
        + services.mariaDbPort()
        + "/?connectTimeout=5000";
  }

  /** Drops {@code names} and every database whose name starts with one of them. */
  private static void dropDatabases(final ServiceEndpoints services, final String... names)
      throws SQLException {
    try (Connection c =
            DriverManager.getConnection(
                jdbcUrl(services), services.mariaDbUser(), services.mariaDbPassword());
        Statement s = c.createStatement()) {
      final List<String> drop = new ArrayList<>();
      for (String name : names) {
        try (ResultSet rs =
            s.executeQuery(
                "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE '"
                    + name.replace("_", "\\_")
                    + "%'")) {
          while (rs.next()) {
            drop.add(rs.getString(1));
          }
        }
      }
      for (String db : drop) {
        s.execute("DROP DATABASE IF EXISTS `" + db + "`");
      }
    }
  }
}
