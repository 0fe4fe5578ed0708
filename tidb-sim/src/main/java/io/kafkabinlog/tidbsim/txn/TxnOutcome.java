package io.kafkabinlog.tidbsim.txn;

/**
 * How a transaction ended, as TiKV's write record says: committed at {@code commitTs}, or rolled
 * back ({@code commitTs == 0}).
 */
public record TxnOutcome(long startTs, long commitTs) {
  public TxnOutcome {
    if (startTs <= 0) {
      throw new IllegalArgumentException("start_ts must be positive: " + startTs);
    }
    if (commitTs < 0 || (commitTs > 0 && commitTs <= startTs)) {
      throw new IllegalArgumentException(
          "commit_ts must be 0 (rolled back) or greater than start_ts "
              + startTs
              + ": "
              + commitTs);
    }
  }

  public boolean committed() {
    return commitTs > 0;
  }
}
