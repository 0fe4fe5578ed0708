package io.kafkabinlog.schemas.binlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.kafkabinlog.schemas.proto.Wire;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.proto.binlog.MutationType;
import io.kafkabinlog.schemas.proto.binlog.PrewriteValue;
import io.kafkabinlog.schemas.proto.binlog.TableMutation;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BinlogParserTest {
  private static final long TS = 449_378_383_472_705_537L;
  private final BinlogParser parser = new BinlogParser();

  static PrewriteValue sampleValue() {
    return PrewriteValue.newBuilder()
        .setSchemaVersion(42)
        .addMutations(
            TableMutation.newBuilder()
                .setTableId(45)
                .addInsertedRows(ByteString.copyFrom(new byte[] {0x08, 0x02, 0x08, 0x02}))
                .addUpdatedRows(ByteString.copyFrom(new byte[] {0x08, 0x02, 0x02, 0x02, 0x61}))
                .addDeletedRows(ByteString.copyFrom(new byte[] {0x08, 0x02, 0x03, 0x01}))
                .addSequence(MutationType.Insert)
                .addSequence(MutationType.Update)
                .addSequence(MutationType.DeleteRow))
        .build();
  }

  private MalformedBinlogException rejected(byte[] payload) {
    return (MalformedBinlogException)
        assertThatThrownBy(() -> parser.parse(payload))
            .isInstanceOf(MalformedBinlogException.class)
            .actual();
  }

  @Test
  void acceptsWhatTheBuildersProduce() {
    Binlog p = Binlogs.prewrite(TS, ByteString.copyFromUtf8("pk"), sampleValue());
    assertThat(parser.parse(p.toByteArray())).isEqualTo(p);
    assertThat(parser.parse(p.toByteString())).isEqualTo(p);
    assertThat(parser.prewriteValue(p)).isEqualTo(sampleValue());
    assertThat(parser.parsePrewriteValue(sampleValue().toByteArray())).isEqualTo(sampleValue());
    for (Binlog b :
        new Binlog[] {
          Binlogs.commit(TS, TS + 1),
          Binlogs.rollback(TS),
          Binlogs.fake(TS),
          Binlogs.ddl(TS, 93, 5, "DROP TABLE t")
        }) {
      assertThat(parser.parse(b.toByteArray())).isEqualTo(b);
      assertThat(parser.prewriteValue(b)).isEqualTo(PrewriteValue.getDefaultInstance());
    }
  }

  @Test
  void keepsUnknownNewFields() {
    byte[] withExtra =
        new Wire().varint(1, 1).varint(2, TS).varint(3, TS + 1).varint(99, 7).toByteArray();
    Binlog b = parser.parse(withExtra);
    assertThat(b.getTp()).isEqualTo(BinlogType.Commit);
    assertThat(b.getUnknownFields().hasField(99)).isTrue();
  }

  @Test
  void truncationNamesTheOffset() {
    byte[] full = Binlogs.prewrite(TS, sampleValue()).toByteArray();
    byte[] cut = Arrays.copyOf(full, full.length - 3);
    assertThat(rejected(cut))
        .hasMessageContaining("binlog.Binlog")
        .hasMessageContaining("byte offset")
        .hasMessageContaining("of " + cut.length);
  }

  @Test
  void undefinedBinlogTypeIsNotSilentlyPrewrite() {
    byte[] tp9 = new Wire().varint(1, 9).varint(2, TS).toByteArray();
    assertThat(rejected(tp9)).hasMessageContaining("binlog.Binlog.tp");
  }

  @Test
  void wrongWireTypeOfAKnownField() {
    byte[] startTsAsBytes = new Wire().varint(1, 1).bytes(2, new byte[] {1}).toByteArray();
    assertThat(rejected(startTsAsBytes)).hasMessageContaining("binlog.Binlog.start_ts");
  }

  @Test
  void strayEndGroupTag() {
    byte[] endGroup = new Wire().varint(2, TS).raw(0x0C).varint(3, 5).toByteArray();
    assertThat(rejected(endGroup)).hasMessageContaining("byte offset");
  }

  @Test
  void emptyAndInconsistentValues() {
    assertThat(rejected(new byte[0])).hasMessageContaining("start_ts must be > 0");
    assertThat(rejected(new Wire().varint(2, -1).toByteArray()))
        .hasMessageContaining("start_ts must be > 0");
    assertThat(rejected(new Wire().varint(2, TS).varint(3, -1).toByteArray()))
        .hasMessageContaining("commit_ts must be >= 0");
    assertThat(rejected(new Wire().varint(2, TS).varint(7, -3).toByteArray()))
        .hasMessageContaining("ddl_job_id must be >= 0");
    assertThat(rejected(Binlogs.commit(TS, TS).toByteArray()))
        .hasMessageContaining("commit_ts > start_ts");
  }

  @Test
  void payloadCap() {
    BinlogParser small = new BinlogParser(16);
    byte[] big = Binlogs.prewrite(TS, sampleValue()).toByteArray();
    assertThatThrownBy(() -> small.parse(big))
        .isInstanceOf(MalformedBinlogException.class)
        .hasMessageContaining(big.length + " bytes exceeds the maximum of 16");
    assertThatThrownBy(() -> small.parse(ByteString.copyFrom(big)))
        .isInstanceOf(MalformedBinlogException.class);
    assertThatThrownBy(() -> new BinlogParser(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void prewriteValueChecks() {
    byte[] unknownSequence =
        new Wire()
            .message(2, new Wire().varint(1, 45).bytes(2, new byte[] {0}).varint(7, 9))
            .toByteArray();
    assertThatThrownBy(() -> parser.parsePrewriteValue(unknownSequence))
        .isInstanceOf(MalformedBinlogException.class)
        .hasMessageContaining("binlog.TableMutation.sequence");

    byte[] countMismatch =
        new Wire()
            .message(2, new Wire().varint(1, 45).bytes(2, new byte[] {0}).varint(7, 1))
            .toByteArray();
    assertThatThrownBy(() -> parser.parsePrewriteValue(countMismatch))
        .isInstanceOf(MalformedBinlogException.class)
        .hasMessageContaining("mutations[0].sequence has 0 Insert entries but inserted_rows has 1");

    byte[] noTable = new Wire().message(2, new Wire()).toByteArray();
    assertThatThrownBy(() -> parser.parsePrewriteValue(noTable))
        .isInstanceOf(MalformedBinlogException.class)
        .hasMessageContaining("table_id must be > 0");

    byte[] negativeVersion = new Wire().varint(1, -1).toByteArray();
    assertThatThrownBy(() -> parser.parsePrewriteValue(negativeVersion))
        .isInstanceOf(MalformedBinlogException.class)
        .hasMessageContaining("schema_version");

    Binlog garbageValue =
        Binlogs.commit(TS, TS + 1).toBuilder()
            .setPrewriteValue(ByteString.copyFrom(new byte[] {0x12, 0x7f}))
            .build();
    assertThatThrownBy(() -> parser.prewriteValue(garbageValue))
        .isInstanceOf(MalformedBinlogException.class)
        .hasMessageContaining("binlog.PrewriteValue");
  }
}
