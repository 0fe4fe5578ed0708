package io.kafkabinlog.ordering.pairing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.error.BinlogException;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.common.tso.Tso;
import io.kafkabinlog.common.txnstatus.TxnStatus;
import io.kafkabinlog.common.txnstatus.TxnStatusResolver;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PendingPrewriteResolverTest {
  private static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");
  private static final Duration AFTER = Duration.ofSeconds(10);

  private final FakeView view = new FakeView();
  private final FakeStatus status = new FakeStatus();
  private final List<String> writes = new ArrayList<>();
  private final RecordingObserver observer = new RecordingObserver();
  private final PendingPrewriteResolver resolver =
      new PendingPrewriteResolver(
          view,
          status,
          (partition, startTs, commitTs) -> writes.add(partition + ":" + startTs + "->" + commitTs),
          AFTER,
          observer,
          Clock.fixed(NOW, ZoneOffset.UTC),
          50);

  @Test
  void asksForPrewritesOlderThanResolveAfterByStartTsTime() {
    resolver.resolveDue();
    assertThat(view.askedUpTo).isEqualTo(Tso.compose(NOW.toEpochMilli() - AFTER.toMillis(), 0));
    assertThat(view.askedLimit).isEqualTo(50);
  }

  @Test
  void writesCommitsAndRollbacksAndSkipsPending() {
    view.add(1, 101);
    view.add(2, 102);
    view.add(1, 103);
    status.answers.put(101L, new TxnStatus.Committed(150));
    status.answers.put(102L, new TxnStatus.RolledBack());
    status.answers.put(103L, new TxnStatus.Pending());

    assertThat(resolver.resolveDue()).isEqualTo(2);

    assertThat(writes).containsExactly("1:101->150", "2:102->0");
    assertThat(observer.resolutions).containsExactly("1:101->150", "2:102->0");
    assertThat(status.asked).containsExactly("101:pk-101", "102:pk-102", "103:pk-103");
  }

  @Test
  void aResolutionStageOneHasNotReadYetIsNotWrittenAgainUntilResolveAfterPassed() {
    final java.util.concurrent.atomic.AtomicLong millis =
        new java.util.concurrent.atomic.AtomicLong(NOW.toEpochMilli());
    final Clock moving =
        new Clock() {
          @Override
          public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
          }

          @Override
          public Clock withZone(final java.time.ZoneId zone) {
            return this;
          }

          @Override
          public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
          }
        };
    final PendingPrewriteResolver busy =
        new PendingPrewriteResolver(
            view,
            status,
            (partition, startTs, commitTs) ->
                writes.add(partition + ":" + startTs + "->" + commitTs),
            AFTER,
            observer,
            moving,
            50);
    view.add(1, 101);
    status.answers.put(101L, new TxnStatus.Committed(150));

    assertThat(busy.resolveDue()).isEqualTo(1);
    millis.addAndGet(1_000);
    assertThat(busy.resolveDue()).as("still pending in stage 1, written a second ago").isZero();
    millis.addAndGet(AFTER.toMillis());
    assertThat(busy.resolveDue()).as("resolve-after later: written again").isEqualTo(1);
    assertThat(writes).containsExactly("1:101->150", "1:101->150");
  }

  @Test
  void unavailableStatusServiceEndsThePass() {
    view.add(1, 101);
    view.add(1, 102);
    view.add(1, 103);
    status.answers.put(101L, new TxnStatus.Committed(150));
    status.unavailableFrom = 102;

    assertThat(resolver.resolveDue()).isEqualTo(1);
    assertThat(writes).containsExactly("1:101->150");
    assertThat(status.asked).containsExactly("101:pk-101", "102:pk-102");
  }

  @Test
  void failedWriteReachesTheCaller() {
    view.add(1, 101);
    status.answers.put(101L, new TxnStatus.Committed(150));
    final PendingPrewriteResolver failing =
        new PendingPrewriteResolver(
            view,
            status,
            (partition, startTs, commitTs) -> {
              throw new RetriableBinlogException(ErrorCode.KAFKA_UNAVAILABLE, "down");
            },
            AFTER,
            observer,
            Clock.fixed(NOW, ZoneOffset.UTC));
    assertThatThrownBy(failing::resolveDue)
        .isInstanceOf(RetriableBinlogException.class)
        .extracting(e -> ((BinlogException) e).code())
        .isEqualTo(ErrorCode.KAFKA_UNAVAILABLE);
    assertThat(observer.resolutions).isEmpty();
  }

  @Test
  void commitTsNotAboveStartTsIsRefusedAndNotWritten() {
    view.add(1, 101);
    status.answers.put(101L, new TxnStatus.Committed(101));
    assertThatThrownBy(resolver::resolveDue)
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining("start_ts 101 committed at 101");
    assertThat(writes).isEmpty();
  }

  private static final class FakeView implements PendingView {
    final List<PendingPrewrite> pending = new ArrayList<>();
    long askedUpTo = -1;
    int askedLimit = -1;

    void add(final int partition, final long startTs) {
      pending.add(new PendingPrewrite(partition, startTs, RawTestRecords.primaryKey(startTs), 0));
    }

    @Override
    public List<PendingPrewrite> pendingUpTo(final long maxStartTs, final int limit) {
      askedUpTo = maxStartTs;
      askedLimit = limit;
      return pending.stream().filter(p -> p.startTs() <= maxStartTs).limit(limit).toList();
    }
  }

  private static final class FakeStatus implements TxnStatusResolver {
    final Map<Long, TxnStatus> answers = new HashMap<>();
    final List<String> asked = new ArrayList<>();
    long unavailableFrom = Long.MAX_VALUE;

    @Override
    public TxnStatus resolve(final long startTs, final byte[] primaryKey) {
      asked.add(startTs + ":" + new String(primaryKey, StandardCharsets.UTF_8));
      if (startTs >= unavailableFrom) {
        throw new RetriableBinlogException(ErrorCode.TXN_STATUS_UNAVAILABLE, "sim is down");
      }
      return answers.get(startTs);
    }
  }
}
