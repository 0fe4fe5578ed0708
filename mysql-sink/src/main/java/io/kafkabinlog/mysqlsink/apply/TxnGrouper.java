package io.kafkabinlog.mysqlsink.apply;

import io.kafkabinlog.mysqlsink.model.SinkTxn;
import io.kafkabinlog.mysqlsink.model.TxnGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Cuts the stream of whole transactions (in commit order) into {@link TxnGroup}s of consecutive
 * transactions with at most {@code maxRows} rows together ({@code txn-batch}; a transaction without
 * rows counts as one, for its progress row). A transaction with more rows than that is a group of
 * its own, never split; a DDL is always alone. The open group is handed on when the next
 * transaction does not fit, or on {@link #flush} (the caller's "nothing more is ready now"). Not
 * thread-safe.
 */
public final class TxnGrouper {
  private final int maxRows;
  private final List<SinkTxn> open = new ArrayList<>();
  private int openRows;

  public TxnGrouper(final int maxRows) {
    if (maxRows < 1) {
      throw new IllegalArgumentException("txn-batch must be >= 1: " + maxRows);
    }
    this.maxRows = maxRows;
  }

  /** Adds the next transaction; returns the groups it closed, in commit order (0 to 2). */
  public List<TxnGroup> add(final SinkTxn txn) {
    final List<TxnGroup> closed = new ArrayList<>(2);
    if (txn.ddl() != null) {
      flush().ifPresent(closed::add);
      closed.add(TxnGroup.of(txn));
      return closed;
    }
    final int rows = Math.max(1, txn.rows().size());
    if (!open.isEmpty() && openRows + rows > maxRows) {
      flush().ifPresent(closed::add);
    }
    open.add(txn);
    openRows += rows;
    if (openRows >= maxRows) {
      flush().ifPresent(closed::add);
    }
    return closed;
  }

  /** Closes the open group, if any. */
  public Optional<TxnGroup> flush() {
    if (open.isEmpty()) {
      return Optional.empty();
    }
    final TxnGroup group = new TxnGroup(open);
    open.clear();
    openRows = 0;
    return Optional.of(group);
  }

  /** Whether transactions wait in the open group. */
  public boolean hasOpen() {
    return !open.isEmpty();
  }
}
