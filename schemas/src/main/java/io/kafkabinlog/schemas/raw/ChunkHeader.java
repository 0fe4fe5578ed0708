package io.kafkabinlog.schemas.raw;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.UUID;

/**
 * The {@value RawRecords#CHUNK_HEADER} header of a raw-topic record that carries one slice of a
 * binlog larger than the topic's max message size. Layout: {@code version u8 (1) | group id (16
 * bytes, UUID) | index i32 | count i32 | total length i64 | crc32c i32} (all big-endian), 37 bytes.
 *
 * <p>Reassembly rule (the ordering stream's, see {@link ChunkReassembler}): a pump writes one
 * group's chunks in index order and never interleaves two groups in its partition (other, whole
 * records may sit between them). A group is complete when chunks {@code 0..count-1} of one group id
 * arrived in order and the concatenation has {@code totalLength} bytes with CRC-32C {@code crc32c};
 * its position is that of its last chunk. A chunk 0 of another group abandons an incomplete group
 * (the pump never acknowledged it; TiDB retried with a new group id), so a retry cannot corrupt.
 *
 * @param groupId one id per write attempt
 * @param index 0-based chunk index
 * @param count number of chunks in the group
 * @param totalLength length of the whole payload
 * @param crc32c CRC-32C (Castagnoli) of the whole payload
 */
public record ChunkHeader(UUID groupId, int index, int count, long totalLength, int crc32c) {
  static final byte VERSION = 1;
  static final int SIZE = 37;

  public ChunkHeader {
    Objects.requireNonNull(groupId, "groupId");
    if (count < 1 || index < 0 || index >= count || totalLength < 0) {
      throw new IllegalArgumentException(
          "bad chunk header: index " + index + " of " + count + ", total " + totalLength);
    }
  }

  public boolean isLast() {
    return index == count - 1;
  }

  public byte[] encode() {
    return ByteBuffer.allocate(SIZE)
        .put(VERSION)
        .putLong(groupId.getMostSignificantBits())
        .putLong(groupId.getLeastSignificantBits())
        .putInt(index)
        .putInt(count)
        .putLong(totalLength)
        .putInt(crc32c)
        .array();
  }

  /**
   * @throws IllegalArgumentException if the bytes are not a valid version-1 chunk header
   */
  public static ChunkHeader decode(final byte[] bytes) {
    if (bytes == null || bytes.length != SIZE || bytes[0] != VERSION) {
      throw new IllegalArgumentException(
          "not a version-"
              + VERSION
              + " chunk header ("
              + (bytes == null ? 0 : bytes.length)
              + " bytes)");
    }
    final ByteBuffer in = ByteBuffer.wrap(bytes, 1, SIZE - 1);
    return new ChunkHeader(
        new UUID(in.getLong(), in.getLong()), in.getInt(), in.getInt(), in.getLong(), in.getInt());
  }
}
