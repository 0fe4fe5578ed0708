package io.kafkabinlog.tidbsim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.common.pd.PdTimestampOracle;
import io.kafkabinlog.common.registry.RegistryKeys;
import io.kafkabinlog.common.tso.Tso;
import io.kafkabinlog.common.txnstatus.TxnStatus;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.testkit.EtcdServiceExtension;
import io.kafkabinlog.tidbsim.catalog.Catalog;
import io.kafkabinlog.tidbsim.engine.SimCluster;
import io.kafkabinlog.tidbsim.expected.ExpectedStateLog;
import io.kafkabinlog.tidbsim.pumpclient.PumpClientConfig;
import io.kafkabinlog.tidbsim.pumpclient.PumpsClient;
import io.kafkabinlog.tidbsim.testing.BinlogOracle;
import io.kafkabinlog.tidbsim.testing.FakePump;
import io.kafkabinlog.tidbsim.testing.StateAssertions;
import io.kafkabinlog.tidbsim.tso.PdKeys;
import io.kafkabinlog.tidbsim.tso.PdServer;
import io.kafkabinlog.tidbsim.txn.FaultSwitch;
import io.kafkabinlog.tidbsim.txn.SimTxnStatusService;
import io.kafkabinlog.tidbsim.txn.TxnOutcome;
import io.kafkabinlog.tidbsim.txn.TxnOutcomeLog;
import io.kafkabinlog.tidbsim.workload.BankWorkload;
import io.kafkabinlog.tidbsim.workload.DdlWorkload;
import io.kafkabinlog.tidbsim.workload.OltpWorkload;
import io.kafkabinlog.tidbsim.workload.Progress;
import io.kafkabinlog.tidbsim.workload.TutorialWorkload;
import io.kafkabinlog.tidbsim.workload.Workload;
import io.kafkabinlog.tidbsim.workload.WorkloadOptions;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sim against real etcd, its own PD over gRPC and two in-test pumps, running every workload
 * concurrently through a PD restart, a pump crash and crash-after-prewrite faults; then the final
 * state rebuilt from the binlogs the pumps acknowledged alone ({@link BinlogOracle}) must equal the
 * sim's expected state and its storage.
 */
@Tag("integration")
@Timeout(120)
class TidbSimEndToEndIT {
  @RegisterExtension static final EtcdServiceExtension ETCD = new EtcdServiceExtension();

  private static final Logger LOG = LoggerFactory.getLogger(TidbSimEndToEndIT.class);
  private static final String HOST = "127.0.0.1";
  private static final WorkloadOptions OPTIONS =
      WorkloadOptions.defaults().withThreads(4).withSeed(7);
  private static final int CRASHES = 3;

  @TempDir Path dataDir;

  private final List<AutoCloseable> resources = new ArrayList<>();
  private PdKeys pdKeys;
  private volatile PdServer pd;
  private PdTimestampOracle tso;
  private FakePump p1;
  private FakePump p2;
  private PumpsClient pumps;
  private Catalog catalog;
  private TxnOutcomeLog outcomes;
  private SimTxnStatusService txnStatus;
  private ExpectedStateLog expected;
  private final FaultSwitch faults = new FaultSwitch();
  private SimCluster sim;

  @BeforeEach
  void setUp() throws IOException {
    pdKeys = new PdKeys(ETCD.prefix() + "/pd");
    pd = PdServer.startOnEtcd(ETCD.client(), pdKeys, 0, HOST, 0);
    tso = own(PdTimestampOracle.connect(List.of(URI.create(pd.url())), Duration.ofSeconds(1), 0));
    final RegistryKeys keys = new RegistryKeys(ETCD.prefix());
    p1 = own(FakePump.start(ETCD.client(), keys, "p1", pd.clusterId()));
    p2 = own(FakePump.start(ETCD.client(), keys, "p2", pd.clusterId()));
    pumps =
        own(
            PumpsClient.using(
                PumpClientConfig.builder(pd.clusterId())
                    .registryKeys(keys)
                    .writeTimeout(Duration.ofSeconds(1))
                    .retrySleep(Duration.ofMillis(10))
                    .commitRetryInterval(Duration.ofMillis(200))
                    .commitGiveUp(Duration.ofSeconds(2))
                    .probeInterval(Duration.ofSeconds(1))
                    .build(),
                ETCD.client(),
                ETCD.endpoints()));
    catalog = own(Catalog.open(dataDir));
    outcomes = own(TxnOutcomeLog.open(dataDir));
    txnStatus =
        new SimTxnStatusService(
            outcomes, SimTxnStatusService.DEFAULT_LOCK_TTL, () -> Tso.fromInstant(Instant.now()));
    expected = own(ExpectedStateLog.open(dataDir));
    sim =
        new SimCluster(
            tso, pumps, catalog, outcomes, txnStatus, faults, expected, Duration.ofSeconds(5));
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
    if (pd != null) {
      pd.close();
    }
  }

  @Test
  void binlogsAloneRebuildTheExpectedStateThroughPdRestartPumpCrashAndCrashedCommits()
      throws Exception {
    run(new TutorialWorkload(), OPTIONS);

    // bank, while PD restarts: transactions fail while it is away and succeed after.
    final long[] tsoAroundRestart = new long[2];
    final long[] failedAroundRestart = new long[2];
    final CompletableFuture<Void> restart =
        CompletableFuture.runAsync(
            () -> {
              awaitCommitted(sim.stats().committed() + 100);
              tsoAroundRestart[0] = tso.getTimestamp();
              failedAroundRestart[0] = sim.stats().failed();
              final int port = pd.port();
              pd.close();
              assertThatThrownBy(sim::begin)
                  .isInstanceOfSatisfying(
                      RetriableBinlogException.class,
                      e -> assertThat(e.code()).isEqualTo(ErrorCode.TSO_UNAVAILABLE));
              sleep(500);
              pd = startPd(port);
              tsoAroundRestart[1] = tso.getTimestamp();
              failedAroundRestart[1] = sim.stats().failed();
            });
    final long committedBeforeBank = sim.stats().committed();
    run(new BankWorkload(), OPTIONS.withTransactions(400).withAccounts(20));
    restart.get(30, TimeUnit.SECONDS);
    assertThat(sim.stats().committed() - committedBeforeBank)
        .as("the account inserts and every transfer, retried through the restart")
        .isGreaterThanOrEqualTo(401);
    assertThat(tsoAroundRestart[1])
        .as("first TSO after the restart")
        .isGreaterThan(tsoAroundRestart[0]);
    assertThat(failedAroundRestart[1] - failedAroundRestart[0])
        .as("transactions failed while PD was down (one is the test's own)")
        .isGreaterThan(1);

    // oltp, with crash-after-prewrite faults and a pump crash half-way.
    faults.armCrashAfterPrewrite(CRASHES);
    final long[] p1CommitsAtCrash = new long[1];
    final CompletableFuture<Void> crash =
        CompletableFuture.runAsync(
            () -> {
              awaitCommitted(sim.stats().committed() + 150);
              p2.stop();
              p1CommitsAtCrash[0] = p1.count(BinlogType.Commit);
            });
    run(new OltpWorkload(), OPTIONS.withTransactions(400));
    crash.get(30, TimeUnit.SECONDS);
    run(new DdlWorkload(), OPTIONS.withTransactions(300));
    assertThat(p2.isRunning()).isFalse();
    assertThat(p1.count(BinlogType.Commit))
        .as("commits through the pump left")
        .isGreaterThan(p1CommitsAtCrash[0] + 200);

    pumps.close();
    expected.close();

    // The oracle: only what the pumps acknowledged, the DDL history, and the txn status.
    final List<BinlogOracle.Acked> acked = new ArrayList<>();
    acked.addAll(BinlogOracle.acked("p1", p1.received()));
    acked.addAll(BinlogOracle.acked("p2", p2.received()));
    final BinlogOracle.Result replayed;
    try (Catalog history = Catalog.openReadOnly(dataDir)) {
      replayed = new BinlogOracle(history::historyJob, txnStatus).replay(acked);
    }

    LOG.info(
        "oracle: {} committed ({} resolved from txn status), {} rolled back; pumps p1 {} and p2 {}"
            + " binlogs; sim: {}",
        replayed.committed().size(),
        replayed.resolved().size(),
        replayed.rolledBack().size(),
        p1.received().size(),
        p2.received().size(),
        sim.stats());
    assertThat(p2.count(BinlogType.Prewrite)).as("prewrites on p2 before its crash").isPositive();

    final Map<String, List<String>> expectedTables =
        StateAssertions.expected(ExpectedStateLog.replay(dataDir));
    assertThat(replayed.tables().keySet()).isEqualTo(expectedTables.keySet());
    for (Map.Entry<String, List<String>> t : expectedTables.entrySet()) {
      assertThat(replayed.tables().get(t.getKey()))
          .as("rows of %s rebuilt from the binlogs", t.getKey())
          .containsExactlyElementsOf(t.getValue());
    }
    assertThat(StateAssertions.storage(sim)).isEqualTo(expectedTables);
    assertThat(expectedTables.get("tidbtest.t1")).hasSize(5);
    assertThat(bankTotal(expectedTables.get("bank.accounts"))).isEqualByComparingTo("20000.00");
    assertThat(replayed.committed().size())
        .as("committed transactions (DDL binlogs included)")
        .isGreaterThan(1_000);

    // Crashed after prewrite: committed, with their commit_ts, without a commit binlog anywhere.
    final List<Long> crashed = faults.state().recentCrashedStartTs();
    assertThat(crashed).hasSize(CRASHES);
    for (long startTs : crashed) {
      final TxnOutcome outcome = outcomes.find(startTs).orElseThrow();
      assertThat(outcome.committed()).isTrue();
      assertThat(txnStatus.status(startTs)).isEqualTo(new TxnStatus.Committed(outcome.commitTs()));
      assertThat(acked)
          .noneMatch(
              a -> a.binlog().getStartTs() == startTs && a.binlog().getTp() != BinlogType.Prewrite);
    }
    assertThat(replayed.resolved())
        .extracting(BinlogOracle.Committed::startTs)
        .containsAll(crashed);
    // Every other resolved one had its commit binlog sent to the crashed pump.
    assertThat(replayed.resolved())
        .filteredOn(c -> !crashed.contains(c.startTs()))
        .allSatisfy(c -> assertThat(p2.find(c.startTs(), BinlogType.Prewrite)).isPresent());

    // Every TSO was handed out once: start and commit timestamps never repeat.
    final Set<Long> seen = new HashSet<>();
    for (BinlogOracle.Committed c : replayed.committed()) {
      assertThat(seen.add(c.startTs())).as("start_ts %d unique", c.startTs()).isTrue();
      assertThat(seen.add(c.commitTs())).as("commit_ts %d unique", c.commitTs()).isTrue();
    }
    for (long startTs : replayed.rolledBack()) {
      assertThat(seen.add(startTs)).as("start_ts %d unique", startTs).isTrue();
    }
  }

  private void run(final Workload workload, final WorkloadOptions options) {
    workload.run(sim, options, new Progress(workload.name(), sim.stats(), Duration.ZERO, l -> {}));
  }

  private PdServer startPd(final int port) {
    try {
      return PdServer.startOnEtcd(ETCD.client(), pdKeys, 0, HOST, port);
    } catch (IOException e) {
      throw new IllegalStateException("cannot restart PD on port " + port, e);
    }
  }

  private void awaitCommitted(final long n) {
    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (sim.stats().committed() < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the workload did not reach " + n + " commits");
      }
      sleep(2);
    }
  }

  private static BigDecimal bankTotal(final List<String> rows) {
    BigDecimal total = BigDecimal.ZERO;
    for (String row : rows) {
      for (String field : row.split(" \\| ")) {
        if (field.startsWith("balance=")) {
          total = total.add(new BigDecimal(field.substring("balance=".length())));
        }
      }
    }
    return total;
  }

  private static void sleep(final long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private <T extends AutoCloseable> T own(final T resource) {
    resources.add(resource);
    return resource;
  }
}
