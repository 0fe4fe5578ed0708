package io.kafkabinlog.mysqlsink.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.testkit.EtcdServiceExtension;
import io.kafkabinlog.testkit.JvmProcess;
import io.kafkabinlog.testkit.KafkaServiceExtension;
import io.kafkabinlog.testkit.PipelineStack;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acceptance: downstream trouble while tidb-sim's bank workload runs, against a MariaDB server of
 * the test's own (the shared one stays up for everybody else), with a 2 s lock wait timeout:
 *
 * <ol>
 *   <li>another session holds every account row for 8 s: the sink's transactions hit lock wait
 *       timeouts and are retried;
 *   <li>another, heavier session closes a lock cycle with a waiting sink transaction: InnoDB picks
 *       the sink's as the deadlock victim and the sink retries it;
 *   <li>every connection of the sink is killed (KILL CONNECTION);
 *   <li>the server is killed with SIGKILL and is down for 60 s, then restarts on its data
 *       directory.
 * </ol>
 *
 * The sink process must survive all of it without a restart, never checkpoint past unapplied work
 * (sampled throughout), apply every committed transaction exactly once (audit trigger), keep the
 * bank total in every sampled state, and end with {@code tidb-sim verify} passing.
 */
// Minutes long: in ./scripts/long-tests.sh, not in ./scripts/test.sh.
@Tag("long")
class DownstreamOutageIT {
  @RegisterExtension static final EtcdServiceExtension ETCD = new EtcdServiceExtension();
  @RegisterExtension static final KafkaServiceExtension KAFKA = new KafkaServiceExtension();

  private static final Pattern COMMITTED = Pattern.compile(": (\\d+) committed");
  private static final int ACCOUNTS = 50;
  private static final BigDecimal TOTAL =
      new BigDecimal("1000.00").multiply(BigDecimal.valueOf(ACCOUNTS));
  private static final Duration OUTAGE = Duration.ofSeconds(60);
  private static final String HELPER_DB = "outage_helper";

  @TempDir Path dir;

  @Test
  void lockWaitsDeadlocksKilledConnectionsAndAMinuteDownAreSurvived() throws Exception {
    final long started = System.nanoTime();
    try (PrivateMariaDb maria =
            PrivateMariaDb.start(dir.resolve("mariadb"), "--innodb-lock-wait-timeout=2");
        PipelineStack stack = new PipelineStack(ETCD, KAFKA, dir)) {
      final Downstream to = maria.downstream();
      final String db = "bank_outage";
      final String checkpointSchema = "tidb_binlog";
      createWeightTable(to);
      stack.startPump("pump-1");
      stack.startOrdering(dir.resolve("ordering"));
      final AppliedAudit audit = AppliedAudit.install(to, checkpointSchema);
      final SinkProcess sink = SinkProcess.start(stack, to, checkpointSchema);
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
                  Duration.ofSeconds(110),
                  "--threads=4",
                  "--accounts=" + ACCOUNTS,
                  "--seed=31",
                  "--database=" + db)) {
        bank.awaitLine(COMMITTED, Duration.ofSeconds(60));
        awaitAccounts(sampler);

        holdAllAccounts(to, db, Duration.ofSeconds(8));
        assertThat(awaitLog(sink, "error 1205", Duration.ofSeconds(10)))
            .as("lock wait timeouts retried; %s", sink.process().tail())
            .isTrue();

        int deadlockTries = 0;
        while (!sink.process().output().contains("error 1213") && deadlockTries < 8) {
          deadlockTries++;
          closeLockCycle(to, db);
          awaitLog(sink, "error 1213", Duration.ofSeconds(3));
        }
        assertThat(sink.process().output())
            .as("a deadlock retried (%d tries); %s", deadlockTries, sink.process().tail())
            .contains("error 1213");

        final int killed = killOtherConnections(to);
        assertThat(killed).isPositive();
        Thread.sleep(3_000);

        final long checkpointBeforeOutage = sink.checkpointTs();
        maria.kill9();
        final long downAt = System.nanoTime();
        while (System.nanoTime() - downAt < OUTAGE.toNanos()) {
          assertThat(sink.process().isAlive())
              .as("sink alive while MariaDB is down; %s", sink.process().tail())
              .isTrue();
          Thread.sleep(1_000);
        }
        maria.startServer();
        assertThat(sink.process().isAlive()).as(sink.process().tail()).isTrue();

        assertThat(bank.waitFor(Duration.ofSeconds(120))).as(bank.tail()).isZero();
        final SimOutcomes outcomes = SimOutcomes.read(stack.simDataDir());
        final long caughtUpFrom = System.nanoTime();
        sink.awaitCheckpoint(outcomes.lastCommitTs(), Duration.ofSeconds(180));
        final double catchUp = (System.nanoTime() - caughtUpFrom) / 1e9;
        Thread.sleep(500);
        sampler.stop();
        assertThat(sink.process().isAlive()).as(sink.process().tail()).isTrue();

        final List<DownstreamSampler.Sample> samples = sampler.samples();
        final List<DownstreamSampler.Sample> withAccounts =
            BankInvariants.totalConstant(samples, ACCOUNTS, TOTAL);
        BankInvariants.checkpointNeverAhead(samples, outcomes);
        BankInvariants.eachCommittedOnce(audit, outcomes);

        final Downstream.Verification verification = to.verify(stack.simDataDir());
        assertThat(verification.ok()).as(verification.report()).isTrue();
        final long retries = sink.status().path("retries").asLong();
        assertThat(retries).isPositive();
        System.out.printf(
            "DownstreamOutageIT: %d committed transactions; lock waits 1205 x%d, deadlocks 1213"
                + " x%d (%d tries), %d connections killed, MariaDB down %d s at checkpoint %d;"
                + " sink retries %d, never restarted; %d samples (%d with the accounts, %d failed);"
                + " caught up %.1f s after the workload, %.1f s in all%n",
            outcomes.committed().size(),
            count(sink, "error 1205"),
            count(sink, "error 1213"),
            deadlockTries,
            killed,
            OUTAGE.toSeconds(),
            checkpointBeforeOutage,
            retries,
            samples.size(),
            withAccounts.size(),
            sampler.failures(),
            catchUp,
            (System.nanoTime() - started) / 1e9);
      }
    }
  }

  /** A table whose rows a session updates to weigh more than any sink transaction. */
  private static void createWeightTable(final Downstream to) throws SQLException {
    try (Connection c = to.connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + HELPER_DB);
      s.execute("CREATE TABLE " + HELPER_DB + ".weight (id int PRIMARY KEY, v int NOT NULL)");
      s.execute(
          "INSERT INTO "
              + HELPER_DB
              + ".weight SELECT seq, 0 FROM "
              + HELPER_DB
              + ".seq_1_to_2000"); // sequence engine
    }
  }

  private static void awaitAccounts(final DownstreamSampler sampler) throws InterruptedException {
    final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (sampler.samples().stream().anyMatch(s -> s.bankRows() == ACCOUNTS)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("the accounts never arrived downstream");
  }

  /** Locks every account row for {@code hold}: the sink's transfers wait and time out. */
  private static void holdAllAccounts(final Downstream to, final String db, final Duration hold)
      throws Exception {
    try (Connection c = to.connect();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.executeQuery("SELECT id FROM `" + db + "`.accounts FOR UPDATE").close();
      Thread.sleep(hold.toMillis());
      c.rollback();
    }
  }

  /**
   * Takes the upper half of the accounts, waits until a sink transaction waits for one of them,
   * then asks for the lower half: a sink transaction that already updated a lower account closes a
   * cycle, and InnoDB rolls back the lighter transaction, the sink's (this one has updated 2000
   * rows). Without a cycle this session just times out.
   */
  private static void closeLockCycle(final Downstream to, final String db) throws Exception {
    try (Connection c = to.connect();
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.executeUpdate("UPDATE " + HELPER_DB + ".weight SET v = v + 1");
      s.executeQuery(
              "SELECT id FROM `" + db + "`.accounts WHERE id > " + ACCOUNTS / 2 + " FOR UPDATE")
          .close();
      final long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (System.nanoTime() < deadline && lockWaits(to) == 0) {
        Thread.sleep(20);
      }
      try {
        s.executeQuery(
                "SELECT id FROM `" + db + "`.accounts WHERE id <= " + ACCOUNTS / 2 + " FOR UPDATE")
            .close();
      } catch (SQLException e) {
        if (e.getErrorCode() != 1205 && e.getErrorCode() != 1213) {
          throw e;
        }
      }
      c.rollback();
    }
  }

  private static long lockWaits(final Downstream to) throws SQLException {
    try (Connection c = to.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT COUNT(*) FROM information_schema.INNODB_LOCK_WAITS")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** KILL CONNECTION for every client connection but this one (the sink's, the sampler's). */
  private static int killOtherConnections(final Downstream to) throws SQLException {
    try (Connection c = to.connect();
        Statement s = c.createStatement()) {
      final List<Long> ids = new ArrayList<>();
      try (ResultSet rs =
          s.executeQuery(
              "SELECT id FROM information_schema.PROCESSLIST WHERE id <> CONNECTION_ID()"
                  + " AND user = 'root' AND command <> 'Daemon'")) {
        while (rs.next()) {
          ids.add(rs.getLong(1));
        }
      }
      int killed = 0;
      for (long id : ids) {
        try {
          s.execute("KILL CONNECTION " + id);
          killed++;
        } catch (SQLException e) {
          // gone meanwhile
        }
      }
      return killed;
    }
  }

  private static boolean awaitLog(final SinkProcess sink, final String text, final Duration timeout)
      throws InterruptedException {
    final long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (sink.process().output().contains(text)) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  private static long count(final SinkProcess sink, final String text) {
    return sink.process().output().lines().filter(l -> l.contains(text)).count();
  }
}
