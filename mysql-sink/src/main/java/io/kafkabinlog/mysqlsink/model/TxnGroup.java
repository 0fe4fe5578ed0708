package io.kafkabinlog.mysqlsink.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Consecutive whole upstream transactions (in commit order, none split) that are applied as one
 * downstream transaction, each with its own progress row (txn-batch grouping). A DDL is always
 * alone in its group.
 */
public record TxnGroup(List<SinkTxn> txns) {
  public TxnGroup {
    txns = List.copyOf(txns);
    if (txns.isEmpty()) {
      throw new IllegalArgumentException("a group needs a transaction");
    }
    for (int i = 1; i < txns.size(); i++) {
      if (txns.get(i).commitTs() <= txns.get(i - 1).commitTs()) {
        throw new IllegalArgumentException(
            "commit_ts "
                + txns.get(i).commitTs()
                + " after "
                + txns.get(i - 1).commitTs()
                + ": a group is in commit order");
      }
    }
    if (txns.size() > 1 && txns.stream().anyMatch(t -> t.ddl() != null)) {
      throw new IllegalArgumentException("a DDL is never grouped: " + commitTsOf(txns));
    }
  }

  /** The group of one transaction. */
  public static TxnGroup of(final SinkTxn txn) {
    return new TxnGroup(List.of(txn));
  }

  public long firstCommitTs() {
    return txns.get(0).commitTs();
  }

  /** The group's identity in the scheduler and what the watermark passes once it committed. */
  public long lastCommitTs() {
    return txns.get(txns.size() - 1).commitTs();
  }

  public int size() {
    return txns.size();
  }

  /** The rows of all its transactions. */
  public int rowCount() {
    int rows = 0;
    for (SinkTxn txn : txns) {
      rows += txn.rows().size();
    }
    return rows;
  }

  /** The DDL transaction this group consists of, or null. */
  public SinkTxn ddl() {
    return txns.get(0).ddl() != null ? txns.get(0) : null;
  }

  /** The commit_ts values, in order (for reports). */
  public List<Long> commitTs() {
    return commitTsOf(txns);
  }

  /** The commit_ts values of {@code txns}, in their order. */
  public static List<Long> commitTsOf(final List<SinkTxn> txns) {
    final List<Long> out = new ArrayList<>(txns.size());
    for (SinkTxn txn : txns) {
      out.add(txn.commitTs());
    }
    return out;
  }
}
