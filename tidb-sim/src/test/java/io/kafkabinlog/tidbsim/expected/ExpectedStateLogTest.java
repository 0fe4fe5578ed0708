package io.kafkabinlog.tidbsim.expected;

import static io.kafkabinlog.tidbsim.TableFixtures.PK;
import static io.kafkabinlog.tidbsim.TableFixtures.table;
import static io.kafkabinlog.tidbsim.TableFixtures.text;
import static io.kafkabinlog.tidbsim.TableFixtures.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.schemas.codec.MysqlBit;
import io.kafkabinlog.schemas.codec.MysqlEnum;
import io.kafkabinlog.schemas.codec.MysqlSet;
import io.kafkabinlog.schemas.codec.MysqlTime;
import io.kafkabinlog.schemas.tableinfo.ActionType;
import io.kafkabinlog.schemas.tableinfo.MysqlType;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.TableFixtures;
import io.kafkabinlog.tidbsim.mutation.RowChange;
import io.kafkabinlog.tidbsim.mutation.SimRow;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExpectedStateLogTest {
  @TempDir Path dir;

  private static final TableInfo ACCOUNTS =
      table(10, "accounts")
          .col("id", type(MysqlType.LONGLONG, PK, 20, 0))
          .col("name", text(MysqlType.VARCHAR, 0, 20))
          .pkIsHandle()
          .build();

  private static SimRow account(final long id, final String name) {
    Map<Long, Object> v = new LinkedHashMap<>();
    v.put(1L, id);
    v.put(2L, name);
    return SimRow.of(v);
  }

  private static void writeSchema(final ExpectedStateLog log) {
    log.appendDdl(1, TableFixtures.createSchema(1, 2, "bank"));
    log.appendDdl(2, TableFixtures.tableJob(2, ActionType.CREATE_TABLE, 2, ACCOUNTS));
  }

  @Test
  void shouldReplayWhatAnEarlierInstanceWrote() {
    try (ExpectedStateLog log = ExpectedStateLog.open(dir)) {
      writeSchema(log);
      log.appendDml(3, List.of(new RowChange.Insert(10, account(1, "ann"))));
      log.appendDml(
          4,
          List.of(
              new RowChange.Insert(10, account(2, "bob")),
              new RowChange.Update(10, account(1, "ann"), account(1, "anna"))));
      assertThat(log.appendedEntries()).isEqualTo(4);
    }
    try (ExpectedStateLog log = ExpectedStateLog.open(dir)) {
      log.appendDml(5, List.of(new RowChange.Delete(10, account(2, "bob"))));
    }

    ExpectedState state = ExpectedStateLog.replay(dir);

    assertThat(state.entries()).isEqualTo(5);
    assertThat(state.maxCommitTs()).isEqualTo(5);
    ExpectedTable t = state.table("bank", "accounts").orElseThrow();
    List<SimRow> rows = new ArrayList<>();
    t.forEachRow(rows::add);
    assertThat(rows).containsExactly(account(1, "anna"));
  }

  @Test
  void shouldKeepEveryValueTypeThroughTheLog() {
    Map<Long, Object> v = new LinkedHashMap<>();
    v.put(1L, 1L);
    v.put(2L, new BigInteger("18446744073709551615"));
    v.put(3L, new BigDecimal("-12.340"));
    v.put(4L, 1.5d);
    v.put(5L, 2.25f);
    v.put(6L, "text é");
    v.put(7L, new byte[] {0, 1, (byte) 0xFF});
    v.put(8L, LocalDate.of(2024, 2, 29));
    v.put(9L, LocalDateTime.of(2019, 1, 2, 3, 4, 5, 6000));
    v.put(10L, MysqlTime.ZERO);
    v.put(11L, Duration.ofHours(-838).minusSeconds(59));
    v.put(12L, new MysqlEnum(2, "b"));
    v.put(13L, new MysqlSet(5, List.of("a", "c")));
    v.put(14L, new MysqlBit(0x41, 8));
    v.put(15L, null);
    v.put(16L, 7);
    SimRow row = SimRow.withRowId(v, 99);
    try (ExpectedStateLog log = ExpectedStateLog.open(dir)) {
      log.appendDml(1, List.of(new RowChange.Insert(5, row)));
    }

    List<LogEntry> entries = new ArrayList<>();
    ExpectedStateLog.read(dir, entries::add);

    SimRow back = ((RowChange.Insert) ((LogEntry.Dml) entries.get(0)).changes().get(0)).row();
    assertThat(back).isEqualTo(row.with(16L, 7L));
    assertThat(back.value(16)).isEqualTo(7L);
    assertThat(back.rowId()).isEqualTo(99);
  }

  @Test
  void shouldIgnoreATornLastEntryAndCutItOffWhenReopened() throws IOException {
    try (ExpectedStateLog log = ExpectedStateLog.open(dir)) {
      writeSchema(log);
      log.appendDml(3, List.of(new RowChange.Insert(10, account(1, "ann"))));
    }
    Path file = dir.resolve(ExpectedStateLog.FILE_NAME);
    long complete = Files.size(file);
    // a frame header announcing 100 bytes, followed by only 10 of them: the writer died mid-entry
    ByteBuffer torn = ByteBuffer.allocate(18).putInt(100).putInt(0x12345678);
    Files.write(file, torn.array(), StandardOpenOption.APPEND);

    assertThat(ExpectedStateLog.read(dir, e -> {})).isEqualTo(3);
    assertThat(Files.size(file)).isEqualTo(complete + 18);

    try (ExpectedStateLog log = ExpectedStateLog.open(dir)) {
      assertThat(Files.size(file)).isEqualTo(complete);
      log.appendDml(4, List.of(new RowChange.Insert(10, account(2, "bob"))));
    }
    ExpectedState state = ExpectedStateLog.replay(dir);
    assertThat(state.entries()).isEqualTo(4);
    assertThat(state.table(10).orElseThrow().rowCount()).isEqualTo(2);
  }

  @Test
  void shouldTreatALastEntryWithABadChecksumAsTornButAnEarlierOneAsCorruption() throws IOException {
    try (ExpectedStateLog log = ExpectedStateLog.open(dir)) {
      writeSchema(log);
      log.appendDml(3, List.of(new RowChange.Insert(10, account(1, "ann"))));
    }
    Path file = dir.resolve(ExpectedStateLog.FILE_NAME);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 1] ^= 0x01;
    Files.write(file, bytes);
    assertThat(ExpectedStateLog.read(dir, e -> {})).isEqualTo(2);

    bytes[bytes.length - 1] ^= 0x01;
    bytes[8 + 8 + 3] ^= 0x01; // inside the first entry's payload
    Files.write(file, bytes);
    assertThatThrownBy(() -> ExpectedStateLog.read(dir, e -> {}))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining("damaged at offset 8")
        .hasMessageContaining("checksum");
    assertThatThrownBy(() -> ExpectedStateLog.open(dir)).isInstanceOf(FatalBinlogException.class);
  }

  @Test
  void shouldReadAMissingLogAsEmptyAndRefuseAForeignFile() throws IOException {
    assertThat(ExpectedStateLog.read(dir, e -> {})).isZero();
    assertThat(ExpectedStateLog.replay(dir).tables()).isEmpty();

    Files.writeString(dir.resolve(ExpectedStateLog.FILE_NAME), "hello, world");
    assertThatThrownBy(() -> ExpectedStateLog.read(dir, e -> {}))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining("bad magic");
  }

  @Test
  void shouldLogGeneratedRowsCompactlyAndRegenerateThemOnReplay() throws IOException {
    TableInfo big = PayloadRowGenerator.tableInfo(20, "big");
    try (ExpectedStateLog log = ExpectedStateLog.open(dir)) {
      log.appendDdl(1, TableFixtures.createSchema(1, 2, "bank"));
      log.appendDdl(2, TableFixtures.tableJob(2, ActionType.CREATE_TABLE, 2, big));
      log.appendGeneratedRows(3, 20, 42, 1, 300, 1024);
      log.sync();
    }
    assertThat(Files.size(dir.resolve(ExpectedStateLog.FILE_NAME))).isLessThan(2_000);

    ExpectedTable t = ExpectedStateLog.replay(dir).table(20).orElseThrow();
    assertThat(t.rowCount()).isEqualTo(300);
    List<Long> ids = new ArrayList<>();
    java.util.Set<String> payloads = new java.util.HashSet<>();
    t.forEachRow(
        row -> {
          ids.add((Long) row.value(PayloadRowGenerator.ID_COLUMN_ID));
          byte[] payload = (byte[]) row.value(PayloadRowGenerator.PAYLOAD_COLUMN_ID);
          assertThat(payload).hasSize(1024);
          payloads.add(java.util.HexFormat.of().formatHex(payload));
        });
    assertThat(ids).hasSize(300).startsWith(1L, 2L).endsWith(300L).doesNotHaveDuplicates();
    assertThat(payloads).hasSize(300);
    assertThat(PayloadRowGenerator.payload(42, 7, 1024))
        .isEqualTo(PayloadRowGenerator.payload(42, 7, 1024))
        .isNotEqualTo(PayloadRowGenerator.payload(43, 7, 1024));
  }
}
