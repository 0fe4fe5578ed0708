package io.kafkabinlog.tidbsim.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.common.tso.Tso;
import io.kafkabinlog.common.txnstatus.HttpTxnStatusResolver;
import io.kafkabinlog.common.txnstatus.TxnStatus;
import io.kafkabinlog.tidbsim.catalog.Catalog;
import io.kafkabinlog.tidbsim.txn.SimTxnStatusService;
import io.kafkabinlog.tidbsim.txn.TxnOutcomeLog;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** binlog-common's HTTP resolver against the real sim status server and outcome log. */
class HttpTxnStatusResolverAgainstSimTest {
  @TempDir Path dir;

  @Test
  void shouldResolveWhatTheEngineRecorded() {
    final long now = 1_700_000_000_000L;
    try (Catalog catalog = Catalog.open(dir);
        TxnOutcomeLog log = TxnOutcomeLog.open(dir)) {
      final SimTxnStatusService service =
          new SimTxnStatusService(log, Duration.ofSeconds(20), () -> Tso.compose(now, 0));
      final long committed = Tso.compose(now - 5000, 0);
      final long rolledBack = Tso.compose(now - 5000, 1);
      final long young = Tso.compose(now - 5000, 2);
      final long old = Tso.compose(now - 25_000, 0);
      log.recordCommitted(committed, Tso.compose(now - 4000, 0));
      log.recordRolledBack(rolledBack);
      final URI url;
      try (TidbStatusServer server =
              new TidbStatusServer("127.0.0.1", 0, catalog, service, null).start();
          HttpTxnStatusResolver resolver =
              new HttpTxnStatusResolver(URI.create(server.url()), Duration.ofSeconds(2))) {
        url = URI.create(server.url());
        assertThat(resolver.resolve(committed, new byte[] {1}))
            .isEqualTo(new TxnStatus.Committed(Tso.compose(now - 4000, 0)));
        assertThat(resolver.resolve(rolledBack, new byte[0])).isEqualTo(new TxnStatus.RolledBack());
        assertThat(resolver.resolve(young, new byte[0])).isEqualTo(new TxnStatus.Pending());
        assertThat(resolver.resolve(old, new byte[0])).isEqualTo(new TxnStatus.RolledBack());
      }
      // The server is gone: retriable, naming the URL and the setting.
      final HttpTxnStatusResolver afterClose =
          new HttpTxnStatusResolver(url, Duration.ofSeconds(1), "ordering.txn-status-url");
      assertThatThrownBy(() -> afterClose.resolve(committed, new byte[0]))
          .isInstanceOfSatisfying(
              RetriableBinlogException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.TXN_STATUS_UNAVAILABLE))
          .hasMessageContaining(url.toString())
          .hasMessageContaining("ordering.txn-status-url");
    }
  }
}
