package io.kafkabinlog.schemas.binlog;

import static io.kafkabinlog.schemas.proto.Wire.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.kafkabinlog.schemas.proto.Wire;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.MutationType;
import io.kafkabinlog.schemas.proto.binlog.PrewriteValue;
import io.kafkabinlog.schemas.proto.binlog.TableMutation;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The builders emit what Go's non-nullable fields emit: tp, start/commit ts, ddl fields always. */
class BinlogsTest {
  private static final long TS = 449_378_383_472_705_537L;

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  private static Wire nonNullable(int tp, long startTs, long commitTs) {
    return new Wire().varint(1, tp).varint(2, startTs).varint(3, commitTs);
  }

  @Test
  void commitRollbackFake() {
    assertThat(hex(Binlogs.commit(TS, TS + 64).toByteArray()))
        .isEqualTo(hex(nonNullable(1, TS, TS + 64).varint(7, 0).varint(8, 0).toByteArray()));
    assertThat(hex(Binlogs.rollback(TS).toByteArray()))
        .isEqualTo(hex(nonNullable(2, TS, 0).varint(7, 0).varint(8, 0).toByteArray()));
    Binlog fake = Binlogs.fake(TS);
    assertThat(hex(fake.toByteArray()))
        .isEqualTo(hex(nonNullable(2, TS, TS).varint(7, 0).varint(8, 0).toByteArray()));
    assertThat(Binlogs.isFake(fake)).isTrue();
    assertThat(Binlogs.isFake(Binlogs.rollback(TS))).isFalse();
    assertThat(Binlogs.isFake(Binlogs.commit(TS, TS + 1))).isFalse();
  }

  @Test
  void prewriteAndDdl() {
    PrewriteValue pv =
        PrewriteValue.newBuilder()
            .setSchemaVersion(3)
            .addMutations(
                TableMutation.newBuilder()
                    .setTableId(45)
                    .addInsertedRows(ByteString.copyFrom(new byte[] {0x08, 0x02}))
                    .addSequence(MutationType.Insert))
            .build();
    byte[] pvWire =
        new Wire()
            .varint(1, 3)
            .message(2, new Wire().varint(1, 45).bytes(2, new byte[] {0x08, 0x02}).varint(7, 0))
            .toByteArray();
    assertThat(hex(Binlogs.prewrite(TS, ByteString.copyFrom(utf8("pk")), pv).toByteArray()))
        .isEqualTo(
            hex(
                nonNullable(0, TS, 0)
                    .bytes(4, utf8("pk"))
                    .bytes(5, pvWire)
                    .varint(7, 0)
                    .varint(8, 0)
                    .toByteArray()));
    assertThat(hex(Binlogs.prewrite(TS, pv).toByteArray()))
        .isEqualTo(
            hex(nonNullable(0, TS, 0).bytes(5, pvWire).varint(7, 0).varint(8, 0).toByteArray()));
    assertThat(hex(Binlogs.ddl(TS, 93, 5, "DROP TABLE t").toByteArray()))
        .isEqualTo(
            hex(
                nonNullable(0, TS, 0)
                    .bytes(6, utf8("DROP TABLE t"))
                    .varint(7, 93)
                    .varint(8, 5)
                    .toByteArray()));
  }
}
