package io.kafkabinlog.ordering.merge;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The transactions emitted in the last {@link #WINDOW} of TSO time below W, so that a copy of one
 * arriving after its emission is told apart from a late transaction.
 *
 * <p>Why a window is enough: a copy from a member pump reaches stage 2 before that pump's M_p
 * passes its commit_ts (stage 1 sends every fragment before such a watermark, and a copy still
 * pending on the second pump holds that pump's M_p below its start_ts until resolved), and W never
 * passes a member's M_p; a pump that is not a member yet commits only above H >= W. So with a
 * correct stage 1 every copy arrives before emission and is dropped against the buffer. The window
 * is defence in depth for a copy that stage 1 sends again shortly after (a replay close to W); a
 * copy more than ten minutes of TSO time behind W is no retry but a broken watermark, and must stop
 * the pipeline as a late transaction rather than be dropped on a guess.
 */
final class EmittedWindow {
  /** How far below W emitted transactions are remembered. */
  static final Duration WINDOW = Duration.ofMinutes(10);

  private static final int PHYSICAL_SHIFT = 18;
  private static final long WINDOW_TSO = WINDOW.toMillis() << PHYSICAL_SHIFT;
  // Prune at most once per minute of TSO time: each prune is one range scan.
  private static final long PRUNE_STEP_TSO = Duration.ofMinutes(1).toMillis() << PHYSICAL_SHIFT;

  private static final int PRUNE_BATCH = 4096;

  private final KeyValueStore<TxnId, Integer> emitted;
  private long prunedBelow;

  EmittedWindow(final KeyValueStore<TxnId, Integer> emitted) {
    this.emitted = emitted;
  }

  void add(final TxnId txn, final int partition) {
    emitted.put(txn, partition);
  }

  boolean contains(final TxnId txn) {
    return emitted.get(txn) != null;
  }

  /** Forgets what lies more than {@link #WINDOW} below {@code resolvedTs}. */
  void prune(final long resolvedTs) {
    long bound = resolvedTs - WINDOW_TSO;
    if (bound <= 0 || bound < prunedBelow + PRUNE_STEP_TSO) {
      return;
    }
    TxnId from = new TxnId(prunedBelow, 0);
    TxnId to = TxnId.lastAt(bound - 1);
    while (true) {
      // In bounded batches: a minute of a busy cluster is many transactions.
      List<TxnId> old = new ArrayList<>();
      try (KeyValueIterator<TxnId, Integer> it = emitted.range(from, to)) {
        while (it.hasNext() && old.size() < PRUNE_BATCH) {
          old.add(it.next().key);
        }
      }
      old.forEach(emitted::delete);
      if (old.size() < PRUNE_BATCH) {
        break;
      }
      from = old.get(old.size() - 1).successor();
    }
    prunedBelow = bound;
  }
}
