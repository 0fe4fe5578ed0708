package io.kafkabinlog.ordering.pairing;

import io.kafkabinlog.common.txnstatus.TxnStatusResolver;
import io.kafkabinlog.ordering.observe.OrderingObserver;
import java.time.Clock;
import java.time.Duration;

/**
 * Architecture invariant 4: asks the {@link TxnStatusResolver} about prewrites pending longer than
 * {@code resolveAfter} and writes the missing commit or rollback; runs outside the topology, called
 * periodically by the application.
 */
public final class PendingPrewriteResolver {
  private final PendingView pending;
  private final TxnStatusResolver status;
  private final ResolutionWriter writer;
  private final Duration resolveAfter;
  private final OrderingObserver observer;
  private final Clock clock;

  public PendingPrewriteResolver(
      final PendingView pending,
      final TxnStatusResolver status,
      final ResolutionWriter writer,
      final Duration resolveAfter,
      final OrderingObserver observer,
      final Clock clock) {
    this.pending = pending;
    this.status = status;
    this.writer = writer;
    this.resolveAfter = resolveAfter;
    this.observer = observer;
    this.clock = clock;
  }

  /** One pass: resolves what is due; returns how many resolutions were written. */
  public int resolveDue() {
    throw new UnsupportedOperationException(
        "not built yet " + pending + status + writer + resolveAfter + observer + clock);
  }
}
