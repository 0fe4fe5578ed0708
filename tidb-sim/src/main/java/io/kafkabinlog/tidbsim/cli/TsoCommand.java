package io.kafkabinlog.tidbsim.cli;

import io.etcd.jetcd.Client;
import io.kafkabinlog.common.config.Settings;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.tso.Tso;
import io.kafkabinlog.tidbsim.catalog.Catalog;
import io.kafkabinlog.tidbsim.status.TidbStatusServer;
import io.kafkabinlog.tidbsim.tso.PdKeys;
import io.kafkabinlog.tidbsim.tso.PdServer;
import io.kafkabinlog.tidbsim.txn.SimTxnStatusService;
import io.kafkabinlog.tidbsim.txn.TxnOutcomeLog;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;

/**
 * {@code tidb-sim tso}: serves PD's TSO over gRPC (cluster id and TSO window kept in etcd, as PD
 * does) and TiDB's status API over the sim's data directory, until SIGTERM or Ctrl-C.
 */
final class TsoCommand {
  private TsoCommand() {}

  static int run(final Settings settings, final PrintStream out) {
    TsoConfig config = TsoConfig.from(settings);
    CountDownLatch stopped = new CountDownLatch(1);
    try (Client etcd = Client.builder().endpoints(config.etcdUrls().toArray(URI[]::new)).build();
        PdServer pd =
            PdServer.startOnEtcd(
                etcd,
                new PdKeys(config.pdRoot()),
                config.clusterId(),
                config.addr().host(),
                config.addr().port());
        Catalog catalog = Catalog.openReadOnly(config.dataDir());
        TxnOutcomeLog outcomes = TxnOutcomeLog.openReadOnly(config.dataDir());
        TidbStatusServer status = startStatus(config, catalog, outcomes)) {
      out.println(
          "tidb-sim tso: PD (TSO) on "
              + pd.url()
              + ", cluster id "
              + Long.toUnsignedString(pd.clusterId())
              + (status == null ? "" : ", TiDB status API on " + status.url())
              + ", data dir "
              + config.dataDir().toAbsolutePath());
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "tidb-sim-stop"));
      stopped.await();
      out.println("tidb-sim tso: stopping");
    } catch (IOException e) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          "cannot serve PD on " + config.addr() + " (" + e.getMessage() + "); change `addr`",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  private static TidbStatusServer startStatus(
      final TsoConfig config, final Catalog catalog, final TxnOutcomeLog outcomes) {
    if (config.statusAddr() == null) {
      return null;
    }
    SimTxnStatusService txnStatus =
        new SimTxnStatusService(outcomes, config.lockTtl(), () -> Tso.fromInstant(Instant.now()));
    return new TidbStatusServer(
            config.statusAddr().host(), config.statusAddr().port(), catalog, txnStatus, null)
        .start();
  }
}
