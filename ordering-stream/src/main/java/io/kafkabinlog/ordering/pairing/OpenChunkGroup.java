package io.kafkabinlog.ordering.pairing;

import io.kafkabinlog.schemas.raw.BinlogHeader;
import io.kafkabinlog.schemas.raw.ChunkHeader;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The chunk group a partition has open, as kept in the state store: enough to continue it after a
 * restart (its bytes so far are in the fragment store under {@code (binlog.startTs, payloadId)}).
 * Encoded as {@code version u8 (1) | chunk header (37) | binlog header (18) | payload_id i64 |
 * next_index i32 | received i64 | fragment_size i32}.
 *
 * @param first the header of the group's chunk 0
 * @param binlog the binlog header of chunk 0
 * @param payloadId raw offset of chunk 0
 * @param nextIndex the chunk index the group expects next
 * @param received payload bytes received (and stored) so far
 * @param fragmentSize the fragment size the group is stored in
 */
record OpenChunkGroup(
    ChunkHeader first,
    BinlogHeader binlog,
    long payloadId,
    int nextIndex,
    long received,
    int fragmentSize) {
  private static final byte VERSION = 1;
  private static final int CHUNK = 37;
  private static final int BINLOG = 18;
  private static final int SIZE = 1 + CHUNK + BINLOG + 8 + 4 + 8 + 4;

  OpenChunkGroup advanced(final int length) {
    return new OpenChunkGroup(
        first, binlog, payloadId, nextIndex + 1, received + length, fragmentSize);
  }

  long startTs() {
    return binlog.startTs();
  }

  byte[] encode() {
    return ByteBuffer.allocate(SIZE)
        .put(VERSION)
        .put(first.encode())
        .put(binlog.encode())
        .putLong(payloadId)
        .putInt(nextIndex)
        .putLong(received)
        .putInt(fragmentSize)
        .array();
  }

  /**
   * @throws IllegalArgumentException if the bytes are not an encoded group of this version
   */
  static OpenChunkGroup decode(final byte[] bytes) {
    if (bytes == null || bytes.length != SIZE || bytes[0] != VERSION) {
      throw new IllegalArgumentException(
          "not a version-"
              + VERSION
              + " open chunk group ("
              + (bytes == null ? 0 : bytes.length)
              + " bytes)");
    }
    final ChunkHeader first = ChunkHeader.decode(Arrays.copyOfRange(bytes, 1, 1 + CHUNK));
    final BinlogHeader binlog =
        BinlogHeader.decode(Arrays.copyOfRange(bytes, 1 + CHUNK, 1 + CHUNK + BINLOG));
    final ByteBuffer in = ByteBuffer.wrap(bytes, 1 + CHUNK + BINLOG, SIZE - 1 - CHUNK - BINLOG);
    return new OpenChunkGroup(first, binlog, in.getLong(), in.getInt(), in.getLong(), in.getInt());
  }
}
