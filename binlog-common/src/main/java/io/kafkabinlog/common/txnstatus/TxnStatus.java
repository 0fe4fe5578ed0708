package io.kafkabinlog.common.txnstatus;

/**
 * What storage says about a transaction whose prewrite binlog was seen but whose commit binlog was
 * not: the answer TiKV's MVCC history and lock resolver give the original pump.
 */
public sealed interface TxnStatus {

  /** Committed with this commit_ts: the missing commit binlog can be written on its behalf. */
  record Committed(long commitTs) implements TxnStatus {
    public Committed {
      if (commitTs <= 0) {
        throw new IllegalArgumentException("commit_ts must be positive: " + commitTs);
      }
    }
  }

  /** Rolled back (or its lock expired and was resolved): the prewrite is dropped. */
  record RolledBack() implements TxnStatus {}

  /** Still locked and within its TTL: ask again later. */
  record Pending() implements TxnStatus {}
}
