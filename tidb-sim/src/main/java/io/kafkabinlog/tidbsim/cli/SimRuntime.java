package io.kafkabinlog.tidbsim.cli;

import io.kafkabinlog.common.pd.PdTimestampOracle;
import io.kafkabinlog.common.tso.TimestampOracle;
import io.kafkabinlog.tidbsim.catalog.Catalog;
import io.kafkabinlog.tidbsim.engine.SimCluster;
import io.kafkabinlog.tidbsim.expected.ExpectedState;
import io.kafkabinlog.tidbsim.expected.ExpectedStateLog;
import io.kafkabinlog.tidbsim.expected.ExpectedTable;
import io.kafkabinlog.tidbsim.mutation.SimRow;
import io.kafkabinlog.tidbsim.pumpclient.BinlogWriter;
import io.kafkabinlog.tidbsim.pumpclient.PumpsClient;
import io.kafkabinlog.tidbsim.status.TidbStatusServer;
import io.kafkabinlog.tidbsim.txn.FaultSwitch;
import io.kafkabinlog.tidbsim.txn.SimTxnStatusService;
import io.kafkabinlog.tidbsim.txn.TxnOutcomeLog;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of a running sim, started in dependency order and closed in reverse: durable logs in
 * the data directory, the TSO client, the pump client (which waits for commit binlogs still in
 * flight when closed), the engine, and optionally the status server.
 */
final class SimRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SimRuntime.class);

  private final Deque<AutoCloseable> resources = new ArrayDeque<>();
  private final SimCluster sim;
  private final FaultSwitch faults = new FaultSwitch();
  private final TidbStatusServer status;

  SimRuntime(final RunConfig config) {
    try {
      Catalog catalog = own(Catalog.open(config.dataDir()));
      TxnOutcomeLog outcomes = own(TxnOutcomeLog.open(config.dataDir()));
      ExpectedState before = ExpectedStateLog.replay(config.dataDir());
      ExpectedStateLog expected = own(ExpectedStateLog.open(config.dataDir()));
      TimestampOracle tso =
          own(PdTimestampOracle.connect(config.tsoUrls(), PdTimestampOracle.DEFAULT_TIMEOUT, 0));
      LOG.info("TSO from {} (cluster id {})", config.tsoUrls(), tso.clusterId());
      BinlogWriter binlog =
          own(
              PumpsClient.connect(
                  config.binlog().toBuilder(tso.clusterId()).build(), config.etcdUrls()));
      SimTxnStatusService txnStatus =
          new SimTxnStatusService(outcomes, config.lockTtl(), tso::getTimestamp);
      faults.armCrashAfterPrewrite(config.crashAfterPrewrite());
      sim =
          new SimCluster(
              tso,
              binlog,
              catalog,
              outcomes,
              txnStatus,
              faults,
              expected,
              config.lockWaitTimeout());
      restore(before);
      status =
          config.statusAddr() == null
              ? null
              : own(
                  new TidbStatusServer(
                          config.statusAddr().host(),
                          config.statusAddr().port(),
                          catalog,
                          txnStatus,
                          faults)
                      .start());
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Gives the engine the rows earlier runs committed, so a run can continue their data. */
  private void restore(final ExpectedState before) {
    for (ExpectedTable table : before.tables()) {
      // Generated rows (the large workload) are restored as id ranges, never regenerated here.
      table
          .generatedIds()
          .forEach(g -> sim.restoreGeneratedRows(table.tableId(), g.firstId(), g.count()));
      List<SimRow> rows = new ArrayList<>();
      table.forEachLoggedRow(rows::add);
      sim.restoreRows(table.tableId(), rows, table.tableInfo());
    }
    if (before.entries() > 0) {
      LOG.info(
          "continuing the data of earlier runs: {} committed entries, {} tables",
          before.entries(),
          before.tables().size());
    }
  }

  SimCluster sim() {
    return sim;
  }

  FaultSwitch faults() {
    return faults;
  }

  /** The status server's URL, or null when it is off. */
  String statusUrl() {
    return status == null ? null : status.url();
  }

  private <T extends AutoCloseable> T own(final T resource) {
    resources.push(resource);
    return resource;
  }

  @Override
  public void close() {
    while (!resources.isEmpty()) {
      AutoCloseable r = resources.pop();
      try {
        r.close();
      } catch (Exception e) {
        LOG.warn("closing {} failed: {}", r.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
