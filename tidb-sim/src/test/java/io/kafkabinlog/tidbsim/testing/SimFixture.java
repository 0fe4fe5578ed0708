package io.kafkabinlog.tidbsim.testing;

import io.kafkabinlog.common.tso.TimestampOracle;
import io.kafkabinlog.tidbsim.catalog.Catalog;
import io.kafkabinlog.tidbsim.engine.SimCluster;
import io.kafkabinlog.tidbsim.expected.ExpectedStateLog;
import io.kafkabinlog.tidbsim.pumpclient.BinlogWriter;
import io.kafkabinlog.tidbsim.txn.FaultSwitch;
import io.kafkabinlog.tidbsim.txn.SimTxnStatusService;
import io.kafkabinlog.tidbsim.txn.TxnOutcomeLog;
import java.nio.file.Path;
import java.time.Duration;

/** A sim on a data directory: catalog, outcome and expected-state logs, the given pump client. */
public final class SimFixture implements AutoCloseable {
  private final Path dir;
  private final Catalog catalog;
  private final TxnOutcomeLog outcomes;
  private final ExpectedStateLog expected;
  private final FaultSwitch faults = new FaultSwitch();
  private final SimCluster sim;

  private SimFixture(final Path dir, final TimestampOracle tso, final BinlogWriter writer) {
    this.dir = dir;
    this.catalog = Catalog.open(dir);
    this.outcomes = TxnOutcomeLog.open(dir);
    this.expected = ExpectedStateLog.open(dir);
    SimTxnStatusService status =
        new SimTxnStatusService(outcomes, SimTxnStatusService.DEFAULT_LOCK_TTL, tso::getTimestamp);
    this.sim =
        new SimCluster(
            tso, writer, catalog, outcomes, status, faults, expected, Duration.ofSeconds(5));
  }

  public static SimFixture open(
      final Path dir, final TimestampOracle tso, final BinlogWriter writer) {
    return new SimFixture(dir, tso, writer);
  }

  public SimCluster sim() {
    return sim;
  }

  public Path dir() {
    return dir;
  }

  public FaultSwitch faults() {
    return faults;
  }

  public TxnOutcomeLog outcomes() {
    return outcomes;
  }

  @Override
  public void close() {
    expected.close();
    outcomes.close();
    catalog.close();
  }
}
