package io.kafkabinlog.ordering.pairing;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * What the pending store keeps about a prewrite waiting for its commit (its bytes are in the
 * fragment store under {@code (startTs, payloadId, index)}). Encoded as {@code version u8 (1) |
 * partition i32 | start_ts i64 | first_seen_ms i64 | payload_id i64 | total_length i64 |
 * fragment_count i32 | fragment_size i32 | key_length i32 | prewrite_key}, big-endian.
 *
 * @param partition raw partition of the prewrite
 * @param startTs its start_ts
 * @param primaryKey the binlog's prewrite_key (empty if it has none)
 * @param firstSeenMillis wall-clock time stage 1 stored it
 * @param payloadId raw offset where the payload began (the record, or a chunk group's chunk 0)
 * @param totalLength payload bytes
 * @param fragmentCount fragments in the fragment store
 * @param fragmentSize size of every fragment but the last
 */
record PendingMeta(
    int partition,
    long startTs,
    byte[] primaryKey,
    long firstSeenMillis,
    long payloadId,
    long totalLength,
    int fragmentCount,
    int fragmentSize) {
  private static final byte VERSION = 1;
  private static final int FIXED = 1 + 4 + 8 + 8 + 8 + 8 + 4 + 4 + 4;

  PendingMeta {
    Objects.requireNonNull(primaryKey, "primaryKey");
  }

  byte[] encode() {
    return ByteBuffer.allocate(FIXED + primaryKey.length)
        .put(VERSION)
        .putInt(partition)
        .putLong(startTs)
        .putLong(firstSeenMillis)
        .putLong(payloadId)
        .putLong(totalLength)
        .putInt(fragmentCount)
        .putInt(fragmentSize)
        .putInt(primaryKey.length)
        .put(primaryKey)
        .array();
  }

  /**
   * @throws IllegalArgumentException if the bytes are not an encoded meta of this version
   */
  static PendingMeta decode(final byte[] bytes) {
    if (bytes == null || bytes.length < FIXED || bytes[0] != VERSION) {
      throw new IllegalArgumentException(
          "not a version-" + VERSION + " pending prewrite (" + describe(bytes) + ")");
    }
    final ByteBuffer in = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
    final int partition = in.getInt();
    final long startTs = in.getLong();
    final long firstSeen = in.getLong();
    final long payloadId = in.getLong();
    final long total = in.getLong();
    final int count = in.getInt();
    final int size = in.getInt();
    final int keyLength = in.getInt();
    if (keyLength != in.remaining()) {
      throw new IllegalArgumentException(
          "pending prewrite with a key of " + keyLength + " bytes but " + in.remaining() + " left");
    }
    final byte[] key = new byte[keyLength];
    in.get(key);
    return new PendingMeta(partition, startTs, key, firstSeen, payloadId, total, count, size);
  }

  PendingPrewrite toPendingPrewrite() {
    return new PendingPrewrite(partition, startTs, primaryKey, firstSeenMillis);
  }

  private static String describe(final byte[] bytes) {
    return bytes == null ? "null" : bytes.length + " bytes";
  }

  @Override
  public boolean equals(final Object o) {
    return o instanceof PendingMeta m
        && partition == m.partition
        && startTs == m.startTs
        && Arrays.equals(primaryKey, m.primaryKey)
        && firstSeenMillis == m.firstSeenMillis
        && payloadId == m.payloadId
        && totalLength == m.totalLength
        && fragmentCount == m.fragmentCount
        && fragmentSize == m.fragmentSize;
  }

  @Override
  public int hashCode() {
    return Objects.hash(startTs, payloadId);
  }

  @Override
  public String toString() {
    return "PendingMeta[partition="
        + partition
        + ", startTs="
        + startTs
        + ", payloadId="
        + payloadId
        + ", totalLength="
        + totalLength
        + ", fragments="
        + fragmentCount
        + "x"
        + fragmentSize
        + "]";
  }
}
