package io.kafkabinlog.schemas.raw;

import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * The {@value RawRecords#BINLOG_HEADER} header of every raw-topic record: the facts stage 1 needs
 * (type, start_ts, commit_ts) without parsing the payload, which may be a chunk of a huge binlog.
 * Layout: {@code version u8 (1) | tp u8 | start_ts i64 BE | commit_ts i64 BE}, 18 bytes.
 *
 * @param type binlog type as TiDB sent it
 * @param startTs start_ts (for a fake binlog equal to commitTs)
 * @param commitTs commit_ts (0 for a prewrite and a real rollback)
 */
public record BinlogHeader(BinlogType type, long startTs, long commitTs) {
  static final byte VERSION = 1;
  static final int SIZE = 18;

  public BinlogHeader {
    Objects.requireNonNull(type, "type");
  }

  /** TiDB's watermark binlog: a rollback with {@code start_ts == commit_ts}. */
  public static BinlogHeader fake(final long ts) {
    return new BinlogHeader(BinlogType.Rollback, ts, ts);
  }

  public boolean isFake() {
    return type == BinlogType.Rollback && startTs == commitTs && startTs > 0;
  }

  public boolean isPrewrite() {
    return type == BinlogType.Prewrite;
  }

  public byte[] encode() {
    return ByteBuffer.allocate(SIZE)
        .put(VERSION)
        .put((byte) type.getNumber())
        .putLong(startTs)
        .putLong(commitTs)
        .array();
  }

  /**
   * @throws IllegalArgumentException if the bytes are not a version-1 header of a known type
   */
  public static BinlogHeader decode(final byte[] bytes) {
    if (bytes == null || bytes.length != SIZE || bytes[0] != VERSION) {
      throw new IllegalArgumentException(
          "not a version-"
              + VERSION
              + " binlog header ("
              + (bytes == null ? 0 : bytes.length)
              + " bytes)");
    }
    final ByteBuffer in = ByteBuffer.wrap(bytes, 1, SIZE - 1);
    final BinlogType type = BinlogType.forNumber(in.get() & 0xff);
    if (type == null) {
      throw new IllegalArgumentException("unknown binlog type " + (bytes[1] & 0xff));
    }
    return new BinlogHeader(type, in.getLong(), in.getLong());
  }
}
