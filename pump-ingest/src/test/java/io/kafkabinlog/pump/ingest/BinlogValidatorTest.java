package io.kafkabinlog.pump.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.ByteString;
import io.kafkabinlog.schemas.binlog.BinlogParser;
import io.kafkabinlog.schemas.binlog.Binlogs;
import io.kafkabinlog.schemas.binlog.MalformedBinlogException;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.proto.binlog.MutationType;
import io.kafkabinlog.schemas.proto.binlog.PrewriteValue;
import io.kafkabinlog.schemas.proto.binlog.TableMutation;
import io.kafkabinlog.schemas.raw.BinlogHeader;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class BinlogValidatorTest {
  private static final long TS = 449_378_383_472_705_537L;
  private final BinlogValidator validator = new BinlogValidator();

  static PrewriteValue value() {
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
        .addMutations(
            TableMutation.newBuilder()
                .setTableId(47)
                .addInsertedRows(ByteString.copyFromUtf8("row"))
                .addSequence(MutationType.Insert))
        .build();
  }

  static List<Binlog> valid() {
    final Binlog prewrite = Binlogs.prewrite(TS, ByteString.copyFromUtf8("t_pk"), value());
    return List.of(
        prewrite,
        Binlogs.prewrite(TS + 7, value()),
        Binlogs.ddl(TS + 1, 88, 5, "create table t (a int)"),
        Binlogs.commitOf(prewrite, TS + 3),
        Binlogs.commit(TS, TS + 1),
        Binlogs.rollbackOf(prewrite),
        Binlogs.rollback(TS + 2),
        Binlogs.fake(TS + 4));
  }

  private BinlogHeader validate(final byte[] bytes) {
    return validator.validate(ByteString.copyFrom(bytes));
  }

  @Test
  void acceptsWhatTidbSendsWithTheParsersHeader() {
    final BinlogParser parser = new BinlogParser();
    for (final Binlog b : valid()) {
      final BinlogHeader header = validator.validate(b.toByteString());
      final Binlog parsed = parser.parse(b.toByteString());
      assertThat(header)
          .isEqualTo(new BinlogHeader(parsed.getTp(), parsed.getStartTs(), parsed.getCommitTs()));
    }
    assertThat(validator.validate(Binlogs.fake(TS).toByteString()).isFake()).isTrue();
  }

  @Test
  void rejectsSemanticViolations() {
    assertRejected(Binlogs.commit(TS, TS).toByteArray(), "commit_ts > start_ts");
    assertRejected(Binlogs.commit(0, TS).toByteArray(), "start_ts must be > 0");
    assertRejected(
        Binlogs.prewrite(TS, value()).toBuilder().setCommitTs(TS + 1).build().toByteArray(),
        "Prewrite binlog with commit_ts");
    assertRejected(
        Binlog.newBuilder().setTp(BinlogType.Prewrite).setStartTs(TS).build().toByteArray(),
        "neither prewrite_value nor ddl_job_id");
    assertRejected(
        Binlog.newBuilder()
            .setTp(BinlogType.Rollback)
            .setStartTs(TS)
            .setCommitTs(TS + 5)
            .build()
            .toByteArray(),
        "Rollback binlog needs commit_ts 0 or equal");
    assertRejected(
        Binlog.newBuilder().setTp(BinlogType.PreDDL).setStartTs(TS).build().toByteArray(),
        "obsolete PreDDL");
    assertRejected(
        Binlogs.ddl(TS, 1, 0, "x").toBuilder().setDdlJobId(-1).build().toByteArray(),
        "ddl_job_id must be >= 0");
  }

  @Test
  void rejectsBadPrewriteValues() {
    final PrewriteValue zeroTable =
        PrewriteValue.newBuilder().addMutations(TableMutation.newBuilder().setTableId(0)).build();
    assertRejected(Binlogs.prewrite(TS, zeroTable).toByteArray(), "table_id must be > 0");
    final PrewriteValue countMismatch =
        PrewriteValue.newBuilder()
            .addMutations(TableMutation.newBuilder().setTableId(3).addSequence(MutationType.Insert))
            .build();
    assertRejected(Binlogs.prewrite(TS, countMismatch).toByteArray(), "sequence has 1 Insert");
    final PrewriteValue negativeVersion = PrewriteValue.newBuilder().setSchemaVersion(-1).build();
    assertRejected(Binlogs.prewrite(TS, negativeVersion).toByteArray(), "schema_version");
    // A prewrite_value that is not a PrewriteValue: field 2 (mutations) with a varint.
    assertRejected(
        Binlog.newBuilder()
            .setStartTs(TS)
            .setPrewriteValue(ByteString.copyFrom(new byte[] {0x10, 0x01}))
            .build()
            .toByteArray(),
        "mutations[0] (#2) has wire type 0");
    // An undefined MutationType in sequence (field 7, value 9).
    final byte[] mutation = {0x08, 0x05, 0x38, 0x09};
    final byte[] value = concat(new byte[] {0x12, (byte) mutation.length}, mutation);
    assertRejected(
        Binlog.newBuilder()
            .setStartTs(TS)
            .setPrewriteValue(ByteString.copyFrom(value))
            .build()
            .toByteArray(),
        "undefined MutationType 9");
  }

  @Test
  void acceptsPackedRepeatedScalarsAsProtobufDoes() {
    // TableMutation{table_id=5, inserted_rows="a", sequence=[Insert] packed}
    final byte[] mutation = {0x08, 0x05, 0x12, 0x01, 'a', 0x3a, 0x01, 0x00};
    final byte[] value = concat(new byte[] {0x12, (byte) mutation.length}, mutation);
    final Binlog b =
        Binlog.newBuilder().setStartTs(TS).setPrewriteValue(ByteString.copyFrom(value)).build();
    assertThat(validator.validate(b.toByteString()))
        .isEqualTo(new BinlogHeader(BinlogType.Prewrite, TS, 0));
    assertThat(new BinlogParser().prewriteValue(b).getMutations(0).getSequenceCount()).isOne();
  }

  @Test
  void rejectsWireLevelGarbageWithOffsets() {
    final byte[] good = Binlogs.commit(TS, TS + 1).toByteArray();
    assertRejected(Arrays.copyOf(good, good.length - 1), "");
    // start_ts (#2) as a fixed64.
    assertRejected(concat(good, new byte[] {0x11, 1, 2, 3, 4, 5, 6, 7, 8}), "start_ts (#2)");
    // A stray end-group tag of field 9.
    assertRejected(concat(good, new byte[] {0x4c}), "stray end-group tag of field #9");
    // Unknown length-delimited field 9 declaring more bytes than remain.
    assertRejected(concat(good, new byte[] {0x4a, 0x7f, 1}), "declares 127 bytes");
    // Wire type 6 does not exist.
    assertRejected(concat(good, new byte[] {0x4e}), "");
    // Tag of field number 0.
    assertRejected(concat(good, new byte[] {0x00}), "");
    // Deeply nested unknown groups.
    final byte[] nested = new byte[200];
    Arrays.fill(nested, (byte) 0x4b);
    assertRejected(concat(good, nested), "nested deeper");
  }

  @Test
  void acceptsWellFormedUnknownFields() {
    final byte[] good = Binlogs.commit(TS, TS + 1).toByteArray();
    // field 9 varint, field 10 bytes, field 11 a group holding a varint, field 12 fixed32.
    final byte[] extra = {
      0x48, 0x01, 0x52, 0x02, 'h', 'i', 0x5b, 0x08, 0x01, 0x5c, 0x65, 1, 2, 3, 4
    };
    final BinlogHeader header = validate(concat(good, extra));
    assertThat(header).isEqualTo(new BinlogHeader(BinlogType.Commit, TS, TS + 1));
    assertThat(new BinlogParser().parse(concat(good, extra)).getCommitTs()).isEqualTo(TS + 1);
  }

  @Test
  void walksALargePrewriteValueWithoutReadingRows() {
    final TableMutation.Builder m = TableMutation.newBuilder().setTableId(9);
    final ByteString row = ByteString.copyFrom(new byte[64 * 1024]);
    for (int i = 0; i < 256; i++) {
      m.addInsertedRows(row).addSequence(MutationType.Insert);
    }
    final Binlog b = Binlogs.prewrite(TS, PrewriteValue.newBuilder().addMutations(m).build());
    assertThat(validator.validate(b.toByteString()).startTs()).isEqualTo(TS);
  }

  /**
   * 10,000 random, truncated and bit-flipped payloads: only MalformedBinlogException comes out, and
   * every accepted payload parses with the full parser to the same header.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void fuzz() {
    final long seed = 0x5EED_0005_2026_0001L;
    final SplittableRandom random = new SplittableRandom(seed);
    final BinlogParser parser = new BinlogParser();
    final List<byte[]> seeds = valid().stream().map(Binlog::toByteArray).toList();
    int accepted = 0;
    int rejected = 0;
    for (int i = 0; i < 10_000; i++) {
      final byte[] input = mutate(random, seeds.get(random.nextInt(seeds.size())));
      final BinlogHeader header;
      try {
        header = validate(input);
      } catch (MalformedBinlogException e) {
        assertThat(e.getMessage()).isNotBlank();
        rejected++;
        continue;
      } catch (RuntimeException | Error e) {
        fail("iteration " + i + " input " + HexFormat.of().formatHex(input) + ": " + e, e);
        return;
      }
      accepted++;
      try {
        final Binlog parsed = parser.parse(input);
        assertThat(header)
            .as("iteration %d input %s", i, HexFormat.of().formatHex(input))
            .isEqualTo(new BinlogHeader(parsed.getTp(), parsed.getStartTs(), parsed.getCommitTs()));
        if (parsed.hasPrewriteValue()) {
          parser.prewriteValue(parsed);
        }
      } catch (MalformedBinlogException e) {
        fail(
            "validator accepted what the parser rejects, iteration "
                + i
                + " input "
                + HexFormat.of().formatHex(input)
                + ": "
                + e.getMessage());
      }
    }
    assertThat(accepted).as("some mutations stay valid").isGreaterThan(100);
    assertThat(rejected).as("most mutations are rejected").isGreaterThan(1000);
  }

  private static byte[] mutate(final SplittableRandom random, final byte[] seed) {
    switch (random.nextInt(6)) {
      case 0 -> {
        final byte[] bytes = new byte[random.nextInt(64)];
        random.nextBytes(bytes);
        return bytes;
      }
      case 1 -> {
        return Arrays.copyOf(seed, random.nextInt(seed.length + 1));
      }
      case 2, 3 -> {
        final byte[] copy = seed.clone();
        final int flips = 1 + random.nextInt(3);
        for (int f = 0; f < flips; f++) {
          final int bit = random.nextInt(copy.length * 8);
          copy[bit / 8] ^= (byte) (1 << (bit % 8));
        }
        return copy;
      }
      case 4 -> {
        final byte[] copy = seed.clone();
        copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
        return copy;
      }
      default -> {
        // Valid bytes with a random tail appended (unknown fields, garbage).
        final byte[] tail = new byte[1 + random.nextInt(8)];
        random.nextBytes(tail);
        return concat(seed, tail);
      }
    }
  }

  private void assertRejected(final byte[] bytes, final String expected) {
    assertThatThrownBy(() -> validate(bytes))
        .isInstanceOf(MalformedBinlogException.class)
        .hasMessageContaining(expected);
  }

  static byte[] concat(final byte[] a, final byte[] b) {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(a);
    out.writeBytes(b);
    return out.toByteArray();
  }
}
