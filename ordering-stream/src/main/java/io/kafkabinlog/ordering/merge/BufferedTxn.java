package io.kafkabinlog.ordering.merge;

import java.nio.ByteBuffer;

/**
 * The txn index entry of a buffered transaction.
 *
 * @param partition the raw partition whose copy is kept (a copy from any other partition is a
 *     duplicate)
 * @param received how many fragments from index 0 on are stored without a gap; complete when equal
 *     to {@code count}
 */
record BufferedTxn(int partition, int count, int fragmentSize, long totalLength, int received) {

  private static final int BYTES = 4 + 4 + 4 + 8 + 4;

  boolean complete() {
    return received == count;
  }

  BufferedTxn withReceived(final int n) {
    return new BufferedTxn(partition, count, fragmentSize, totalLength, n);
  }

  byte[] toBytes() {
    return ByteBuffer.allocate(BYTES)
        .putInt(partition)
        .putInt(count)
        .putInt(fragmentSize)
        .putLong(totalLength)
        .putInt(received)
        .array();
  }

  static BufferedTxn fromBytes(final byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    return new BufferedTxn(b.getInt(), b.getInt(), b.getInt(), b.getLong(), b.getInt());
  }
}
