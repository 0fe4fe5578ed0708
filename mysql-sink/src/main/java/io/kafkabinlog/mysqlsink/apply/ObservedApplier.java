package io.kafkabinlog.mysqlsink.apply;

import io.kafkabinlog.mysqlsink.model.SinkTxn;
import io.kafkabinlog.mysqlsink.model.TxnGroup;
import io.kafkabinlog.mysqlsink.observe.SinkObserver;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An {@link ApplyLoop.Applier} that reports each transaction's outcome and duration; the
 * transactions of a group share its duration (they were in flight together).
 */
public final class ObservedApplier implements ApplyLoop.Applier {
  private final ApplyLoop.Applier delegate;
  private final SinkObserver observer;

  public ObservedApplier(final ApplyLoop.Applier delegate, final SinkObserver observer) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  @Override
  public List<ApplyOutcome> apply(final int worker, final TxnGroup group) {
    final long start = System.nanoTime();
    final List<ApplyOutcome> outcomes;
    try {
      outcomes = delegate.apply(worker, group);
    } catch (RuntimeException e) {
      for (SinkTxn txn : group.txns()) {
        observer.applyFailed(txn, e.getMessage());
      }
      throw e;
    }
    final Duration took = Duration.ofNanos(System.nanoTime() - start);
    for (int i = 0; i < group.size(); i++) {
      observer.applied(group.txns().get(i), outcomes.get(i), took);
    }
    return outcomes;
  }

  @Override
  public void close() {
    delegate.close();
  }
}
