package io.kafkabinlog.tidbsim.workload;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.schemas.tableinfo.ActionType;
import io.kafkabinlog.schemas.tableinfo.Job;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.engine.CommittedRows;
import io.kafkabinlog.tidbsim.engine.SimCluster;
import io.kafkabinlog.tidbsim.mutation.SimRow;
import io.kafkabinlog.tidbsim.testing.SimHarness;
import io.kafkabinlog.tidbsim.testing.StateAssertions;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each workload, small and concurrent, leaves an expected state equal to the sim's storage. */
class WorkloadsTest {
  private static final WorkloadOptions SMALL = WorkloadOptions.defaults().withThreads(4);

  @TempDir Path dir;
  private SimHarness h;
  private SimCluster sim;

  @BeforeEach
  void setUp() {
    h = SimHarness.open(dir, Duration.ofSeconds(2));
    sim = h.sim();
  }

  @AfterEach
  void tearDown() {
    h.close();
  }

  private void run(final Workload workload, final WorkloadOptions options) {
    workload.run(sim, options, new Progress(workload.name(), sim.stats(), Duration.ZERO, l -> {}));
  }

  @Test
  void tutorialInsertsFiveRowsPerRun() {
    run(new TutorialWorkload(), SMALL);
    run(new TutorialWorkload(), SMALL);

    final TableInfo t1 = h.catalog().table("tidbtest", "t1").orElseThrow();
    assertThat(StateAssertions.storage(sim).get("tidbtest.t1"))
        .containsExactlyInAnyOrder(
            "id=1", "id=2", "id=3", "id=4", "id=5", "id=6", "id=7", "id=8", "id=9", "id=10");
    assertThat(h.catalog().historyJobs())
        .filteredOn(j -> j.type() == ActionType.CREATE_TABLE)
        .extracting(Job::query)
        .containsExactly(TutorialWorkload.CREATE_T1);
    assertThat(t1.pkIsHandle()).isTrue();
    StateAssertions.assertExpectedStateMatchesStorage(dir, sim);
  }

  @Test
  void bankKeepsItsTotal() {
    run(new BankWorkload(), SMALL.withTransactions(300).withAccounts(10));

    final TableInfo accounts = h.catalog().table("bank", "accounts").orElseThrow();
    final List<SimRow> rows = CommittedRows.of(sim, accounts.id());
    assertThat(rows).hasSize(10);
    final BigDecimal total =
        rows.stream()
            .map(r -> (BigDecimal) Rows.get(accounts, r, "balance"))
            .reduce(BigDecimal.ZERO, BigDecimal::add);
    assertThat(total).isEqualByComparingTo("10000.00");
    assertThat(sim.stats().committed()).isGreaterThanOrEqualTo(300);
    StateAssertions.assertExpectedStateMatchesStorage(dir, sim);
  }

  @Test
  void bankRidesOutAPdOutage() throws Exception {
    final Thread outage =
        new Thread(
            () -> {
              awaitCommitted(50);
              h.tso().setDown(true);
              sleep(400);
              h.tso().setDown(false);
            });
    outage.start();
    run(new BankWorkload(), SMALL.withTransactions(400).withAccounts(10));
    outage.join();

    assertThat(sim.stats().failed()).isPositive();
    assertThat(sim.stats().committed()).isGreaterThanOrEqualTo(400);
    final TableInfo accounts = h.catalog().table("bank", "accounts").orElseThrow();
    assertThat(
            CommittedRows.of(sim, accounts.id()).stream()
                .map(r -> (BigDecimal) Rows.get(accounts, r, "balance"))
                .reduce(BigDecimal.ZERO, BigDecimal::add))
        .isEqualByComparingTo("10000.00");
    StateAssertions.assertExpectedStateMatchesStorage(dir, sim);
  }

  private void awaitCommitted(final long n) {
    while (sim.stats().committed() < n) {
      sleep(1);
    }
  }

  private static void sleep(final long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void oltpLeavesTheExpectedState() {
    run(new OltpWorkload(), SMALL.withTransactions(200));

    assertThat(StateAssertions.storage(sim))
        .containsOnlyKeys("oltp.accounts", "oltp.events", "oltp.items", "oltp.orders");
    assertThat(StateAssertions.storage(sim).values())
        .allSatisfy(rows -> assertThat(rows).isNotEmpty());
    StateAssertions.assertExpectedStateMatchesStorage(dir, sim);
  }

  @Test
  void ddlLeavesTheExpectedStateAndRunsEveryKindOfJob() {
    run(new DdlWorkload(), SMALL.withTransactions(200));

    assertThat(h.catalog().historyJobs())
        .extracting(Job::type)
        .contains(
            ActionType.CREATE_SCHEMA,
            ActionType.CREATE_TABLE,
            ActionType.ADD_COLUMN,
            ActionType.MODIFY_COLUMN,
            ActionType.DROP_COLUMN,
            ActionType.RENAME_TABLE,
            ActionType.TRUNCATE_TABLE,
            ActionType.DROP_TABLE,
            ActionType.DROP_SCHEMA);
    StateAssertions.assertExpectedStateMatchesStorage(dir, sim);
  }

  @Test
  void allWorkloadsTogetherOnOneSim() {
    run(new TutorialWorkload(), SMALL);
    run(new BankWorkload(), SMALL.withTransactions(100));
    run(new OltpWorkload(), SMALL.withTransactions(100));
    run(new DdlWorkload(), SMALL.withTransactions(100));

    StateAssertions.assertExpectedStateMatchesStorage(dir, sim);
  }
}
