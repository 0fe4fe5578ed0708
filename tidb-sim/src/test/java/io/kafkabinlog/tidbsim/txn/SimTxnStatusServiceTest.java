package io.kafkabinlog.tidbsim.txn;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.common.tso.Tso;
import io.kafkabinlog.common.txnstatus.TxnStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimTxnStatusServiceTest {
  private static final long T0 = 1_700_000_000_000L;

  @TempDir Path dir;
  private TxnOutcomeLog log;
  private final AtomicLong nowMillis = new AtomicLong(T0);
  private SimTxnStatusService service;

  @BeforeEach
  void setUp() {
    log = TxnOutcomeLog.open(dir);
    service =
        new SimTxnStatusService(log, Duration.ofSeconds(20), () -> Tso.compose(nowMillis.get(), 0));
  }

  @AfterEach
  void tearDown() {
    log.close();
  }

  private static long tso(final long millis, final long logical) {
    return Tso.compose(millis, logical);
  }

  @Test
  void shouldAnswerFromTheOutcomeRecordWhateverTheAge() {
    final long committed = tso(T0 - 60_000, 1);
    final long rolledBack = tso(T0 - 1, 2);
    log.recordCommitted(committed, tso(T0 - 59_000, 0));
    log.recordRolledBack(rolledBack);
    assertThat(service.status(committed)).isEqualTo(new TxnStatus.Committed(tso(T0 - 59_000, 0)));
    assertThat(service.status(rolledBack)).isEqualTo(new TxnStatus.RolledBack());
    assertThat(service.resolve(committed, new byte[0])).isInstanceOf(TxnStatus.Committed.class);
  }

  @Test
  void shouldCountTheLockTtlFromTheLastHeartbeatOfARunningTransaction() {
    final long start = tso(T0, 3);
    nowMillis.set(T0 + 30_000);
    service.keepAlive(start);
    nowMillis.set(T0 + 45_000);
    assertThat(service.status(start)).isEqualTo(new TxnStatus.Pending());
    assertThat(service.mayCommit(start, tso(T0 + 39_999, 0))).isTrue();
    assertThat(service.mayCommit(start, tso(T0 + 40_000, 0))).isFalse();

    // Without heartbeats (the transaction ended, or the sim is gone) the lock expired long ago.
    service.endKeepAlive(start);
    assertThat(service.status(start)).isEqualTo(new TxnStatus.RolledBack());
  }

  @Test
  void shouldApplyTheLockTtlToUndecidedTransactions() {
    final long start = tso(T0, 7);
    assertThat(service.status(start)).isEqualTo(new TxnStatus.Pending());
    nowMillis.set(T0 + 19_999);
    assertThat(service.status(start)).isEqualTo(new TxnStatus.Pending());
    nowMillis.set(T0 + 20_000);
    assertThat(service.status(start)).isEqualTo(new TxnStatus.RolledBack());
    // A record written later (it must not be, see mayCommit) would still win.
    log.recordCommitted(start, tso(T0 + 1, 0));
    assertThat(service.status(start)).isInstanceOf(TxnStatus.Committed.class);
  }

  @Test
  void shouldAllowCommitsOnlyWithinHalfTheTtl() {
    final long start = tso(T0, 0);
    assertThat(service.mayCommit(start, tso(T0 + 9_999, 5))).isTrue();
    assertThat(service.mayCommit(start, tso(T0 + 10_000, 0))).isFalse();
    assertThat(service.lockTtl()).isEqualTo(Duration.ofSeconds(20));
  }
}
