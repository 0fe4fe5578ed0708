package io.kafkabinlog.mysqlsink.apply;

import io.kafkabinlog.mysqlsink.model.SinkTxn;
import io.kafkabinlog.mysqlsink.observe.SinkObserver;
import java.time.Duration;
import java.util.Objects;

/** An {@link ApplyLoop.Applier} that reports each transaction's outcome and duration. */
public final class ObservedApplier implements ApplyLoop.Applier {
  private final ApplyLoop.Applier delegate;
  private final SinkObserver observer;

  public ObservedApplier(final ApplyLoop.Applier delegate, final SinkObserver observer) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  @Override
  public ApplyOutcome apply(final SinkTxn txn) {
    final long start = System.nanoTime();
    final ApplyOutcome outcome;
    try {
      outcome = delegate.apply(txn);
    } catch (RuntimeException e) {
      observer.applyFailed(txn, e.getMessage());
      throw e;
    }
    observer.applied(txn, outcome, Duration.ofNanos(System.nanoTime() - start));
    return outcome;
  }
}
