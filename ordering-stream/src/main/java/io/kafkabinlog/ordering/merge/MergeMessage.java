package io.kafkabinlog.ordering.merge;

/**
 * What stage 1 (one task per raw partition) sends stage 2 (one task) through the single-partition
 * merge topic. For each pump partition the order is: every fragment of a committed transaction, in
 * index order, before any watermark that covers its commit_ts.
 */
public sealed interface MergeMessage extends MergeInput {

  /** The raw-topic partition (pump) this message comes from. */
  int partition();

  /**
   * One fragment of a committed transaction's prewrite binlog (the {@code binlog.Binlog} payload as
   * the pump received it, commit_ts taken from the commit binlog or the resolution). Fragments have
   * the fixed size {@code fragmentSize} except the last one; {@code count} of them make {@code
   * totalLength} bytes.
   */
  record TxnFragment(
      int partition,
      long startTs,
      long commitTs,
      int index,
      int count,
      int fragmentSize,
      long totalLength,
      byte[] data)
      implements MergeMessage {

    public TxnFragment {
      if (index < 0 || index >= count) {
        throw new IllegalArgumentException("fragment " + index + " of " + count);
      }
      if (commitTs <= startTs) {
        throw new IllegalArgumentException(
            "commit_ts " + commitTs + " must be above start_ts " + startTs);
      }
    }

    public boolean isLast() {
      return index == count - 1;
    }
  }

  /** M_p: every transaction of this partition with commit_ts <= ts has been sent before this. */
  record PumpWatermark(int partition, long ts) implements MergeMessage {}
}
