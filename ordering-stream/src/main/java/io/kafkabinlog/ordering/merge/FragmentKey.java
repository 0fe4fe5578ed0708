package io.kafkabinlog.ordering.merge;

import java.nio.ByteBuffer;

/**
 * A fragment in stage 2's buffer: commit_ts, start_ts, index, big-endian, so an ordered scan of the
 * buffer is the k-way merge of all pumps by commit_ts.
 */
record FragmentKey(long commitTs, long startTs, int index) {

  static FragmentKey of(final TxnId txn, final int index) {
    return new FragmentKey(txn.commitTs(), txn.startTs(), index);
  }

  byte[] toBytes() {
    return ByteBuffer.allocate(TxnId.BYTES + 4)
        .putLong(commitTs)
        .putLong(startTs)
        .putInt(index)
        .array();
  }

  static FragmentKey fromBytes(final byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    return new FragmentKey(b.getLong(), b.getLong(), b.getInt());
  }
}
