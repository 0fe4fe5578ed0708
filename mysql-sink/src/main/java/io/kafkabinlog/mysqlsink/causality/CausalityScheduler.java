package io.kafkabinlog.mysqlsink.causality;

import io.kafkabinlog.mysqlsink.model.SinkTxn;
import io.kafkabinlog.mysqlsink.model.TxnGroup;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * Assigns whole upstream transactions, submitted in commit order, to {@code worker-count} workers
 * so that two transactions sharing a conflict key ({@link ConflictKeys}) never run at the same time
 * and run in commit order, while independent ones run in parallel.
 *
 * <p>The unit is a {@link TxnGroup} (consecutive transactions applied as one downstream
 * transaction; a single transaction is a group of one): its keys are the union of its transactions'
 * keys, it runs after every earlier group it shares a key with, and the watermark passes its
 * commit_ts values only when it completed, all at once.
 *
 * <p>Per key it remembers the last unfinished transaction holding it; a new transaction waits for
 * those (each of which waited for its own predecessors, so the chain keeps commit order). A DDL
 * that is executed downstream ({@code ddl != null && !schemaOnly}) is a barrier: it waits for every
 * earlier transaction and every later one waits for it. Unlike the original drainer (which flushes
 * all workers on a cross-group conflict and splits transactions), nothing is ever flushed: each
 * transaction starts as soon as its own predecessors finished.
 *
 * <p>Use from the apply loop: {@link #submit} transactions in commit order (bounding {@link
 * #inFlight()} for back-pressure), hand each {@link #nextRunnable()} to its worker, and call {@link
 * #complete} when the worker committed it (any thread: all methods are synchronized and never
 * block). After submitting a barrier, compute later transactions' keys only once {@link
 * #hasPendingBarrier()} is false, since the DDL may change the downstream's unique keys. {@link
 * #watermark()} is what the checkpoint may advance to.
 */
public final class CausalityScheduler {

  /** A group ready to run on {@code worker} (0-based; the worker's connection). */
  public record Assigned(int worker, TxnGroup group) {}

  private enum State {
    WAITING,
    READY,
    RUNNING,
    DONE
  }

  private static final class Node {
    final TxnGroup group;
    final Set<String> keys;
    final List<Node> dependents = new ArrayList<>();
    int waitingOn;
    State state = State.WAITING;
    int worker = -1;

    Node(final TxnGroup group, final Set<String> keys) {
      this.group = group;
      this.keys = keys;
    }

    long commitTs() {
      return group.lastCommitTs();
    }
  }

  private final int workerCount;
  private final BitSet freeWorkers;
  private final Map<String, Node> lastHolder = new HashMap<>();
  private final Map<Long, Node> unfinished = new HashMap<>();
  private final TreeMap<Long, Node> ready = new TreeMap<>();
  private final ArrayDeque<Node> commitOrder = new ArrayDeque<>();
  private Node lastBarrier;
  private long lastSubmitted;
  private long watermark;
  // The highest resolved ts told (every transaction at or below it was submitted before it).
  private long resolved;

  /**
   * @param workerCount parallel workers ({@code worker-count})
   * @param checkpointTs the commit_ts everything up to which is already applied (replay starts
   *     after it); the initial {@link #watermark()}
   */
  public CausalityScheduler(final int workerCount, final long checkpointTs) {
    if (workerCount < 1) {
      throw new IllegalArgumentException("worker-count must be >= 1, got " + workerCount);
    }
    this.workerCount = workerCount;
    this.freeWorkers = new BitSet(workerCount);
    this.freeWorkers.set(0, workerCount);
    this.lastSubmitted = checkpointTs;
    this.watermark = checkpointTs;
    this.resolved = checkpointTs;
  }

  /** {@link #submit(TxnGroup, Set)} of a group of one. */
  public void submit(final SinkTxn txn, final Set<String> keys) {
    submit(TxnGroup.of(txn), keys);
  }

  /**
   * Adds the next group in commit order with its conflict keys (the union of its transactions').
   *
   * @throws IllegalArgumentException if its first commit_ts is not above every earlier one
   */
  public synchronized void submit(final TxnGroup group, final Set<String> keys) {
    if (group.firstCommitTs() <= lastSubmitted) {
      throw new IllegalArgumentException(
          "commit_ts " + group.firstCommitTs() + " submitted after " + lastSubmitted);
    }
    final Node node = new Node(group, Set.copyOf(keys));
    final Set<Node> predecessors = new HashSet<>();
    final SinkTxn ddl = group.ddl();
    final boolean barrier = ddl != null && !ddl.ddl().schemaOnly();
    if (barrier) {
      predecessors.addAll(unfinished.values());
    } else {
      if (lastBarrier != null) {
        predecessors.add(lastBarrier);
      }
      for (String key : node.keys) {
        final Node holder = lastHolder.get(key);
        if (holder != null) {
          predecessors.add(holder);
        }
      }
    }
    for (Node p : predecessors) {
      p.dependents.add(node);
    }
    node.waitingOn = predecessors.size();
    for (String key : node.keys) {
      lastHolder.put(key, node);
    }
    if (barrier) {
      lastBarrier = node;
    }
    unfinished.put(node.commitTs(), node);
    commitOrder.addLast(node);
    lastSubmitted = node.commitTs();
    if (node.waitingOn == 0) {
      markReady(node);
    }
  }

  /**
   * The earliest (by commit_ts) group whose predecessors all finished, on a free worker; it is then
   * running until {@link #complete}. Empty if none is ready or no worker is free.
   */
  public synchronized Optional<Assigned> nextRunnable() {
    final int worker = freeWorkers.nextSetBit(0);
    if (worker < 0 || ready.isEmpty()) {
      return Optional.empty();
    }
    final Node node = ready.pollFirstEntry().getValue();
    freeWorkers.clear(worker);
    node.state = State.RUNNING;
    node.worker = worker;
    return Optional.of(new Assigned(worker, node.group));
  }

  /**
   * Marks a running group applied (committed downstream): frees its worker, releases its successors
   * and advances the watermark.
   *
   * @param commitTs the group's {@link TxnGroup#lastCommitTs()} (a group of one: its commit_ts)
   * @throws IllegalStateException if no running group has this commit_ts
   */
  public synchronized void complete(final long commitTs) {
    final Node node = unfinished.get(commitTs);
    if (node == null || node.state != State.RUNNING) {
      throw new IllegalStateException("commit_ts " + commitTs + " is not running");
    }
    unfinished.remove(commitTs);
    node.state = State.DONE;
    freeWorkers.set(node.worker);
    for (String key : node.keys) {
      lastHolder.remove(key, node);
    }
    if (lastBarrier == node) {
      lastBarrier = null;
    }
    for (Node d : node.dependents) {
      d.waitingOn--;
      if (d.waitingOn == 0) {
        markReady(d);
      }
    }
    node.dependents.clear();
    while (!commitOrder.isEmpty() && commitOrder.peekFirst().state == State.DONE) {
      watermark = commitOrder.pollFirst().commitTs();
    }
    catchUpWithResolved();
  }

  /**
   * Every transaction with commit_ts at or below {@code resolvedTs} has been submitted (a
   * resolved-ts marker, after the caller submitted everything before it). Once nothing submitted is
   * unfinished, the watermark moves up to it: an idle stream's checkpoint follows the markers, as
   * the original drainer's follows fake binlogs. A later submission at or below it is refused.
   */
  public synchronized void resolved(final long resolvedTs) {
    if (resolvedTs <= resolved) {
      return;
    }
    resolved = resolvedTs;
    lastSubmitted = Math.max(lastSubmitted, resolvedTs);
    catchUpWithResolved();
  }

  private void catchUpWithResolved() {
    if (commitOrder.isEmpty() && resolved > watermark) {
      watermark = resolved;
    }
  }

  /**
   * The highest commit_ts at or below which every submitted transaction finished (the checkpoint
   * given to the constructor until the first one finishes): what the checkpoint may advance to.
   */
  public synchronized long watermark() {
    return watermark;
  }

  /** The commit_ts of the oldest submitted transaction not yet finished, if any. */
  public synchronized OptionalLong lowestUnfinished() {
    return commitOrder.isEmpty()
        ? OptionalLong.empty()
        : OptionalLong.of(commitOrder.peekFirst().group.firstCommitTs());
  }

  /** Submitted and not yet completed groups (waiting, ready or running). */
  public synchronized int inFlight() {
    return unfinished.size();
  }

  /** Whether a submitted downstream DDL has not completed yet. */
  public synchronized boolean hasPendingBarrier() {
    return lastBarrier != null;
  }

  public int workerCount() {
    return workerCount;
  }

  private void markReady(final Node node) {
    node.state = State.READY;
    ready.put(node.commitTs(), node);
  }
}
