package io.kafkabinlog.mysqlsink.apply;

import io.kafkabinlog.mysqlsink.model.SinkTxn;

/** What a txn-topic record completes: a whole transaction, or a resolved-ts marker. */
public sealed interface TxnEvent permits TxnEvent.Complete, TxnEvent.Resolved {

  /** A transaction whose last fragment arrived. */
  record Complete(SinkTxn txn) implements TxnEvent {}

  /** Every transaction with commit_ts at or below {@code resolvedTs} has been seen before. */
  record Resolved(long resolvedTs) implements TxnEvent {}
}
