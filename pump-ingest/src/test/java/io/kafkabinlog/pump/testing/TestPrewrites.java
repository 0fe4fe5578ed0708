package io.kafkabinlog.pump.testing;

import com.google.protobuf.ByteString;
import io.kafkabinlog.schemas.binlog.Binlogs;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.MutationType;
import io.kafkabinlog.schemas.proto.binlog.PrewriteValue;
import io.kafkabinlog.schemas.proto.binlog.TableMutation;

/** Prewrite binlogs for tests that only need a valid one of some size. */
public final class TestPrewrites {
  private TestPrewrites() {}

  /** A prewrite (primary key {@code pk}, schema version 42) inserting {@code row} into table 45. */
  public static Binlog oneRow(final long startTs, final byte[] row) {
    return Binlogs.prewrite(
        startTs,
        ByteString.copyFromUtf8("pk"),
        PrewriteValue.newBuilder()
            .setSchemaVersion(42)
            .addMutations(
                TableMutation.newBuilder()
                    .setTableId(45)
                    .addInsertedRows(ByteString.copyFrom(row))
                    .addSequence(MutationType.Insert))
            .build());
  }
}
