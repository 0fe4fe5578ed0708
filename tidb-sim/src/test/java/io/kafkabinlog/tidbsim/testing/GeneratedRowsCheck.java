package io.kafkabinlog.tidbsim.testing;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.kafkabinlog.schemas.codec.row.RowCodec;
import io.kafkabinlog.schemas.codec.row.RowImage;
import io.kafkabinlog.schemas.proto.binlog.MutationType;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.expected.PayloadRowGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.CRC32C;

/**
 * Reads the {@code prewrite_value} of a generated transaction row by row (never the whole
 * PrewriteValue at once, which a 1 GiB transaction would make costly) and sums up what it holds:
 * the rows decoded with the table's TableInfo, their ids and a checksum of their payloads.
 */
public final class GeneratedRowsCheck {

  /**
   * What a prewrite value holds.
   *
   * @param payloadCrc CRC32C over the payload columns in row order
   */
  public record Summary(
      long schemaVersion,
      int mutations,
      long tableId,
      long rows,
      long inserts,
      long firstId,
      long lastId,
      boolean idsConsecutive,
      long payloadBytes,
      long payloadCrc) {}

  private GeneratedRowsCheck() {}

  /** Decodes every {@code inserted_rows} entry of {@code prewriteValue} against {@code table}. */
  public static Summary scan(final ByteString prewriteValue, final TableInfo table) {
    final RowCodec codec = new RowCodec(table);
    final CRC32C crc = new CRC32C();
    long schemaVersion = -1;
    int mutations = 0;
    long tableId = -1;
    long rows = 0;
    long inserts = 0;
    long firstId = 0;
    long lastId = 0;
    boolean consecutive = true;
    long payloadBytes = 0;
    try {
      final CodedInputStream in = prewriteValue.newCodedInput();
      in.setSizeLimit(Integer.MAX_VALUE);
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (WireFormat.getTagFieldNumber(tag) == 1) {
          schemaVersion = in.readInt64();
        } else if (WireFormat.getTagFieldNumber(tag) == 2) {
          mutations++;
          final int limit = in.pushLimit(in.readRawVarint32());
          for (int t = in.readTag(); t != 0; t = in.readTag()) {
            switch (WireFormat.getTagFieldNumber(t)) {
              case 1 -> tableId = in.readInt64();
              case 2 -> {
                final RowImage row = codec.decodeInserted(in.readByteArray());
                final long id = (Long) row.get(PayloadRowGenerator.ID_COLUMN_ID);
                final byte[] payload = (byte[]) row.get(PayloadRowGenerator.PAYLOAD_COLUMN_ID);
                if (rows == 0) {
                  firstId = id;
                } else if (id != lastId + 1) {
                  consecutive = false;
                }
                lastId = id;
                rows++;
                payloadBytes += payload.length;
                crc.update(payload);
              }
              case 7 -> {
                if (in.readEnum() == MutationType.Insert.getNumber()) {
                  inserts++;
                }
              }
              default -> in.skipField(t);
            }
          }
          in.popLimit(limit);
        } else {
          in.skipField(tag);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Summary(
        schemaVersion,
        mutations,
        tableId,
        rows,
        inserts,
        firstId,
        lastId,
        consecutive,
        payloadBytes,
        crc.getValue());
  }

  /** CRC32C over the payloads the generator gives for ids {@code firstId .. firstId+count-1}. */
  public static long expectedCrc(
      final long seed, final long firstId, final long count, final int rowBytes) {
    final CRC32C crc = new CRC32C();
    for (long id = firstId; id < firstId + count; id++) {
      crc.update(PayloadRowGenerator.payload(seed, id, rowBytes));
    }
    return crc.getValue();
  }
}
