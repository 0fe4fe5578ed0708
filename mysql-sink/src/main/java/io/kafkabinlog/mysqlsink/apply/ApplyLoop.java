package io.kafkabinlog.mysqlsink.apply;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.mysqlsink.causality.CausalityScheduler;
import io.kafkabinlog.mysqlsink.causality.ConflictKeys;
import io.kafkabinlog.mysqlsink.model.SinkTxn;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Skeleton of the transactional mode's apply loop: whole transactions submitted in commit order go
 * through the {@link CausalityScheduler} to a fixed pool of {@code worker-count} threads, each
 * applying one transaction at a time; the checkpoint may advance to {@link #watermark()}, below
 * which everything is applied. The first failure stops dispatching and is rethrown to the
 * submitting thread; the caller restarts from the checkpoint (replay skips what was applied).
 */
public final class ApplyLoop implements AutoCloseable {
  /** Applies one transaction (DML or DDL) downstream, exactly once. */
  @FunctionalInterface
  public interface Applier {
    ApplyOutcome apply(SinkTxn txn);
  }

  /** Writes the checkpoint (e.g. {@code ProgressStore.advance}). */
  @FunctionalInterface
  public interface CheckpointWriter {
    void advance(long commitTs) throws Exception;
  }

  private final CausalityScheduler scheduler;
  private final ConflictKeys conflictKeys;
  private final Applier applier;
  private final int maxInFlight;
  private final ExecutorService workers;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private RuntimeException failure;
  private long checkpointed;

  /**
   * @param maxInFlight transactions submitted but not applied at most (back-pressure)
   */
  public ApplyLoop(
      final CausalityScheduler scheduler,
      final ConflictKeys conflictKeys,
      final Applier applier,
      final int maxInFlight) {
    this.scheduler = scheduler;
    this.conflictKeys = conflictKeys;
    this.applier = applier;
    this.maxInFlight = maxInFlight;
    this.workers = Executors.newFixedThreadPool(scheduler.workerCount());
    this.checkpointed = scheduler.watermark();
  }

  /**
   * Submits the next transaction in commit order; blocks while {@code maxInFlight} are in flight or
   * a DDL is pending (its successors' keys depend on the downstream schema after it).
   *
   * @throws RuntimeException the first failure of a worker
   */
  public void submit(final SinkTxn txn) throws InterruptedException {
    lock.lock();
    try {
      while (failure == null
          && (scheduler.inFlight() >= maxInFlight || scheduler.hasPendingBarrier())) {
        changed.await();
      }
      throwIfFailed();
    } finally {
      lock.unlock();
    }
    // Only this thread submits, so no barrier can appear between the wait and here.
    scheduler.submit(txn, conflictKeys.of(txn));
    dispatch();
  }

  /** Waits until everything submitted is applied; rethrows a worker's failure. */
  public void awaitIdle() throws InterruptedException {
    lock.lock();
    try {
      while (failure == null && scheduler.inFlight() > 0) {
        changed.await();
      }
      throwIfFailed();
    } finally {
      lock.unlock();
    }
  }

  /** Everything at or below this commit_ts is applied. */
  public long watermark() {
    return scheduler.watermark();
  }

  /** Writes the checkpoint if the watermark moved since the last write. */
  public void advanceCheckpoint(final CheckpointWriter writer) throws Exception {
    final long watermark = scheduler.watermark();
    if (watermark > checkpointed) {
      writer.advance(watermark);
      checkpointed = watermark;
    }
  }

  private void dispatch() {
    while (true) {
      lock.lock();
      try {
        if (failure != null) {
          return;
        }
      } finally {
        lock.unlock();
      }
      final Optional<CausalityScheduler.Assigned> next = scheduler.nextRunnable();
      if (next.isEmpty()) {
        return;
      }
      final SinkTxn txn = next.get().txn();
      workers.execute(() -> run(txn));
    }
  }

  private void run(final SinkTxn txn) {
    try {
      applier.apply(txn);
      scheduler.complete(txn.commitTs());
    } catch (RuntimeException e) {
      fail(e);
      return;
    }
    signal();
    dispatch();
  }

  private void fail(final RuntimeException e) {
    lock.lock();
    try {
      if (failure == null) {
        failure = e;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void signal() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void throwIfFailed() {
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public void close() {
    workers.shutdownNow();
    try {
      if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
        throw new FatalBinlogException(
            ErrorCode.SHUTTING_DOWN, "apply workers did not stop within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
