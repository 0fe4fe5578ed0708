package io.kafkabinlog.tidbsim.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.schemas.tableinfo.Job;
import io.kafkabinlog.schemas.tableinfo.TableInfoJson;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.AddColumn;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.CreateDatabase;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.CreateTable;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.RenameTable;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.TruncateTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogPersistenceTest {
  @TempDir Path dir;

  private static final TableSpec T =
      TableSpec.builder("t")
          .column(ColumnSpec.bigint("id").notNull())
          .column(ColumnSpec.varchar("v", 10))
          .primaryKey("id")
          .build();

  private static Job run(final Catalog c, final DdlStatement s, final long ts) {
    return c.commit(c.plan(s), ts, ts + 1);
  }

  @Test
  void shouldRebuildTheSameSchemaFromTheHistoryAfterReopening() throws Exception {
    final CatalogSnapshot before;
    final List<Job> history;
    try (Catalog c = Catalog.open(dir)) {
      run(c, new CreateDatabase("a"), 10);
      run(c, new CreateDatabase("b"), 20);
      run(c, new CreateTable("a", T), 30);
      run(c, new AddColumn("a", "t", ColumnSpec.integer("n").defaultValue("7")), 40);
      run(c, new TruncateTable("a", "t"), 50);
      run(c, new RenameTable("a", "t", "b", "t2"), 60);
      c.abort(c.plan(new CreateTable("a", T)));
      before = c.snapshot();
      history = c.historyJobs();
    }

    final List<String> lines =
        Files.readAllLines(dir.resolve(Catalog.HISTORY_FILE), StandardCharsets.UTF_8);
    assertThat(lines).hasSize(6);
    assertThat(TableInfoJson.parseJob(lines.get(2))).isEqualTo(history.get(2));

    try (Catalog c = Catalog.open(dir)) {
      assertThat(c.historyJobs()).isEqualTo(history);
      assertThat(c.schemaVersion()).isEqualTo(6);
      assertThat(c.databases()).isEqualTo(before.databases());
      assertThat(c.tables("b")).isEqualTo(before.tables("b"));
      assertThat(c.tables("a")).isEmpty();
      assertThat(c.table("b", "t2").orElseThrow().cols()).hasSize(3);
      // Ids continue after the aborted plan's ids, which stay used.
      final Job next = run(c, new CreateTable("a", T), 70);
      assertThat(next.tableId()).isGreaterThan(c.historyJobs().get(5).id() + 2);
    }
  }

  @Test
  void shouldLetAReadOnlyCatalogFollowTheWriter() {
    try (Catalog reader = Catalog.openReadOnly(dir);
        Catalog writer = Catalog.open(dir)) {
      assertThat(reader.schemaVersion()).isZero();
      assertThat(reader.historyJobs()).isEmpty();

      run(writer, new CreateDatabase("a"), 10);
      assertThat(reader.schemaVersion()).isEqualTo(1);
      assertThat(reader.database("A")).isPresent();

      final Job t = run(writer, new CreateTable("a", T), 20);
      assertThat(reader.table("a", "t").orElseThrow().id()).isEqualTo(t.tableId());
      assertThat(reader.historyJobs()).extracting(Job::id).containsExactly(102L, t.id());
      assertThat(reader.historyJob(t.id())).contains(t);

      assertThatThrownBy(() -> reader.plan(new CreateDatabase("x")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("read-only");
    }
  }

  @Test
  void shouldIgnoreATornLastLineAndCutItWhenTheWriterReopens() throws Exception {
    try (Catalog c = Catalog.open(dir)) {
      run(c, new CreateDatabase("a"), 10);
    }
    final Path file = dir.resolve(Catalog.HISTORY_FILE);
    final long complete = Files.size(file);
    Files.writeString(file, "{\"id\":999,\"type\":1", StandardOpenOption.APPEND);

    try (Catalog reader = Catalog.openReadOnly(dir)) {
      assertThat(reader.historyJobs()).hasSize(1);
    }
    try (Catalog c = Catalog.open(dir)) {
      assertThat(Files.size(file)).isEqualTo(complete);
      run(c, new CreateDatabase("b"), 20);
    }
    try (Catalog reader = Catalog.openReadOnly(dir)) {
      assertThat(reader.databases()).extracting(d -> d.dbName().o()).containsExactly("a", "b");
    }
  }

  @Test
  void shouldRefuseASecondWriterOnTheSameDirectory() {
    try (Catalog c = Catalog.open(dir)) {
      assertThatThrownBy(() -> Catalog.open(dir))
          .isInstanceOfSatisfying(
              FatalBinlogException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID))
          .hasMessageContaining("already open for writing");
      // The first writer still works.
      run(c, new CreateDatabase("a"), 10);
    }
    // Released on close.
    try (Catalog c = Catalog.open(dir)) {
      assertThat(c.databases()).hasSize(1);
    }
  }

  @Test
  void shouldStopOnACorruptHistoryLine() throws Exception {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(Catalog.HISTORY_FILE), "not json\n");
    assertThatThrownBy(() -> Catalog.open(dir))
        .isInstanceOfSatisfying(
            FatalBinlogException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_INPUT))
        .hasMessageContaining("line 1");
    // The failed open released its lock.
    assertThatThrownBy(() -> Catalog.open(dir)).hasMessageContaining("line 1");
  }
}
