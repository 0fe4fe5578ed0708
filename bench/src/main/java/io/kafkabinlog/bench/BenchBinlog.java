package io.kafkabinlog.bench;

import com.google.protobuf.ByteString;
import io.kafkabinlog.schemas.binlog.Binlogs;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.MutationType;
import io.kafkabinlog.schemas.proto.binlog.PrewriteValue;
import io.kafkabinlog.schemas.proto.binlog.TableMutation;
import io.kafkabinlog.schemas.raw.BinlogHeader;
import java.util.Random;

/**
 * One binlog of the pump benchmark: its marshalled bytes (as TiDB sends them) and the raw-topic
 * header the pump would put on it.
 */
record BenchBinlog(long startTs, byte[] payload, BinlogHeader header) {

  /**
   * Alternating prewrites (one row of {@code rowBytes} random bytes) and their commits, as a stream
   * of small TiDB transactions looks.
   */
  static final class Source {
    private final ByteString prewriteValue;
    private long ts;
    private boolean commitNext;

    Source(final long firstTs, final int rowBytes) {
      final byte[] row = new byte[rowBytes];
      new Random(1).nextBytes(row);
      this.prewriteValue =
          PrewriteValue.newBuilder()
              .setSchemaVersion(1)
              .addMutations(
                  TableMutation.newBuilder()
                      .setTableId(42)
                      .addInsertedRows(ByteString.copyFrom(row))
                      .addSequence(MutationType.Insert))
              .build()
              .toByteString();
      this.ts = firstTs;
    }

    synchronized BenchBinlog next() {
      final Binlog binlog;
      if (commitNext) {
        binlog = Binlogs.commit(ts, ts + 1);
        ts += 2;
      } else {
        binlog =
            Binlog.newBuilder(Binlogs.prewrite(ts, PrewriteValue.getDefaultInstance()))
                .setPrewriteValue(prewriteValue)
                .build();
      }
      commitNext = !commitNext;
      return new BenchBinlog(
          binlog.getStartTs(),
          binlog.toByteArray(),
          new BinlogHeader(binlog.getTp(), binlog.getStartTs(), binlog.getCommitTs()));
    }
  }
}
