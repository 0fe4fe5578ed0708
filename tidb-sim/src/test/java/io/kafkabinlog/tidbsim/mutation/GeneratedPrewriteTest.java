package io.kafkabinlog.tidbsim.mutation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.schemas.binlog.BinlogParser;
import io.kafkabinlog.schemas.binlog.Binlogs;
import io.kafkabinlog.schemas.codec.row.RowCodec;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.proto.binlog.PrewriteValue;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.expected.PayloadRowGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GeneratedPrewriteTest {
  private static final long START_TS = 450_000_000_000_000_001L;
  private static final TableInfo BIG = PayloadRowGenerator.tableInfo(4242, "big");
  private static final PayloadRowGenerator GENERATOR = new PayloadRowGenerator();

  private static LongFunction<SimRow> rows(final long seed, final int rowBytes) {
    return id -> GENERATOR.row(seed, id, rowBytes);
  }

  /** The bytes the ordinary path (builder, then Binlog serialization) gives for the same rows. */
  private static byte[] viaBuilder(
      final long schemaVersion, final long firstId, final long count, final int rowBytes) {
    TxnMutationsBuilder b = new TxnMutationsBuilder(schemaVersion);
    for (long id = firstId; id < firstId + count; id++) {
      b.insert(BIG, GENERATOR.row(9, id, rowBytes));
    }
    return Binlogs.prewrite(START_TS, b.primaryKey(), b.build()).toByteArray();
  }

  @ParameterizedTest(name = "{1} rows of {2} bytes from id {0}")
  @CsvSource({
    "1, 1, 0",
    "1, 5, 300",
    "-3, 7, 127",
    "1000000, 3, 16384",
    "1, 40, 200000",
  })
  void shouldWriteTheBytesTheMutationsBuilderPathWrites(
      final long firstId, final long count, final int rowBytes) {
    GeneratedPrewrite p =
        GeneratedPrewrite.plan(
            BIG, 77, rows(9, rowBytes), firstId, count, GeneratedPrewrite.Listener.NONE);

    byte[] streamed = p.write(START_TS, GeneratedPrewrite.Listener.NONE);

    byte[] expected = viaBuilder(77, firstId, count, rowBytes);
    assertThat(streamed.length).isEqualTo(p.binlogBytes(START_TS)).isEqualTo(expected.length);
    assertThat(streamed).isEqualTo(expected);
  }

  @Test
  void shouldParseIntoTheGeneratedRows() {
    GeneratedPrewrite p =
        GeneratedPrewrite.plan(BIG, 3, rows(5, 1000), 11, 4, GeneratedPrewrite.Listener.NONE);
    BinlogParser parser = new BinlogParser();

    Binlog binlog = parser.parse(p.write(START_TS, GeneratedPrewrite.Listener.NONE));

    assertThat(binlog.getTp()).isEqualTo(BinlogType.Prewrite);
    assertThat(binlog.getStartTs()).isEqualTo(START_TS);
    assertThat(binlog.getPrewriteKey())
        .isEqualTo(p.primaryKey())
        .isEqualTo(
            com.google.protobuf.ByteString.copyFrom(
                RecordKeys.recordKey(BIG, GENERATOR.row(5, 11, 1000))));
    PrewriteValue value = parser.prewriteValue(binlog);
    assertThat(value.getSchemaVersion()).isEqualTo(3);
    assertThat(value.getMutationsCount()).isEqualTo(1);
    assertThat(value.getMutations(0).getTableId()).isEqualTo(4242);
    RowCodec codec = new RowCodec(BIG);
    List<Map<Long, Object>> decoded = new ArrayList<>();
    value
        .getMutations(0)
        .getInsertedRowsList()
        .forEach(r -> decoded.add(codec.decodeInserted(r.toByteArray()).valuesByColumnId()));
    assertThat(decoded).hasSize(4);
    for (int i = 0; i < 4; i++) {
      SimRow want = GENERATOR.row(5, 11 + i, 1000);
      assertThat(SimRow.of(decoded.get(i))).isEqualTo(want);
    }
    assertThat(p.withoutValue(START_TS)).isEqualTo(binlog.toBuilder().clearPrewriteValue().build());
  }

  @Test
  void shouldReportBothPassesRowByRow() {
    List<String> seen = new ArrayList<>();
    GeneratedPrewrite.Listener listener =
        (pass, done, total, bytes) -> seen.add(pass + " " + done + "/" + total);
    GeneratedPrewrite p = GeneratedPrewrite.plan(BIG, 1, rows(1, 10), 1, 2, listener);
    p.write(START_TS, listener);

    assertThat(seen).containsExactly("SIZING 1/2", "SIZING 2/2", "WRITING 1/2", "WRITING 2/2");
  }

  @Test
  void shouldRefuseARowGeneratorThatIsNotDeterministic() {
    AtomicInteger calls = new AtomicInteger();
    GeneratedPrewrite p =
        GeneratedPrewrite.plan(
            BIG,
            1,
            id -> GENERATOR.row(1, id, 100 + calls.getAndIncrement()),
            1,
            3,
            GeneratedPrewrite.Listener.NONE);

    assertThatThrownBy(() -> p.write(START_TS, GeneratedPrewrite.Listener.NONE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not deterministic");
  }

  @Test
  void shouldRefuseRowsWithColumnsTheTableLacks() {
    assertThatThrownBy(
            () ->
                GeneratedPrewrite.plan(
                    BIG,
                    1,
                    id -> GENERATOR.row(1, id, 4).with(9, 1L),
                    1,
                    1,
                    GeneratedPrewrite.Listener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("column id 9");
  }
}
