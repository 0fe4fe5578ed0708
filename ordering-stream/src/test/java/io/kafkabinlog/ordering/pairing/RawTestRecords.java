package io.kafkabinlog.ordering.pairing;

import com.google.protobuf.ByteString;
import io.kafkabinlog.schemas.binlog.Binlogs;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.raw.BinlogHeader;
import io.kafkabinlog.schemas.raw.ChunkHeader;
import io.kafkabinlog.schemas.raw.RawRecords;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;

/** Raw-topic records as a pump writes them (key, value, "binlog" and "chunk" headers). */
final class RawTestRecords {
  private RawTestRecords() {}

  /** A prewrite binlog's bytes: primary key "pk-<startTs>" and {@code valueBytes} random bytes. */
  static byte[] prewriteBytes(final long startTs, final int valueBytes) {
    final byte[] value = new byte[valueBytes];
    new Random(startTs).nextBytes(value);
    return Binlog.newBuilder()
        .setTp(BinlogType.Prewrite)
        .setStartTs(startTs)
        .setCommitTs(0)
        .setPrewriteKey(ByteString.copyFrom(primaryKey(startTs)))
        .setPrewriteValue(ByteString.copyFrom(value))
        .setDdlJobId(0)
        .setDdlSchemaState(0)
        .build()
        .toByteArray();
  }

  static byte[] primaryKey(final long startTs) {
    return ("pk-" + startTs).getBytes(StandardCharsets.UTF_8);
  }

  static TestRecord<byte[], byte[]> prewrite(final long startTs, final byte[] payload) {
    return record(new BinlogHeader(BinlogType.Prewrite, startTs, 0), payload, null);
  }

  static TestRecord<byte[], byte[]> commit(final long startTs, final long commitTs) {
    return record(
        new BinlogHeader(BinlogType.Commit, startTs, commitTs),
        Binlogs.commit(startTs, commitTs).toByteArray(),
        null);
  }

  static TestRecord<byte[], byte[]> rollback(final long startTs) {
    return record(
        new BinlogHeader(BinlogType.Rollback, startTs, 0),
        Binlogs.rollback(startTs).toByteArray(),
        null);
  }

  static TestRecord<byte[], byte[]> fake(final long ts) {
    return record(BinlogHeader.fake(ts), Binlogs.fake(ts).toByteArray(), null);
  }

  /** The chunks of {@code payload} in one group, as the pump cuts them (CRC-32C of the whole). */
  static List<TestRecord<byte[], byte[]>> chunks(
      final BinlogHeader binlog, final byte[] payload, final int chunkBytes, final UUID group) {
    final CRC32C crc = new CRC32C();
    crc.update(payload);
    return chunks(binlog, payload, chunkBytes, group, (int) crc.getValue());
  }

  /** As {@link #chunks(BinlogHeader, byte[], int, UUID)} with the given (maybe wrong) CRC. */
  static List<TestRecord<byte[], byte[]>> chunks(
      final BinlogHeader binlog,
      final byte[] payload,
      final int chunkBytes,
      final UUID group,
      final int crc32c) {
    final int count = Math.max(1, (payload.length + chunkBytes - 1) / chunkBytes);
    final List<TestRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int index = 0; index < count; index++) {
      final int from = index * chunkBytes;
      final int to = Math.min(payload.length, from + chunkBytes);
      records.add(
          record(
              binlog,
              Arrays.copyOfRange(payload, from, to),
              new ChunkHeader(group, index, count, payload.length, crc32c)));
    }
    return records;
  }

  static TestRecord<byte[], byte[]> record(
      final BinlogHeader binlog, final byte[] value, final ChunkHeader chunk) {
    final Headers headers = new RecordHeaders();
    headers.add(RawRecords.BINLOG_HEADER, binlog.encode());
    if (chunk != null) {
      headers.add(RawRecords.CHUNK_HEADER, chunk.encode());
    }
    return new TestRecord<>(RawRecords.key(binlog.startTs()), value, headers, (Long) null);
  }
}
