package io.kafkabinlog.ordering.pairing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;

/**
 * Stage 1's store keys. Numbers are big-endian, so RocksDB's byte order is numeric order for the
 * positive TSOs and offsets they hold (the pending store iterates oldest start_ts first, a
 * payload's fragments sit next to each other in index order).
 */
final class PairingKeys {
  static final int START_TS_BYTES = Long.BYTES;
  static final int FRAGMENT_BYTES = Long.BYTES + Long.BYTES + Integer.BYTES;

  private PairingKeys() {}

  /** Pending store key: start_ts. */
  static Bytes startTs(final long startTs) {
    return Bytes.wrap(ByteBuffer.allocate(START_TS_BYTES).putLong(startTs).array());
  }

  static long startTsOf(final Bytes key) {
    final byte[] bytes = key.get();
    if (bytes.length != START_TS_BYTES) {
      throw new IllegalArgumentException("pending key of " + bytes.length + " bytes");
    }
    return ByteBuffer.wrap(bytes).getLong();
  }

  /**
   * Fragment store key: start_ts, payload id (the raw offset where the payload began, so a retried
   * prewrite or an open chunk group never overwrites the fragments of a pending one with the same
   * start_ts), fragment index.
   */
  static Bytes fragment(final long startTs, final long payloadId, final int index) {
    return Bytes.wrap(
        ByteBuffer.allocate(FRAGMENT_BYTES)
            .putLong(startTs)
            .putLong(payloadId)
            .putInt(index)
            .array());
  }

  /** Scalar state store key. */
  static Bytes named(final String name) {
    return Bytes.wrap(name.getBytes(StandardCharsets.US_ASCII));
  }
}
