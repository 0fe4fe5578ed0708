package io.kafkabinlog.binlogctl.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.tso.Tso;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SavepointWriterTest {
  private static final long TS =
      Tso.compose(Instant.parse("2019-04-28T09:29:57.016Z").toEpochMilli(), 3);

  @Test
  void shouldWriteTheOriginalsTomlIntoANewDataDir(@TempDir final Path dir) throws Exception {
    final Path dataDir = dir.resolve("binlog_position");

    final Path file = new SavepointWriter().write(dataDir, TS, Optional.empty());

    assertThat(file).isEqualTo(dataDir.resolve("savepoint"));
    assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo("commitTS = " + TS + "\n");
    try (var files = Files.list(dataDir)) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void shouldAddTheTimeInUtcAndInTheZoneAndReplaceAnOldFile(@TempDir final Path dir)
      throws Exception {
    new SavepointWriter().write(dir, 1, Optional.empty());

    new SavepointWriter().write(dir, TS, Optional.of(ZoneId.of("Asia/Shanghai")));

    assertThat(Files.readString(dir.resolve("savepoint"), StandardCharsets.UTF_8))
        .isEqualTo(
            "commitTS = " + TS + "\n2019-04-28 09:29:57 +0000 UTC\n2019-04-28 17:29:57 +0800 CST");
  }

  @Test
  void shouldNameTheFileItCannotWrite(@TempDir final Path dir) throws Exception {
    final Path blocker = Files.writeString(dir.resolve("not-a-dir"), "x");

    assertThatThrownBy(() -> new SavepointWriter().write(blocker, TS, Optional.empty()))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining(blocker.resolve("savepoint").toString())
        .hasMessageContaining("-data-dir");
  }
}
