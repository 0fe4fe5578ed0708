package io.kafkabinlog.ordering.merge;

import java.nio.ByteBuffer;

/**
 * A committed transaction in stage 2's stores: commit_ts then start_ts, big-endian, so the byte
 * order of the stores is the numeric order of (commit_ts, start_ts) (TSOs are positive).
 */
record TxnId(long commitTs, long startTs) {
  static final int BYTES = 16;

  /** The smallest id of all. */
  static final TxnId FIRST = new TxnId(0, 0);

  /** The largest id with {@code commitTs}. */
  static TxnId lastAt(final long commitTs) {
    return new TxnId(commitTs, Long.MAX_VALUE);
  }

  /** The id right after this one in store order. */
  TxnId successor() {
    return startTs == Long.MAX_VALUE
        ? new TxnId(commitTs + 1, 0)
        : new TxnId(commitTs, startTs + 1);
  }

  byte[] toBytes() {
    return ByteBuffer.allocate(BYTES).putLong(commitTs).putLong(startTs).array();
  }

  static TxnId fromBytes(final byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    return new TxnId(b.getLong(), b.getLong());
  }

  @Override
  public String toString() {
    return "start_ts " + startTs + " commit_ts " + commitTs;
  }
}
