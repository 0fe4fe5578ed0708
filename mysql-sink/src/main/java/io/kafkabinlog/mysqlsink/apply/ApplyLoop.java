package io.kafkabinlog.mysqlsink.apply;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.mysqlsink.causality.CausalityScheduler;
import io.kafkabinlog.mysqlsink.causality.ConflictKeys;
import io.kafkabinlog.mysqlsink.model.SinkTxn;
import io.kafkabinlog.mysqlsink.model.TxnGroup;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The transactional mode's apply loop. Whole transactions submitted in commit order are cut into
 * groups of consecutive transactions ({@link TxnGrouper}, at most {@code txn-batch} rows; a DDL or
 * a larger transaction alone) that each become one downstream transaction; the groups go through
 * the {@link CausalityScheduler} (a group's keys are the union of its transactions') to a fixed
 * pool of {@code worker-count} threads, each applying one group at a time. The checkpoint may
 * advance to {@link #watermark()}, below which everything is applied: it passes a group's commit_ts
 * values only once the whole group committed.
 *
 * <p>Grouping happens here, before the scheduler, on consecutive transactions in commit order,
 * rather than per worker (a worker draining several ready transactions): a group is then a
 * contiguous commit_ts range, composed from the input alone and not from worker timing, so the
 * watermark, the replay after a restart and the tests reason about it as about one transaction; and
 * a transaction's wait for a conflicting earlier one is at most one group's apply time longer. The
 * caller {@link #flush}es when no more transactions are ready (after each poll), so a group only
 * collects transactions that arrived together and a quiet stream is applied without delay.
 *
 * <p>The first failure stops dispatching and is rethrown to the submitting thread; the caller
 * restarts from the checkpoint (replay skips what was applied).
 */
public final class ApplyLoop implements AutoCloseable {
  /**
   * Applies one group (DML transactions, or one DDL) downstream as one unit, exactly once; closed
   * with the loop (after its workers stopped).
   */
  @FunctionalInterface
  public interface Applier extends AutoCloseable {
    /**
     * @param worker the scheduler's worker running it (0-based): one group at a time per worker, so
     *     a worker may keep a connection of its own
     * @return the outcome of each of the group's transactions, in order
     */
    List<ApplyOutcome> apply(int worker, TxnGroup group);

    @Override
    default void close() {}
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
  private final TxnGrouper grouper;
  private final ExecutorService workers;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private RuntimeException failure;
  private long checkpointed;

  /**
   * @param maxInFlight groups handed to the scheduler but not applied at most (back-pressure)
   * @param txnBatch rows one group carries at most ({@code txn-batch}; 1: no grouping)
   */
  public ApplyLoop(
      final CausalityScheduler scheduler,
      final ConflictKeys conflictKeys,
      final Applier applier,
      final int maxInFlight,
      final int txnBatch) {
    this.scheduler = scheduler;
    this.conflictKeys = conflictKeys;
    this.applier = applier;
    this.maxInFlight = maxInFlight;
    this.grouper = new TxnGrouper(txnBatch);
    this.workers = Executors.newFixedThreadPool(scheduler.workerCount());
    this.checkpointed = scheduler.watermark();
  }

  /**
   * Submits the next transaction in commit order. It joins the open group; a group that is full (or
   * closed by a DDL) goes to the scheduler, blocking while {@code maxInFlight} groups are in flight
   * or a DDL is pending (its successors' keys depend on the downstream schema after it).
   *
   * @throws RuntimeException the first failure of a worker
   */
  public void submit(final SinkTxn txn) throws InterruptedException {
    throwIfFailedLocked();
    for (TxnGroup group : grouper.add(txn)) {
      submit(group);
    }
  }

  /**
   * Hands the open group (if any) to the scheduler: nothing more is ready now. Blocks like {@link
   * #submit(SinkTxn)}.
   */
  public void flush() throws InterruptedException {
    final Optional<TxnGroup> open = grouper.flush();
    if (open.isPresent()) {
      submit(open.get());
    }
  }

  private void submit(final TxnGroup group) throws InterruptedException {
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
    scheduler.submit(group, keysOf(group));
    dispatch();
  }

  private Set<String> keysOf(final TxnGroup group) {
    if (group.size() == 1) {
      return conflictKeys.of(group.txns().get(0));
    }
    final Set<String> keys = new HashSet<>();
    for (SinkTxn txn : group.txns()) {
      keys.addAll(conflictKeys.of(txn));
    }
    return keys;
  }

  /**
   * Flushes the open group and waits until everything submitted is applied; rethrows a worker's
   * failure.
   */
  public void awaitIdle() throws InterruptedException {
    flush();
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

  /**
   * Rethrows a worker's failure, if any: the consuming thread calls it after every poll, so that a
   * failure surfaces even when nothing more is submitted (an idle stream).
   */
  public void checkHealthy() {
    throwIfFailedLocked();
  }

  /**
   * A resolved-ts marker: every transaction at or below {@code resolvedTs} was submitted before it.
   * Flushes the open group (its transactions are below the marker), then lets the watermark follow
   * the marker once everything submitted is applied.
   */
  public void resolved(final long resolvedTs) throws InterruptedException {
    flush();
    scheduler.resolved(resolvedTs);
  }

  /** Everything at or below this commit_ts is applied (transactions in the open group are not). */
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
      final CausalityScheduler.Assigned assigned = next.get();
      workers.execute(() -> run(assigned.worker(), assigned.group()));
    }
  }

  private void run(final int worker, final TxnGroup group) {
    try {
      applier.apply(worker, group);
      scheduler.complete(group.lastCommitTs());
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

  private void throwIfFailedLocked() {
    lock.lock();
    try {
      throwIfFailed();
    } finally {
      lock.unlock();
    }
  }

  private void throwIfFailed() {
    if (failure != null) {
      throw failure;
    }
  }

  /** Stops the workers (interrupting a group in flight), then closes the applier. */
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
    } finally {
      applier.close();
    }
  }
}
