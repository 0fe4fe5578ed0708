package io.kafkabinlog.ordering.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.schemas.tableinfo.Job;
import io.kafkabinlog.testkit.FreePorts;
import io.kafkabinlog.tidbsim.catalog.Catalog;
import io.kafkabinlog.tidbsim.catalog.ColumnSpec;
import io.kafkabinlog.tidbsim.catalog.DdlStatement;
import io.kafkabinlog.tidbsim.catalog.TableSpec;
import io.kafkabinlog.tidbsim.status.TidbStatusServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HttpSchemaSource against tidb-sim's TiDB status server, with DDL made by tidb-sim's catalog. */
class HttpSchemaSourceTest {
  @TempDir Path dir;
  private Catalog catalog;
  private TidbStatusServer server;
  private long ts = 1000;

  @BeforeEach
  void start() {
    catalog = Catalog.open(dir);
    server = new TidbStatusServer("127.0.0.1", 0, catalog, null, null).start();
  }

  @AfterEach
  void stop() {
    server.close();
    catalog.close();
  }

  private Job run(final DdlStatement statement) {
    long start = ts++;
    return catalog.commit(catalog.plan(statement), start, ts++);
  }

  /** A database and {@code tables} tables, each with a column added: 1 + 2 x tables jobs. */
  private List<Job> history(final int tables) {
    List<Job> jobs = new ArrayList<>();
    jobs.add(run(new DdlStatement.CreateDatabase("shop")));
    for (int i = 0; i < tables; i++) {
      jobs.add(
          run(
              new DdlStatement.CreateTable(
                  "shop",
                  TableSpec.builder("t" + i)
                      .column(ColumnSpec.bigint("id").notNull())
                      .primaryKey("id")
                      .build())));
      jobs.add(run(new DdlStatement.AddColumn("shop", "t" + i, ColumnSpec.integer("a"))));
    }
    return jobs;
  }

  private URI url() {
    return URI.create(server.url());
  }

  private static URI deadUrl() {
    return URI.create("http://127.0.0.1:" + FreePorts.next());
  }

  @Test
  void pagesThroughTheWholeHistoryInAscendingJobIdOrder() {
    List<Job> jobs = history(5);
    for (int page : new int[] {1, 3, 4, 11, 2048}) {
      HttpSchemaSource source = new HttpSchemaSource(List.of(url()), Duration.ofSeconds(5), page);
      List<Job> seen = new ArrayList<>();
      source.forEachJob(seen::add);
      assertThat(seen).as("page size %s", page).isEqualTo(jobs);
    }
  }

  @Test
  void anEmptyHistoryHasNoJobs() {
    List<Job> seen = new ArrayList<>();
    new HttpSchemaSource(List.of(url()), Duration.ofSeconds(5)).forEachJob(seen::add);
    assertThat(seen).isEmpty();
  }

  @Test
  void fetchesOneJobById() {
    List<Job> jobs = history(2);
    HttpSchemaSource source = new HttpSchemaSource(List.of(url()), Duration.ofSeconds(5));
    for (Job j : jobs) {
      assertThat(source.job(j.id())).contains(j);
    }
    // between two jobs' ids (tables take ids too) and past the end: no job
    long gap = jobs.get(1).id() - 1;
    assertThat(jobs).noneMatch(j -> j.id() == gap);
    assertThat(source.job(gap)).isEmpty();
    assertThat(source.job(jobs.get(jobs.size() - 1).id() + 100)).isEmpty();
  }

  @Test
  void triesTheNextUrlWhenOneIsDown() {
    List<Job> jobs = history(1);
    HttpSchemaSource source =
        new HttpSchemaSource(List.of(deadUrl(), url()), Duration.ofSeconds(2));
    assertThat(source.job(jobs.get(0).id())).contains(jobs.get(0));
    List<Job> seen = new ArrayList<>();
    source.forEachJob(seen::add);
    assertThat(seen).isEqualTo(jobs);
  }

  @Test
  void everyUrlDownIsARetriableOutageNamingTheSetting() {
    URI a = deadUrl();
    URI b = deadUrl();
    HttpSchemaSource source = new HttpSchemaSource(List.of(a, b), Duration.ofSeconds(2));
    assertThatThrownBy(() -> source.job(1))
        .isInstanceOfSatisfying(
            RetriableBinlogException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_SOURCE_UNAVAILABLE))
        .hasMessageContaining(a.toString())
        .hasMessageContaining(b.toString())
        .hasMessageContaining(HttpSchemaSource.URLS_SETTING);
    assertThatThrownBy(() -> source.forEachJob(j -> {}))
        .isInstanceOf(RetriableBinlogException.class);
  }

  @Test
  void aServerWithoutTheApiIsAConfigurationError() {
    HttpSchemaSource source =
        new HttpSchemaSource(List.of(URI.create(server.url() + "/nope")), Duration.ofSeconds(2));
    assertThatThrownBy(() -> source.job(1))
        .isInstanceOfSatisfying(
            FatalBinlogException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID))
        .hasMessageContaining("HTTP 404")
        .hasMessageContaining(HttpSchemaSource.URLS_SETTING);
  }

  @Test
  void rejectsAnEmptyOrNonHttpUrlList() {
    assertThatThrownBy(() -> new HttpSchemaSource(List.of(), Duration.ofSeconds(1)))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining(HttpSchemaSource.URLS_SETTING);
    assertThatThrownBy(
            () ->
                new HttpSchemaSource(
                    List.of(URI.create("tcp://127.0.0.1:10080")), Duration.ofSeconds(1)))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining("http");
  }
}
