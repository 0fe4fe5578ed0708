package io.kafkabinlog.pump.it;

import com.google.protobuf.ByteString;
import io.kafkabinlog.common.tso.Tso;
import io.kafkabinlog.schemas.binlog.Binlogs;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.MutationType;
import io.kafkabinlog.schemas.proto.binlog.PrewriteValue;
import io.kafkabinlog.schemas.proto.binlog.TableMutation;
import java.time.Instant;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/** Valid binlogs with start_ts values that never repeat within one test JVM. */
final class TestBinlogs {
  private final AtomicLong nextTs = new AtomicLong(Tso.fromInstant(Instant.now()));

  long nextTs() {
    return nextTs.addAndGet(4);
  }

  /** A prewrite inserting {@code rows} rows of {@code rowBytes} random bytes into table 42. */
  Binlog prewrite(final long startTs, final int rows, final int rowBytes, final Random random) {
    final TableMutation.Builder mutation = TableMutation.newBuilder().setTableId(42);
    for (int i = 0; i < rows; i++) {
      final byte[] row = new byte[rowBytes];
      random.nextBytes(row);
      mutation.addInsertedRows(ByteString.copyFrom(row)).addSequence(MutationType.Insert);
    }
    return Binlogs.prewrite(
        startTs,
        ByteString.copyFromUtf8("t42_r" + startTs),
        PrewriteValue.newBuilder().setSchemaVersion(7).addMutations(mutation).build());
  }

  Binlog prewrite(final Random random) {
    return prewrite(nextTs(), 1 + random.nextInt(4), 8 + random.nextInt(64), random);
  }
}
