package io.kafkabinlog.schemas.proto;

import static io.kafkabinlog.schemas.proto.Wire.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UninitializedMessageException;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.proto.binlog.DumpBinlogReq;
import io.kafkabinlog.schemas.proto.binlog.DumpBinlogResp;
import io.kafkabinlog.schemas.proto.binlog.DumpDDLJobsReq;
import io.kafkabinlog.schemas.proto.binlog.DumpDDLJobsResp;
import io.kafkabinlog.schemas.proto.binlog.Entity;
import io.kafkabinlog.schemas.proto.binlog.Meta;
import io.kafkabinlog.schemas.proto.binlog.MutationType;
import io.kafkabinlog.schemas.proto.binlog.NotifyReq;
import io.kafkabinlog.schemas.proto.binlog.NotifyResp;
import io.kafkabinlog.schemas.proto.binlog.Pos;
import io.kafkabinlog.schemas.proto.binlog.PrewriteValue;
import io.kafkabinlog.schemas.proto.binlog.PullBinlogReq;
import io.kafkabinlog.schemas.proto.binlog.PullBinlogResp;
import io.kafkabinlog.schemas.proto.binlog.TableMutation;
import io.kafkabinlog.schemas.proto.binlog.WriteBinlogReq;
import io.kafkabinlog.schemas.proto.binlog.WriteBinlogResp;
import io.kafkabinlog.schemas.proto.secondary.SecondaryBinlog;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Serializes one message of each kind with the generated code and compares the bytes with an
 * encoding assembled by hand from the field numbers and types of the facts sheet
 * (tidb-binlog-protocol.md §1, §2, §5.9; tidb-row-encoding.md §2.1, §6). A drifting field number,
 * type, enum value or packing fails here.
 */
class WireFormatTest {
  // Realistic TSOs (physical ms << 18 | logical): multi-byte varints.
  private static final long START_TS = 449_378_383_472_705_537L;
  private static final long COMMIT_TS = 449_378_383_472_705_601L;
  // A PD cluster id with the top bit set: uint64 on the wire, a negative long in Java.
  private static final long CLUSTER_ID = 0xF123_4567_89AB_CDEFL;

  private static void assertWire(Message message, byte[] expected) throws Exception {
    assertThat(HexFormat.of().formatHex(message.toByteArray()))
        .as("wire bytes of %s", message.getDescriptorForType().getFullName())
        .isEqualTo(HexFormat.of().formatHex(expected));
    assertThat(message.getParserForType().parseFrom(expected)).isEqualTo(message);
  }

  // ---- binlog.proto (proto2) -------------------------------------------------------------

  private static TableMutation dmlMutation() {
    return TableMutation.newBuilder()
        .setTableId(45)
        .addInsertedRows(ByteString.copyFrom(new byte[] {0x08, 0x02, 0x08, 0x02}))
        .addInsertedRows(ByteString.copyFrom(new byte[] {0x08, 0x04, 0x08, 0x02}))
        .addUpdatedRows(ByteString.copyFrom(new byte[] {0x08, 0x02, 0x02, 0x02, 0x61}))
        .addDeletedRows(ByteString.copyFrom(new byte[] {0x08, 0x02, 0x03, 0x01}))
        .addSequence(MutationType.Insert)
        .addSequence(MutationType.Update)
        .addSequence(MutationType.Insert)
        .addSequence(MutationType.DeleteRow)
        .build();
  }

  private static Wire dmlMutationWire() {
    return new Wire()
        .varint(1, 45)
        .bytes(2, new byte[] {0x08, 0x02, 0x08, 0x02})
        .bytes(2, new byte[] {0x08, 0x04, 0x08, 0x02})
        .bytes(3, new byte[] {0x08, 0x02, 0x02, 0x02, 0x61})
        .bytes(6, new byte[] {0x08, 0x02, 0x03, 0x01})
        // Unpacked: one tag (0x38) per element. Insert=0, Update=1, DeleteRow=4.
        .varint(7, 0)
        .varint(7, 1)
        .varint(7, 0)
        .varint(7, 4);
  }

  @Test
  void tableMutationWithEveryRowKindAndUnpackedSequence() throws Exception {
    assertWire(dmlMutation(), dmlMutationWire().toByteArray());
  }

  @Test
  void obsoleteDeleteFieldsAreUnpackedToo() throws Exception {
    TableMutation m =
        TableMutation.newBuilder()
            .setTableId(7)
            .addDeletedIds(300)
            .addDeletedIds(-1)
            .addDeletedPks(ByteString.copyFrom(utf8("pk")))
            .addSequence(MutationType.DeleteID)
            .addSequence(MutationType.DeletePK)
            .addSequence(MutationType.DeleteID)
            .build();
    byte[] expected =
        new Wire()
            .varint(1, 7)
            .raw(0x20, 0xAC, 0x02) // deleted_ids #4, varint: tag 4<<3|0, 300
            .raw(0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01) // -1
            .bytes(5, utf8("pk"))
            .raw(0x38, 0x02, 0x38, 0x03, 0x38, 0x02) // sequence #7: DeleteID=2, DeletePK=3
            .toByteArray();
    assertWire(m, expected);
    assertThat(TableMutation.getDescriptor().findFieldByName("deleted_ids").isPacked()).isFalse();
    assertThat(TableMutation.getDescriptor().findFieldByName("sequence").isPacked()).isFalse();
  }

  @Test
  void packedInputFromOtherEncodersIsStillAccepted() throws Exception {
    // A proto2 parser must also read the packed form of a packable repeated field.
    byte[] packed = new Wire().varint(1, 7).bytes(7, new byte[] {0x00, 0x01, 0x04}).toByteArray();
    assertThat(TableMutation.parseFrom(packed).getSequenceList())
        .containsExactly(MutationType.Insert, MutationType.Update, MutationType.DeleteRow);
  }

  @Test
  void prewriteValue() throws Exception {
    PrewriteValue pv =
        PrewriteValue.newBuilder()
            .setSchemaVersion(42)
            .addMutations(dmlMutation())
            .addMutations(TableMutation.newBuilder().setTableId(1_000_000).build())
            .build();
    byte[] expected =
        new Wire()
            .varint(1, 42)
            .message(2, dmlMutationWire())
            .message(2, new Wire().varint(1, 1_000_000))
            .toByteArray();
    assertWire(pv, expected);
  }

  @Test
  void prewriteBinlogWithEveryNonNullableFieldSet() throws Exception {
    PrewriteValue pv =
        PrewriteValue.newBuilder().setSchemaVersion(42).addMutations(dmlMutation()).build();
    byte[] key = utf8("t\u0080\u0000\u0000\u0000\u0000\u0000\u0000-_r\u0080");
    Binlog b =
        Binlog.newBuilder()
            .setTp(BinlogType.Prewrite)
            .setStartTs(START_TS)
            .setCommitTs(0)
            .setPrewriteKey(ByteString.copyFrom(key))
            .setPrewriteValue(pv.toByteString())
            .setDdlJobId(0)
            .setDdlSchemaState(0)
            .build();
    byte[] expected =
        new Wire()
            .varint(1, 0) // tp = Prewrite, emitted because it is set (as Go's non-nullable does)
            .varint(2, START_TS)
            .varint(3, 0)
            .bytes(4, key)
            .message(5, new Wire().varint(1, 42).message(2, dmlMutationWire()))
            .varint(7, 0)
            .varint(8, 0)
            .toByteArray();
    assertWire(b, expected);
    assertThat(expected[0]).isEqualTo((byte) 0x08);
  }

  @Test
  void commitBinlog() throws Exception {
    Binlog b =
        Binlog.newBuilder()
            .setTp(BinlogType.Commit)
            .setStartTs(START_TS)
            .setCommitTs(COMMIT_TS)
            .build();
    byte[] expected =
        new Wire().varint(1, 1).varint(2, START_TS).varint(3, COMMIT_TS).toByteArray();
    assertWire(b, expected);
  }

  @Test
  void rollbackAndObsoleteBinlogTypes() throws Exception {
    assertWire(
        Binlog.newBuilder().setTp(BinlogType.Rollback).setStartTs(START_TS).build(),
        new Wire().varint(1, 2).varint(2, START_TS).toByteArray());
    assertWire(
        Binlog.newBuilder().setTp(BinlogType.PreDDL).build(),
        new Wire().varint(1, 3).toByteArray());
    assertWire(
        Binlog.newBuilder().setTp(BinlogType.PostDDL).build(),
        new Wire().varint(1, 4).toByteArray());
  }

  @Test
  void ddlBinlog() throws Exception {
    String query = "CREATE TABLE t (id BIGINT PRIMARY KEY) /*T! SHARD_ROW_ID_BITS=4 */";
    Binlog b =
        Binlog.newBuilder()
            .setTp(BinlogType.Prewrite)
            .setStartTs(START_TS)
            .setDdlQuery(ByteString.copyFrom(utf8(query)))
            .setDdlJobId(93)
            .setDdlSchemaState(-1) // int32: sign-extended to a 10-byte varint
            .build();
    byte[] expected =
        new Wire()
            .varint(1, 0)
            .varint(2, START_TS)
            .bytes(6, utf8(query))
            .varint(7, 93)
            .raw(0x40, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01)
            .toByteArray();
    assertWire(b, expected);
  }

  // ---- pump.proto (proto3) ---------------------------------------------------------------

  @Test
  void writeBinlogRequestAndResponse() throws Exception {
    byte[] payload = new Wire().varint(1, 1).varint(2, START_TS).varint(3, COMMIT_TS).toByteArray();
    assertWire(
        WriteBinlogReq.newBuilder()
            .setClusterID(CLUSTER_ID)
            .setPayload(ByteString.copyFrom(payload))
            .build(),
        new Wire().varint(1, CLUSTER_ID).bytes(2, payload).toByteArray());
    assertWire(
        WriteBinlogResp.newBuilder().setErrmsg("cluster ID are mismatch, 1 vs 2").build(),
        new Wire().string(1, "cluster ID are mismatch, 1 vs 2").toByteArray());
    // proto3: the success response (empty errmsg) is zero bytes.
    assertWire(WriteBinlogResp.getDefaultInstance(), new byte[0]);
  }

  @Test
  void pullBinlogRequestWithPos() throws Exception {
    PullBinlogReq req =
        PullBinlogReq.newBuilder()
            .setClusterID(CLUSTER_ID)
            .setStartFrom(Pos.newBuilder().setSuffix(3).setOffset(COMMIT_TS))
            .build();
    assertWire(
        req,
        new Wire()
            .varint(1, CLUSTER_ID)
            .message(2, new Wire().varint(1, 3).varint(2, COMMIT_TS))
            .toByteArray());
  }

  @Test
  void pullBinlogResponseWithEntityAndMeta() throws Exception {
    byte[] payload = new Wire().varint(1, 1).varint(2, START_TS).varint(3, COMMIT_TS).toByteArray();
    PullBinlogResp resp =
        PullBinlogResp.newBuilder()
            .setEntity(
                Entity.newBuilder()
                    .setPos(Pos.newBuilder().setSuffix(1).setOffset(-2))
                    .setPayload(ByteString.copyFrom(payload))
                    .setChecksum(ByteString.copyFrom(new byte[] {1, 2, 3, 4}))
                    .setMeta(Meta.newBuilder().setStartTs(START_TS).setCommitTs(COMMIT_TS)))
            .build();
    Wire entity =
        new Wire()
            .message(1, new Wire().varint(1, 1).varint(2, -2))
            .bytes(2, payload)
            .bytes(3, new byte[] {1, 2, 3, 4})
            .message(4, new Wire().varint(1, START_TS).varint(2, COMMIT_TS));
    assertWire(resp, new Wire().message(1, entity).toByteArray());
  }

  // ---- cistern.proto (proto3) ------------------------------------------------------------

  @Test
  void cisternMessages() throws Exception {
    assertWire(NotifyReq.getDefaultInstance(), new byte[0]);
    assertWire(NotifyResp.getDefaultInstance(), new byte[0]);
    assertWire(
        DumpBinlogReq.newBuilder().setBeginCommitTS(COMMIT_TS).build(),
        new Wire().varint(1, COMMIT_TS).toByteArray());
    assertWire(
        DumpBinlogResp.newBuilder()
            .setCommitTS(COMMIT_TS)
            .setPayload(ByteString.copyFrom(utf8("p")))
            .setDdljob(ByteString.copyFrom(utf8("{}")))
            .build(),
        new Wire().varint(1, COMMIT_TS).bytes(2, utf8("p")).bytes(3, utf8("{}")).toByteArray());
    assertWire(
        DumpDDLJobsReq.newBuilder().setBeginCommitTS(5).build(),
        new Wire().varint(1, 5).toByteArray());
    assertWire(
        DumpDDLJobsResp.newBuilder()
            .addDdljobs(ByteString.copyFrom(utf8("a")))
            .addDdljobs(ByteString.copyFrom(utf8("b")))
            .build(),
        new Wire().bytes(1, utf8("a")).bytes(1, utf8("b")).toByteArray());
  }

  // ---- secondary_binlog.proto (proto2, package slave.binlog) -----------------------------

  @Test
  void secondaryDmlBinlog() throws Exception {
    SecondaryBinlog.Column isNull = SecondaryBinlog.Column.newBuilder().setIsNull(true).build();
    SecondaryBinlog.Row newRow =
        SecondaryBinlog.Row.newBuilder()
            .addColumns(SecondaryBinlog.Column.newBuilder().setInt64Value(-5))
            .addColumns(SecondaryBinlog.Column.newBuilder().setUint64Value(0xFFFF_FFFF_FFFF_FFFFL))
            .addColumns(SecondaryBinlog.Column.newBuilder().setDoubleValue(1.5))
            .addColumns(
                SecondaryBinlog.Column.newBuilder()
                    .setBytesValue(ByteString.copyFrom(new byte[] {0, 1})))
            .addColumns(SecondaryBinlog.Column.newBuilder().setStringValue("12.34"))
            .addColumns(isNull)
            .build();
    SecondaryBinlog.Row oldRow = SecondaryBinlog.Row.newBuilder().addColumns(isNull).build();
    SecondaryBinlog.Binlog b =
        SecondaryBinlog.Binlog.newBuilder()
            .setType(SecondaryBinlog.BinlogType.DML)
            .setCommitTs(COMMIT_TS)
            .setDmlData(
                SecondaryBinlog.DMLData.newBuilder()
                    .addTables(
                        SecondaryBinlog.Table.newBuilder()
                            .setSchemaName("test")
                            .setTableName("t")
                            .addColumnInfo(
                                SecondaryBinlog.ColumnInfo.newBuilder()
                                    .setName("id")
                                    .setMysqlType("bigint")
                                    .setIsPrimaryKey(true)
                                    .setFlen(20)
                                    .setDecimal(0))
                            .addMutations(
                                SecondaryBinlog.TableMutation.newBuilder()
                                    .setType(SecondaryBinlog.MutationType.Update)
                                    .setRow(newRow)
                                    .setChangeRow(oldRow))
                            .addMutations(
                                SecondaryBinlog.TableMutation.newBuilder()
                                    .setType(SecondaryBinlog.MutationType.Delete)
                                    .setRow(oldRow))
                            .addUniqueKeys(
                                SecondaryBinlog.Key.newBuilder()
                                    .setName("PRIMARY")
                                    .addColumnNames("id")
                                    .addColumnNames("k"))))
            .setTimeZone("UTC")
            .build();

    Wire isNullWire = new Wire().varint(1, 1);
    Wire newRowWire =
        new Wire()
            .message(1, new Wire().varint(2, -5))
            .message(1, new Wire().varint(3, 0xFFFF_FFFF_FFFF_FFFFL))
            .message(1, new Wire().fixed64(4, Double.doubleToLongBits(1.5)))
            .message(1, new Wire().bytes(5, new byte[] {0, 1}))
            .message(1, new Wire().string(6, "12.34"))
            .message(1, isNullWire);
    Wire oldRowWire = new Wire().message(1, isNullWire);
    Wire table =
        new Wire()
            .string(1, "test")
            .string(2, "t")
            .message(
                3,
                new Wire()
                    .string(1, "id")
                    .string(2, "bigint")
                    .varint(3, 1)
                    .varint(4, 20)
                    .varint(5, 0))
            .message(4, new Wire().varint(1, 1).message(2, newRowWire).message(3, oldRowWire))
            .message(4, new Wire().varint(1, 2).message(2, oldRowWire))
            .message(5, new Wire().string(1, "PRIMARY").string(2, "id").string(2, "k"));
    byte[] expected =
        new Wire()
            .varint(1, 0)
            .varint(2, COMMIT_TS)
            .message(3, new Wire().message(1, table))
            .string(5, "UTC")
            .toByteArray();
    assertWire(b, expected);
  }

  @Test
  void secondaryDdlBinlog() throws Exception {
    SecondaryBinlog.Binlog b =
        SecondaryBinlog.Binlog.newBuilder()
            .setType(SecondaryBinlog.BinlogType.DDL)
            .setCommitTs(COMMIT_TS)
            .setDdlData(
                SecondaryBinlog.DDLData.newBuilder()
                    .setSchemaName("test")
                    .setTableName("t")
                    .setDdlQuery(ByteString.copyFrom(utf8("DROP TABLE t"))))
            .build();
    byte[] expected =
        new Wire()
            .varint(1, 1)
            .varint(2, COMMIT_TS)
            .message(4, new Wire().string(1, "test").string(2, "t").bytes(3, utf8("DROP TABLE t")))
            .toByteArray();
    assertWire(b, expected);
  }

  @Test
  void secondaryTableMutationTypeAndRowAreRequired() {
    assertThatThrownBy(
            () ->
                SecondaryBinlog.TableMutation.newBuilder()
                    .setType(SecondaryBinlog.MutationType.Insert)
                    .build())
        .isInstanceOf(UninitializedMessageException.class)
        .hasMessageContaining("row");
    byte[] noType = new Wire().message(2, new Wire()).toByteArray();
    assertThatThrownBy(() -> SecondaryBinlog.TableMutation.parseFrom(noType))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessageContaining("type");
  }
}
