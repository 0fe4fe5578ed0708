package io.kafkabinlog.mysqlsink.partitioned;

import io.kafkabinlog.mysqlsink.model.SinkTxn;

/** One unit of a rows-topic partition, in the partition's order. */
sealed interface RowsItem permits RowsItem.Group, RowsItem.Resolved {

  /** The commit_ts the item is at (a marker: its resolved ts). */
  long commitTs();

  /** The offset after the item's last record. */
  long nextOffset();

  /**
   * One table's part of an upstream transaction (its fragments joined), or a DDL.
   *
   * @param firstOffset the offset of the group's first record (fragment 0)
   */
  record Group(SinkTxn txn, long firstOffset, long nextOffset) implements RowsItem {
    @Override
    public long commitTs() {
      return txn.commitTs();
    }

    boolean isDdl() {
      return txn.ddl() != null;
    }
  }

  /**
   * {@code ResolvedTs(W, partition, count)}: every record of this partition with commit_ts <= W
   * came before it.
   */
  record Resolved(long resolvedTs, int partitionCount, long nextOffset) implements RowsItem {
    @Override
    public long commitTs() {
      return resolvedTs;
    }
  }
}
