package io.kafkabinlog.tidbsim.testing;

import io.kafkabinlog.tidbsim.catalog.Catalog;
import io.kafkabinlog.tidbsim.engine.SimCluster;
import io.kafkabinlog.tidbsim.expected.ExpectedStateLog;
import io.kafkabinlog.tidbsim.txn.FaultSwitch;
import io.kafkabinlog.tidbsim.txn.SimTxnStatusService;
import io.kafkabinlog.tidbsim.txn.TxnOutcomeLog;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A {@link SimCluster} on in-memory fakes (a {@link CountingTso}, a {@link RecordingBinlogWriter})
 * with its catalog, outcome log and expected-state log in a test directory.
 */
public final class SimHarness implements AutoCloseable {
  private final Path dir;
  private final EventLog events = new EventLog();
  private final CountingTso tso = new CountingTso(events);
  private final RecordingBinlogWriter binlog = new RecordingBinlogWriter(events);
  private final FaultSwitch faults = new FaultSwitch();
  private final Catalog catalog;
  private final TxnOutcomeLog outcomes;
  private final SimTxnStatusService txnStatus;
  private final ExpectedStateLog expected;
  private final SimCluster sim;

  private SimHarness(final Path dir, final Duration lockWaitTimeout) {
    this.dir = dir;
    this.catalog = Catalog.open(dir);
    this.outcomes = TxnOutcomeLog.open(dir);
    this.txnStatus =
        new SimTxnStatusService(outcomes, SimTxnStatusService.DEFAULT_LOCK_TTL, tso::last);
    this.expected = ExpectedStateLog.open(dir);
    this.sim =
        new SimCluster(
            tso, binlog, catalog, outcomes, txnStatus, faults, expected, lockWaitTimeout);
  }

  /** A sim whose lock waits give up after 2 s. */
  public static SimHarness open(final Path dir) {
    return open(dir, Duration.ofSeconds(2));
  }

  public static SimHarness open(final Path dir, final Duration lockWaitTimeout) {
    return new SimHarness(dir, lockWaitTimeout);
  }

  public Path dir() {
    return dir;
  }

  public EventLog events() {
    return events;
  }

  public CountingTso tso() {
    return tso;
  }

  public RecordingBinlogWriter binlog() {
    return binlog;
  }

  public FaultSwitch faults() {
    return faults;
  }

  public Catalog catalog() {
    return catalog;
  }

  public TxnOutcomeLog outcomes() {
    return outcomes;
  }

  public SimTxnStatusService txnStatus() {
    return txnStatus;
  }

  public ExpectedStateLog expected() {
    return expected;
  }

  public SimCluster sim() {
    return sim;
  }

  @Override
  public void close() {
    expected.close();
    outcomes.close();
    catalog.close();
  }
}
