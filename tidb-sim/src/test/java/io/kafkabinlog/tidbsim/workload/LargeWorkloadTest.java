package io.kafkabinlog.tidbsim.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.schemas.binlog.BinlogParser;
import io.kafkabinlog.schemas.binlog.Binlogs;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.catalog.DdlStatement;
import io.kafkabinlog.tidbsim.engine.GeneratedInsert;
import io.kafkabinlog.tidbsim.engine.SimCluster;
import io.kafkabinlog.tidbsim.expected.ExpectedState;
import io.kafkabinlog.tidbsim.expected.ExpectedStateLog;
import io.kafkabinlog.tidbsim.expected.ExpectedTable;
import io.kafkabinlog.tidbsim.expected.PayloadRowGenerator;
import io.kafkabinlog.tidbsim.mutation.GeneratedPrewrite;
import io.kafkabinlog.tidbsim.mutation.SimRow;
import io.kafkabinlog.tidbsim.mutation.TxnMutationsBuilder;
import io.kafkabinlog.tidbsim.testing.ClockTimestampOracle;
import io.kafkabinlog.tidbsim.testing.RecordingBinlogWriter;
import io.kafkabinlog.tidbsim.testing.SimFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LargeWorkloadTest {
  private static final long SEED = 31;
  private static final PayloadRowGenerator GENERATOR = new PayloadRowGenerator();

  @TempDir Path dir;
  private final RecordingBinlogWriter writer = new RecordingBinlogWriter();
  private final List<String> lines = new ArrayList<>();
  private SimFixture fixture;
  private SimCluster sim;

  @BeforeEach
  void setUp() {
    fixture = SimFixture.open(dir, new ClockTimestampOracle(1), writer);
    sim = fixture.sim();
  }

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  private void run(final long sizeBytes) {
    new LargeWorkload()
        .run(
            sim,
            WorkloadOptions.defaults().withSeed(SEED).withLargeBytes(sizeBytes),
            new Progress("large", sim.stats(), Duration.ofHours(1), lines::add));
  }

  private TableInfo big() {
    return sim.catalog().table("large", "big").orElseThrow();
  }

  @Test
  void shouldSplitTheSizeEvenlyOverRowsOfAtMostTheRowSize() {
    GeneratedInsert small = LargeWorkload.plan("d", 1, 1, 1_000_003);
    assertThat(small.count()).isEqualTo(4);
    assertThat(small.rowBytes()).isEqualTo(250_001);
    GeneratedInsert gib = LargeWorkload.plan("d", 1, 1, 1L << 30);
    assertThat(gib.count()).isEqualTo(4096);
    assertThat(gib.rowBytes()).isEqualTo(LargeWorkload.ROW_BYTES);
    assertThat(LargeWorkload.plan("d", 1, 1, 1).rowBytes()).isEqualTo(1);
  }

  @Test
  void shouldSendTheMarshalledPrewriteTheMutationsBuilderPathWouldSend() {
    run(1_000_003);

    assertThat(writer.prewrites())
        .as("only the DDL prewrites go as Binlog objects")
        .allMatch(p -> p.getDdlJobId() > 0)
        .hasSize(2);
    assertThat(writer.marshalledPrewrites()).hasSize(1);
    ByteString payload = writer.marshalledPrewrites().get(0);
    Binlog prewrite = new BinlogParser().parse(payload);
    // The same rows through the ordinary transaction path, byte for byte.
    TxnMutationsBuilder b =
        new TxnMutationsBuilder(new BinlogParser().prewriteValue(prewrite).getSchemaVersion());
    for (long id = 1; id <= 4; id++) {
      b.insert(big(), GENERATOR.row(SEED, id, 250_001));
    }
    assertThat(payload)
        .isEqualTo(
            Binlogs.prewrite(prewrite.getStartTs(), b.primaryKey(), b.build()).toByteString());

    Binlog commit = writer.commits().get(writer.commits().size() - 1);
    assertThat(commit.getTp()).isEqualTo(BinlogType.Commit);
    assertThat(commit.getStartTs()).isEqualTo(prewrite.getStartTs());
    assertThat(commit.getCommitTs()).isGreaterThan(prewrite.getStartTs());
    assertThat(commit.getPrewriteKey()).isEqualTo(prewrite.getPrewriteKey());
    assertThat(commit.hasPrewriteValue()).isFalse();
    assertThat(fixture.outcomes().find(prewrite.getStartTs()).orElseThrow().commitTs())
        .isEqualTo(commit.getCommitTs());
    assertThat(sim.stats().committed()).isEqualTo(1);
    assertThat(sim.stats().rowChanges()).isEqualTo(4);
    assertThat(lines).anyMatch(l -> l.contains("sizing 100% (4/4 rows"));
    assertThat(lines).anyMatch(l -> l.contains("writing 100% (4/4 rows"));
  }

  @Test
  void shouldLogTheRowsAsGeneratedSoThatReplayRegeneratesThem() {
    run(1_000_003);
    run(300_000);

    ExpectedState state = ExpectedStateLog.replay(dir);
    ExpectedTable table = state.table("large", "big").orElseThrow();
    assertThat(table.rowCount()).isEqualTo(6);
    assertThat(table.generatedIds())
        .containsExactly(
            new ExpectedTable.GeneratedIds(1, 4), new ExpectedTable.GeneratedIds(5, 2));
    List<SimRow> rows = new ArrayList<>();
    table.forEachRow(rows::add);
    List<SimRow> want = new ArrayList<>();
    for (long id = 1; id <= 4; id++) {
      want.add(GENERATOR.row(SEED, id, 250_001));
    }
    for (long id = 5; id <= 6; id++) {
      want.add(GENERATOR.row(SEED, id, 150_000));
    }
    assertThat(rows).containsExactlyElementsOf(want);
    assertThat(sim.rowCount(big().id())).isEqualTo(6);
    assertThat(sim.nextGeneratedId(big().id())).isEqualTo(7);
  }

  @Test
  void shouldRefuseTransactionsOnATableOfGeneratedRows() {
    run(1000);

    assertThatThrownBy(() -> sim.inTxn(1, txn -> txn.table("large", "big")))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining("large.big holds 1 rows of a huge generated transaction")
        .hasMessageContaining("--database");
  }

  @Test
  void shouldRefuseGeneratedRowsInATableWithOtherRows() {
    sim.ddl(new DdlStatement.CreateDatabase("large"));
    sim.ddl(new DdlStatement.CreateTable("large", LargeWorkload.bigSpec(), null));
    sim.inTxn(
        1,
        txn -> {
          TableInfo t = txn.table("large", "big");
          return txn.insert(t, SimRow.of(Map.of(1L, 1L, 2L, new byte[] {1})));
        });

    assertThatThrownBy(
            () ->
                sim.commitGenerated(
                    new GeneratedInsert("large", "big", 1, 10, 1, 8),
                    GENERATOR,
                    GeneratedPrewrite.Listener.NONE))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining("a table of their own");
    assertThat(writer.marshalledPrewrites()).isEmpty();
  }

  @Test
  void shouldRefuseASizeOverTheLimitNamingTheSetting() {
    assertThatThrownBy(() -> run(LargeWorkload.MAX_SIZE_BYTES + 1))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining("--size=" + (LargeWorkload.MAX_SIZE_BYTES + 1))
        .hasMessageContaining("2 GiB");
    assertThat(sim.catalog().database("large")).isEmpty();
  }
}
