package io.kafkabinlog.mysqlsink.partitioned;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.mysqlsink.apply.ApplyOutcome;
import io.kafkabinlog.mysqlsink.checkpoint.PartitionPosition;
import io.kafkabinlog.mysqlsink.filter.TableFilter;
import io.kafkabinlog.mysqlsink.model.SinkTxn;
import io.kafkabinlog.mysqlsink.observe.SinkObserver;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One assigned partition of the rows topic: its items, applied one after the other in the
 * partition's order (a table lives in one partition, so this keeps every table's commit order) on
 * turns of a shared worker pool, each turn at most {@value #TURN} items so that no partition
 * starves the others.
 *
 * <ul>
 *   <li>A table's part of a transaction becomes one downstream transaction ({@link
 *       Work#applyRows}), after the {@link TableFilter}; one with no kept rows does nothing.
 *   <li>A DDL at C stops the lane ({@link #waitingDdl()}) until the polling thread, which sees
 *       every partition's progress, {@link #release releases} it (the barrier: every partition at C
 *       - 1 or further); then {@link Work#applyDdl} applies it once for all partitions. A waiting
 *       lane holds no worker: the member keeps applying its other partitions, which the barrier may
 *       be waiting for.
 *   <li>Items at or below the partition's stored commit_ts at assignment are skipped: applied
 *       before.
 * </ul>
 *
 * A failure closes the lane and is handed to {@code onFailure}; the sink stops.
 */
final class PartitionLane {
  /** Items per turn on a worker. */
  static final int TURN = 64;

  /** What the lane does downstream, exactly once each. */
  interface Work {
    /** Applies one table's part of a transaction (rows filtered, not empty) in one transaction. */
    ApplyOutcome applyRows(int partition, SinkTxn txn, long firstOffset, long nextOffset);

    /** Applies a DDL (filtered: possibly schema-only) once for all partitions and members. */
    ApplyOutcome applyDdl(SinkTxn txn);
  }

  private final int partition;
  private final int partitionCount;
  private final long skipAtOrBelow;
  private final LaneProgress progress;
  private final Work work;
  private final TableFilter filter;
  private final SinkObserver observer;
  private final Executor workers;
  private final Consumer<RuntimeException> onFailure;

  // Guarded by this.
  private final ArrayDeque<RowsItem> queue = new ArrayDeque<>();
  private long queuedRows;
  private boolean scheduled;
  private long waitingDdl = -1;
  private long releasedDdl = -1;
  private boolean closed;

  /**
   * @param stored the partition's position in the progress table at assignment
   * @param partitionCount the topic's partitions (markers must agree)
   */
  PartitionLane(
      final int partition,
      final int partitionCount,
      final PartitionPosition stored,
      final Work work,
      final TableFilter filter,
      final SinkObserver observer,
      final Executor workers,
      final Consumer<RuntimeException> onFailure) {
    this.partition = partition;
    this.partitionCount = partitionCount;
    this.skipAtOrBelow = stored.commitTs();
    this.progress = new LaneProgress(stored);
    this.work = Objects.requireNonNull(work, "work");
    this.filter = Objects.requireNonNull(filter, "filter");
    this.observer = Objects.requireNonNull(observer, "observer");
    this.workers = Objects.requireNonNull(workers, "workers");
    this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
  }

  int partition() {
    return partition;
  }

  LaneProgress progress() {
    return progress;
  }

  /** Queues the partition's next item (polling thread). */
  synchronized void offer(final RowsItem item) {
    if (closed) {
      return;
    }
    queue.addLast(item);
    queuedRows += rows(item);
    scheduleIfIdle();
  }

  /** Items not applied yet. */
  synchronized int queued() {
    return queue.size();
  }

  /** Row changes in the items not applied yet (a group may be a large transaction's part). */
  synchronized long queuedRows() {
    return queuedRows;
  }

  /** The commit_ts of the DDL this lane waits on, -1 if none. */
  synchronized long waitingDdl() {
    return waitingDdl;
  }

  /** Lets a waiting DDL run if {@code floor} (over all partitions) allows it. */
  synchronized void release(final long floor) {
    if (waitingDdl >= 0 && ProgressFloor.ddlMayRun(floor, waitingDdl)) {
      releasedDdl = waitingDdl;
      waitingDdl = -1;
      scheduleIfIdle();
    }
  }

  /**
   * Stops the lane: queued items are dropped, the item being applied (if any) is finished.
   *
   * @return false if that item did not finish within {@code timeout} (it may still commit later;
   *     the progress row's lock makes whoever comes second skip it)
   */
  synchronized boolean close(final Duration timeout) throws InterruptedException {
    stopAccepting();
    return awaitIdle(System.nanoTime() + timeout.toNanos());
  }

  /** Drops the queued items and takes no more; the item being applied is finished. */
  synchronized void stopAccepting() {
    closed = true;
    queue.clear();
    queuedRows = 0;
  }

  /**
   * Waits until no item is being applied, up to {@code deadline} ({@link System#nanoTime}).
   *
   * @return false if one still is
   */
  synchronized boolean awaitIdle(final long deadline) throws InterruptedException {
    while (scheduled) {
      final long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }

  private void scheduleIfIdle() {
    if (!scheduled && !closed && waitingDdl < 0 && !queue.isEmpty()) {
      scheduled = true;
      workers.execute(this::turn);
    }
  }

  private void turn() {
    for (int i = 0; i < TURN; i++) {
      final RowsItem item;
      synchronized (this) {
        if (closed || queue.isEmpty()) {
          idle();
          return;
        }
        item = queue.peekFirst();
      }
      final boolean done;
      try {
        done = process(item);
      } catch (RuntimeException e) {
        synchronized (this) {
          stopAccepting();
          idle();
        }
        onFailure.accept(e);
        return;
      }
      if (!done) {
        synchronized (this) {
          waitingDdl = item.commitTs();
          idle();
        }
        return;
      }
      synchronized (this) {
        if (queue.peekFirst() == item) {
          queue.pollFirst();
          queuedRows -= rows(item);
        }
      }
    }
    synchronized (this) {
      idle();
      scheduleIfIdle(); // the next turn goes to the back of the pool's queue
    }
  }

  private static int rows(final RowsItem item) {
    return item instanceof RowsItem.Group group ? group.txn().rows().size() : 0;
  }

  /** Holding the lock: no turn runs any more. */
  private void idle() {
    scheduled = false;
    notifyAll();
  }

  /** Applies or skips one item; false if it is a DDL that must wait for the barrier. */
  private boolean process(final RowsItem item) {
    if (item instanceof RowsItem.Resolved resolved) {
      if (resolved.partitionCount() != partitionCount) {
        throw new FatalBinlogException(
            ErrorCode.MALFORMED_INPUT,
            "a resolved-ts marker on partition "
                + partition
                + " counts "
                + resolved.partitionCount()
                + " partitions, the topic has "
                + partitionCount
                + ": the rows topic's partitions changed, which its ordering depends on");
      }
      progress.resolved(resolved.resolvedTs(), resolved.nextOffset());
      return true;
    }
    final RowsItem.Group group = (RowsItem.Group) item;
    final SinkTxn txn = group.txn();
    final long commitTs = txn.commitTs();
    if (commitTs <= skipAtOrBelow) {
      if (group.isDdl()) {
        progress.passedDdl(commitTs, group.nextOffset());
      } else {
        progress.passed(commitTs, group.nextOffset());
      }
      return true;
    }
    progress.atHead(commitTs);
    if (group.isDdl()) {
      synchronized (this) {
        if (releasedDdl != commitTs) {
          return false;
        }
      }
      final SinkTxn kept = filter.apply(txn);
      observed(kept, () -> work.applyDdl(kept));
      progress.passedDdl(commitTs, group.nextOffset());
      return true;
    }
    final SinkTxn kept = filter.apply(txn);
    if (!kept.rows().isEmpty()) {
      observed(
          kept, () -> work.applyRows(partition, kept, group.firstOffset(), group.nextOffset()));
    }
    progress.passed(commitTs, group.nextOffset());
    return true;
  }

  private void observed(final SinkTxn txn, final Supplier<ApplyOutcome> apply) {
    observer.submitted(txn);
    final long start = System.nanoTime();
    final ApplyOutcome outcome;
    try {
      outcome = apply.get();
    } catch (RuntimeException e) {
      observer.applyFailed(txn, e.getMessage());
      throw e;
    }
    observer.applied(txn, outcome, Duration.ofNanos(System.nanoTime() - start));
  }
}
