package io.kafkabinlog.ordering.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.ordering.metrics.OrderingMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.junit.jupiter.api.Test;

class ResolverLoopTest {
  private final OrderingMetrics metrics =
      new OrderingMetrics(new PrometheusRegistry(), Clock.systemUTC());
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<RuntimeException> fatal = new ArrayList<>();

  private ResolverLoop loop(final IntSupplier pass) {
    return new ResolverLoop(pass, running::get, Duration.ofSeconds(1), metrics, fatal::add);
  }

  @Test
  void passesRunOnlyWhileTheStreamRuns() {
    final AtomicInteger passes = new AtomicInteger();
    final ResolverLoop loop = loop(() -> passes.incrementAndGet() > 0 ? 2 : 0);
    running.set(false);
    loop.runOnce();
    assertThat(passes).hasValue(0);
    running.set(true);
    loop.runOnce();
    loop.runOnce();
    assertThat(passes).hasValue(2);
    assertThat(metrics.snapshot().resolver().passes()).isEqualTo(2);
    assertThat(fatal).isEmpty();
  }

  @Test
  void anUnreachableServiceIsRetriedAndShownUntilAPassSucceeds() {
    final AtomicReference<RuntimeException> next =
        new AtomicReference<>(
            new RetriableBinlogException(
                ErrorCode.TXN_STATUS_UNAVAILABLE, "transaction-status service is unavailable"));
    final ResolverLoop loop =
        loop(
            () -> {
              final RuntimeException e = next.getAndSet(null);
              if (e != null) {
                throw e;
              }
              return 1;
            });
    loop.runOnce();
    assertThat(metrics.snapshot().resolver().failures()).isEqualTo(1);
    assertThat(metrics.snapshot().resolver().lastError()).contains("unavailable");
    next.set(new InvalidStateStoreException("store migrated")); // a rebalance: just skipped
    loop.runOnce();
    loop.runOnce();
    assertThat(metrics.snapshot().resolver().failures()).isEqualTo(1);
    assertThat(metrics.snapshot().resolver().lastError()).isEmpty();
    assertThat(fatal).isEmpty();
  }

  @Test
  void anythingElseStopsTheLoopAndIsHandedOnOnce() {
    final AtomicInteger passes = new AtomicInteger();
    final ResolverLoop loop =
        loop(
            () -> {
              passes.incrementAndGet();
              throw new IllegalStateException("resolution for start_ts 7 refused");
            });
    loop.runOnce();
    loop.runOnce();
    assertThat(passes).hasValue(1);
    assertThat(fatal)
        .singleElement()
        .satisfies(e -> assertThat(e).hasMessage("resolution for start_ts 7 refused"));
  }
}
