package io.kafkabinlog.tidbsim.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.tidbsim.expected.ExpectedStateLog;
import io.kafkabinlog.tidbsim.workload.BankWorkload;
import io.kafkabinlog.tidbsim.workload.DdlWorkload;
import io.kafkabinlog.tidbsim.workload.OltpWorkload;
import io.kafkabinlog.tidbsim.workload.Progress;
import io.kafkabinlog.tidbsim.workload.TutorialWorkload;
import io.kafkabinlog.tidbsim.workload.Workload;
import io.kafkabinlog.tidbsim.workload.WorkloadOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end oracle on the in-memory sim: the binlogs of every workload rebuild the expected
 * state, and binlogs that lie do not.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BinlogOracleTest {
  private static final WorkloadOptions SMALL =
      WorkloadOptions.defaults().withThreads(4).withTransactions(100);

  private Path dir;
  private SimHarness h;

  /** One run of every workload; the tests only read its binlogs. */
  @BeforeAll
  void runWorkloads(@TempDir final Path tempDir) {
    dir = tempDir;
    h = SimHarness.open(dir);
    h.faults().armCrashAfterPrewrite(2);
    for (Workload w :
        List.of(
            new TutorialWorkload(), new BankWorkload(), new OltpWorkload(), new DdlWorkload())) {
      w.run(h.sim(), SMALL, new Progress(w.name(), h.sim().stats(), Duration.ZERO, l -> {}));
    }
    h.expected().close();
  }

  @AfterAll
  void tearDown() {
    h.close();
  }

  private BinlogOracle.Result replay(final List<Binlog> binlogs) {
    return new BinlogOracle(h.catalog()::historyJob, h.txnStatus())
        .replay(BinlogOracle.acked("w", binlogs));
  }

  private Map<String, List<String>> expected() {
    return StateAssertions.expected(ExpectedStateLog.replay(dir));
  }

  @Test
  void shouldRebuildTheExpectedStateFromTheBinlogs() {
    final BinlogOracle.Result result = replay(h.binlog().written());

    assertThat(result.tables()).isEqualTo(expected());
    assertThat(result.tables()).isEqualTo(StateAssertions.storage(h.sim()));
    assertThat(result.resolved())
        .extracting(BinlogOracle.Committed::startTs)
        .containsExactlyInAnyOrderElementsOf(h.faults().state().recentCrashedStartTs());
  }

  @Test
  void shouldNotRebuildItWhenATransactionIsMissing() {
    final List<Binlog> binlogs = new ArrayList<>(h.binlog().written());
    // Drop a DML transaction from the middle, both its binlogs: its outcome still says committed,
    // but no binlog tells its rows.
    final Binlog commit =
        binlogs.stream()
            .filter(b -> b.getTp() == BinlogType.Commit && b.getDdlJobId() == 0)
            .skip(binlogs.size() / 4)
            .findFirst()
            .orElseThrow();
    binlogs.removeIf(b -> b.getStartTs() == commit.getStartTs());

    final Map<String, List<String>> rebuilt;
    try {
      rebuilt = replay(binlogs).tables();
    } catch (AssertionError e) {
      return; // the replay itself noticed: a change of a row it never saw inserted
    }
    assertThat(rebuilt).isNotEqualTo(expected());
  }

  @Test
  void shouldRefuseACommitWithoutItsPrewrite() {
    final List<Binlog> binlogs = new ArrayList<>(h.binlog().written());
    final Binlog commit =
        binlogs.stream().filter(b -> b.getTp() == BinlogType.Commit).findFirst().orElseThrow();
    binlogs.removeIf(
        b -> b.getStartTs() == commit.getStartTs() && b.getTp() == BinlogType.Prewrite);

    assertThatThrownBy(() -> replay(binlogs)).hasMessageContaining("its prewrite on that pump");
  }

  @Test
  void shouldRefuseACommitBinlogThatStillCarriesThePrewriteValue() {
    final List<Binlog> binlogs = new ArrayList<>(h.binlog().written());
    final int i = binlogs.size() - 1;
    final Binlog last = binlogs.get(i);
    assertThat(last.getTp()).isEqualTo(BinlogType.Commit);
    final Binlog prewrite =
        binlogs.stream()
            .filter(b -> b.getStartTs() == last.getStartTs() && b.getTp() == BinlogType.Prewrite)
            .findFirst()
            .orElseThrow();
    binlogs.set(i, last.toBuilder().setPrewriteValue(prewrite.getPrewriteValue()).build());

    assertThatThrownBy(() -> replay(binlogs)).hasMessageContaining("Commit binlog of start_ts");
  }
}
