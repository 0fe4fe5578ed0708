package io.kafkabinlog.tidbsim.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkabinlog.common.tso.Tso;
import io.kafkabinlog.schemas.tableinfo.Job;
import io.kafkabinlog.schemas.tableinfo.TableInfoJson;
import io.kafkabinlog.tidbsim.catalog.Catalog;
import io.kafkabinlog.tidbsim.catalog.ColumnSpec;
import io.kafkabinlog.tidbsim.catalog.DdlStatement;
import io.kafkabinlog.tidbsim.catalog.TableSpec;
import io.kafkabinlog.tidbsim.txn.FaultSwitch;
import io.kafkabinlog.tidbsim.txn.SimTxnStatusService;
import io.kafkabinlog.tidbsim.txn.TxnOutcomeLog;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TidbStatusServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long NOW = 1_700_000_000_000L;

  @TempDir Path dir;
  private Catalog catalog;
  private TxnOutcomeLog outcomes;
  private final FaultSwitch faults = new FaultSwitch();
  private final AtomicLong nowMillis = new AtomicLong(NOW);
  private TidbStatusServer server;
  private final HttpClient http = HttpClient.newHttpClient();
  private long ts = 1000;

  @BeforeEach
  void setUp() {
    catalog = Catalog.open(dir);
    outcomes = TxnOutcomeLog.open(dir);
    final SimTxnStatusService txn =
        new SimTxnStatusService(
            outcomes, Duration.ofSeconds(20), () -> Tso.compose(nowMillis.get(), 0));
    server = new TidbStatusServer("127.0.0.1", 0, catalog, txn, faults).start();
  }

  @AfterEach
  void tearDown() {
    server.close();
    outcomes.close();
    catalog.close();
  }

  private Job run(final DdlStatement s) {
    return catalog.commit(catalog.plan(s), ts++, ts++);
  }

  private List<Job> sixJobs() {
    final List<Job> jobs = new ArrayList<>();
    jobs.add(run(new DdlStatement.CreateDatabase("shop")));
    jobs.add(
        run(
            new DdlStatement.CreateTable(
                "shop",
                TableSpec.builder("t")
                    .column(ColumnSpec.bigint("id").notNull())
                    .column(ColumnSpec.varchar("v", 8))
                    .primaryKey("id")
                    .build())));
    jobs.add(run(new DdlStatement.AddColumn("shop", "t", ColumnSpec.integer("a"))));
    jobs.add(run(new DdlStatement.AddColumn("shop", "t", ColumnSpec.integer("b"))));
    jobs.add(run(new DdlStatement.DropColumn("shop", "t", "a")));
    jobs.add(run(new DdlStatement.TruncateTable("shop", "t")));
    return jobs;
  }

  private HttpResponse<String> get(final String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(server.url() + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(final String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode getJson(final String path) throws Exception {
    final HttpResponse<String> r = get(path);
    assertThat(r.statusCode()).as("%s -> %s", path, r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
    return JSON.readTree(r.body());
  }

  private List<Long> historyIds(final String query) throws Exception {
    final List<Long> ids = new ArrayList<>();
    for (JsonNode j : getJson("/ddl/history" + query)) {
      ids.add(j.get("id").asLong());
    }
    return ids;
  }

  private void assertBadRequest(final String path, final String text) throws Exception {
    final HttpResponse<String> r = get(path);
    assertThat(r.statusCode()).as(path).isEqualTo(400);
    assertThat(r.body()).isEqualTo(text);
  }

  @Test
  void shouldServeStatusLikeTidb() throws Exception {
    final JsonNode s = getJson("/status");
    assertThat(s.get("connections").asInt()).isZero();
    assertThat(s.get("version").asText()).isEqualTo("8.0.11-TiDB-v7.5.0-sim");
    assertThat(s.get("git_hash").asText()).hasSize(40);
    assertThat(s.get("status").get("init_stats_percentage").asDouble()).isEqualTo(100.0);
  }

  @Test
  void shouldPageDdlHistoryNewestFirstWithInclusiveStartJobId() throws Exception {
    final List<Job> jobs = sixJobs();
    final List<Long> ids = jobs.stream().map(Job::id).toList();

    assertThat(historyIds("")).containsExactlyElementsOf(reversed(ids));
    assertThat(historyIds("?limit=2")).containsExactly(ids.get(5), ids.get(4));
    assertThat(historyIds("?start_job_id=" + ids.get(3) + "&limit=2"))
        .containsExactly(ids.get(3), ids.get(2));
    assertThat(historyIds("?start_job_id=" + ids.get(3) + "&limit=1")).containsExactly(ids.get(3));
    // An id between jobs starts at the next lower job; a huge one at the newest.
    assertThat(historyIds("?start_job_id=" + (ids.get(0) + 1) + "&limit=5"))
        .containsExactly(ids.get(0));
    assertThat(historyIds("?start_job_id=999999&limit=1")).containsExactly(ids.get(5));
    assertThat(historyIds("?limit=2&limit=100")).hasSize(2);
    assertThat(historyIds("?limit=")).hasSize(6);

    // Paging backwards by start_job_id visits every job once.
    final List<Long> paged = new ArrayList<>();
    long start = Long.MAX_VALUE / 2;
    while (true) {
      final List<Long> page = historyIds("?start_job_id=" + start + "&limit=4");
      if (page.isEmpty()) {
        break;
      }
      paged.addAll(page);
      start = page.get(page.size() - 1) - 1;
      if (start < 1) {
        break;
      }
    }
    assertThat(paged).containsExactlyElementsOf(reversed(ids));

    // The jobs are TiDB's JSON: the DROP COLUMN job and the TRUNCATE job as the catalog wrote them.
    final JsonNode truncate = getJson("/ddl/history?limit=1").get(0);
    assertThat(TableInfoJson.parseJob(truncate.toString())).isEqualTo(jobs.get(5));
    assertThat(truncate.get("table_id").asLong()).isEqualTo(jobs.get(1).tableId());
    assertThat(truncate.get("binlog").get("TableInfo").get("id").asLong())
        .isGreaterThan(jobs.get(1).tableId());
  }

  @Test
  void shouldRejectBadHistoryParametersWithTidbsMessages() throws Exception {
    sixJobs();
    assertBadRequest(
        "/ddl/history?start_job_id=5",
        "when 'start_job_id' is specified, it must work with a 'limit'");
    assertBadRequest(
        "/ddl/history?start_job_id=0&limit=1", "ddl history start_job_id must be greater than 0");
    assertBadRequest(
        "/ddl/history?limit=0",
        "ddl history limit must be greater than 0 and less than or equal to 2048");
    assertBadRequest(
        "/ddl/history?limit=2049",
        "ddl history limit must be greater than 0 and less than or equal to 2048");
    assertBadRequest("/ddl/history?limit=ten", "strconv.Atoi: parsing \"ten\": invalid syntax");
    assertBadRequest(
        "/ddl/history?start_job_id=99999999999999999999&limit=1",
        "strconv.Atoi: parsing \"99999999999999999999\": value out of range");
    assertThat(get("/ddl/history?limit=2048").statusCode()).isEqualTo(200);
  }

  @Test
  void shouldServeTheCurrentSchema() throws Exception {
    final List<Job> jobs = sixJobs();
    final long newTableId = jobs.get(5).binlog().tableInfo().id();
    final JsonNode dbs = getJson("/schema");
    assertThat(dbs).hasSize(1);
    assertThat(dbs.get(0).get("db_name").get("O").asText()).isEqualTo("shop");
    assertThat(dbs.get(0).get("id").asLong()).isEqualTo(jobs.get(0).schemaId());

    final JsonNode tables = getJson("/schema/shop");
    assertThat(tables).hasSize(1);
    assertThat(tables.get(0).get("id").asLong()).isEqualTo(newTableId);

    final JsonNode t = getJson("/schema/SHOP/t");
    assertThat(t.get("cols")).hasSize(3);
    assertThat(t.get("cols").get(2).get("name").get("O").asText()).isEqualTo("b");
    assertThat(getJson("/schema?table_id=" + newTableId).get("name").get("L").asText())
        .isEqualTo("t");

    final JsonNode dt = getJson("/db-table/" + newTableId);
    assertThat(dt.get("db_info").get("id").asLong()).isEqualTo(jobs.get(0).schemaId());
    assertThat(dt.get("table_info").get("id").asLong()).isEqualTo(newTableId);
    assertThat(dt.get("schema_version").asLong()).isEqualTo(6);

    assertBadRequest("/schema/nope", "[schema:1049]Unknown database 'nope'");
    assertBadRequest("/schema/shop/nope", "[schema:1146]Table 'shop.nope' doesn't exist");
    assertBadRequest(
        "/db-table/" + jobs.get(1).tableId(),
        "[schema:1146]Table which ID = " + jobs.get(1).tableId() + " does not exist.");
    assertThat(get("/db-table/abc").statusCode()).isEqualTo(400);
  }

  @Test
  void shouldResolvePartitionIdsInDbTable() throws Exception {
    run(new DdlStatement.CreateDatabase("d"));
    final Job p =
        run(
            new DdlStatement.CreateTable(
                "d",
                TableSpec.builder("p")
                    .column(ColumnSpec.bigint("id").notNull())
                    .primaryKey("id")
                    .hashPartitions("id", 3)
                    .build()));
    final long partitionId = p.binlog().tableInfo().partition().definitions().get(2).id();
    assertThat(getJson("/db-table/" + partitionId).get("table_info").get("id").asLong())
        .isEqualTo(p.tableId());
  }

  @Test
  void shouldAnswerTxnStatus() throws Exception {
    final long committed = Tso.compose(NOW - 1000, 1);
    final long rolledBack = Tso.compose(NOW - 1000, 2);
    final long pending = Tso.compose(NOW - 1000, 3);
    final long expired = Tso.compose(NOW - 60_000, 4);
    outcomes.recordCommitted(committed, committed + 10);
    outcomes.recordRolledBack(rolledBack);

    JsonNode s = getJson("/txn-status/" + committed);
    assertThat(s.get("start_ts").asLong()).isEqualTo(committed);
    assertThat(s.get("status").asText()).isEqualTo("committed");
    assertThat(s.get("commit_ts").asLong()).isEqualTo(committed + 10);
    s = getJson("/txn-status/" + rolledBack);
    assertThat(s.get("status").asText()).isEqualTo("rolled_back");
    assertThat(s.get("commit_ts").asLong()).isZero();
    assertThat(getJson("/txn-status/" + pending).get("status").asText()).isEqualTo("pending");
    assertThat(getJson("/txn-status/" + expired).get("status").asText()).isEqualTo("rolled_back");
    nowMillis.addAndGet(30_000);
    assertThat(getJson("/txn-status/" + pending).get("status").asText()).isEqualTo("rolled_back");

    assertBadRequest("/txn-status/x", "start_ts must be a positive integer TSO, got 'x'");
    assertBadRequest("/txn-status/-3", "start_ts must be a positive integer TSO, got '-3'");
  }

  @Test
  void shouldArmTheFaultSwitchOverHttp() throws Exception {
    JsonNode f = getJson("/fault");
    assertThat(f.get("crash_after_prewrite_remaining").asInt()).isZero();
    final HttpResponse<String> armed = post("/fault/crash-after-prewrite?count=3");
    assertThat(armed.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(armed.body()).get("crash_after_prewrite_remaining").asInt())
        .isEqualTo(3);
    assertThat(faults.crashAfterPrewrite(77)).isTrue();
    f = getJson("/fault");
    assertThat(f.get("crash_after_prewrite_remaining").asInt()).isEqualTo(2);
    assertThat(f.get("crashed_txns").asLong()).isEqualTo(1);
    assertThat(f.get("recent_crashed_start_ts").get(0).asLong()).isEqualTo(77);

    assertThat(post("/fault/crash-after-prewrite?count=0").statusCode()).isEqualTo(200);
    assertThat(faults.remaining()).isZero();
    assertThat(post("/fault/crash-after-prewrite?count=-1").statusCode()).isEqualTo(400);
    assertThat(post("/fault/crash-after-prewrite").statusCode()).isEqualTo(400);
    assertThat(get("/fault/crash-after-prewrite?count=1").statusCode()).isEqualTo(405);
  }

  @Test
  void shouldAnswer404ForUnknownPathsAnd405ForWrongMethods() throws Exception {
    assertThat(get("/").statusCode()).isEqualTo(404);
    assertThat(get("/nope").statusCode()).isEqualTo(404);
    assertThat(get("/ddl/other").statusCode()).isEqualTo(404);
    assertThat(get("/schema/a/b/c").statusCode()).isEqualTo(404);
    assertThat(post("/status").statusCode()).isEqualTo(405);
  }

  @Test
  void shouldServeAReadOnlyCatalogThatFollowsTheWriter() throws Exception {
    try (Catalog follower = Catalog.openReadOnly(dir);
        TidbStatusServer other =
            new TidbStatusServer("127.0.0.1", 0, follower, null, null).start()) {
      final Job db = run(new DdlStatement.CreateDatabase("late"));
      final HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(other.url() + "/ddl/history?limit=1")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(JSON.readTree(r.body()).get(0).get("id").asLong()).isEqualTo(db.id());
      final HttpResponse<String> noTxn =
          http.send(
              HttpRequest.newBuilder(URI.create(other.url() + "/txn-status/5")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(noTxn.statusCode()).isEqualTo(404);
    }
  }

  private static List<Long> reversed(final List<Long> ids) {
    final List<Long> out = new ArrayList<>(ids);
    java.util.Collections.reverse(out);
    return out;
  }
}
