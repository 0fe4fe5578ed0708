package io.kafkabinlog.schemas.raw;

import java.nio.ByteBuffer;

/**
 * The raw topic's record format, written by pump-ingest and read by the ordering stream's stage 1.
 *
 * <ul>
 *   <li>Partition: the writing pump's data partition (one writer per partition).
 *   <li>Key: {@code start_ts} as 8 bytes big-endian ({@link #key}).
 *   <li>Value: the marshalled {@code binlog.Binlog} exactly as TiDB sent it, or, for a chunk, one
 *       slice of it.
 *   <li>Header {@value #BINLOG_HEADER}: {@link BinlogHeader}, on every record.
 *   <li>Header {@value #CHUNK_HEADER}: {@link ChunkHeader}, only on chunks.
 * </ul>
 */
public final class RawRecords {
  public static final String BINLOG_HEADER = "binlog";
  public static final String CHUNK_HEADER = "chunk";

  /** Bytes a record adds around its value (key, both headers, record and batch framing). */
  public static final int RECORD_OVERHEAD_BOUND = 512;

  private RawRecords() {}

  public static byte[] key(final long startTs) {
    return ByteBuffer.allocate(Long.BYTES).putLong(startTs).array();
  }

  public static long startTsOfKey(final byte[] key) {
    if (key == null || key.length != Long.BYTES) {
      throw new IllegalArgumentException("raw record key is not 8 bytes");
    }
    return ByteBuffer.wrap(key).getLong();
  }
}
