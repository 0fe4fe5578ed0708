package io.kafkabinlog.ordering.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.schemas.tableinfo.Job;
import io.kafkabinlog.schemas.tableinfo.TableInfoJson;
import io.kafkabinlog.testkit.FreePorts;
import io.kafkabinlog.testkit.MariaDbServiceExtension;
import io.kafkabinlog.testkit.ServiceEndpoints;
import io.kafkabinlog.tidbsim.catalog.Catalog;
import io.kafkabinlog.tidbsim.catalog.ColumnSpec;
import io.kafkabinlog.tidbsim.catalog.DdlStatement;
import io.kafkabinlog.tidbsim.catalog.TableSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SqlSchemaSource against real MariaDB holding a table shaped like TiDB's mysql.tidb_ddl_history,
 * filled with job JSON made by tidb-sim's catalog.
 */
@Tag("integration")
@Timeout(60)
class SqlSchemaSourceIT {
  @RegisterExtension static final MariaDbServiceExtension MARIADB = new MariaDbServiceExtension();

  @TempDir Path dir;

  private List<Job> jobs() {
    List<Job> out = new ArrayList<>();
    try (Catalog catalog = Catalog.open(dir)) {
      long ts = 1000;
      out.add(catalog.commit(catalog.plan(new DdlStatement.CreateDatabase("shop")), ts++, ts++));
      for (int i = 0; i < 4; i++) {
        out.add(
            catalog.commit(
                catalog.plan(
                    new DdlStatement.CreateTable(
                        "shop",
                        TableSpec.builder("t" + i)
                            .column(ColumnSpec.bigint("id").notNull())
                            .primaryKey("id")
                            .build())),
                ts++,
                ts++));
      }
    }
    return out;
  }

  private SqlSchemaSource source(final String table, final int page) {
    ServiceEndpoints e = MARIADB.endpoints();
    return new SqlSchemaSource(
        MARIADB.jdbcUrl(),
        e.mariaDbUser(),
        e.mariaDbPassword(),
        table,
        Duration.ofSeconds(5),
        page);
  }

  @Test
  void readsTheHistoryInPagesAndJobsById() throws Exception {
    List<Job> jobs = jobs();
    try (Connection c = MARIADB.connection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE tidb_ddl_history (job_id BIGINT PRIMARY KEY, job_meta LONGBLOB)");
      try (PreparedStatement insert =
          c.prepareStatement("INSERT INTO tidb_ddl_history VALUES (?, ?)")) {
        // inserted newest first: the source orders by id
        for (int i = jobs.size() - 1; i >= 0; i--) {
          insert.setLong(1, jobs.get(i).id());
          insert.setBytes(2, TableInfoJson.toJson(jobs.get(i)).getBytes(StandardCharsets.UTF_8));
          insert.executeUpdate();
        }
      }
    }
    for (int page : new int[] {1, 2, 1024}) {
      List<Job> seen = new ArrayList<>();
      source(MARIADB.database() + ".tidb_ddl_history", page).forEachJob(seen::add);
      assertThat(seen).as("page %s", page).isEqualTo(jobs);
    }
    SqlSchemaSource source = source("tidb_ddl_history", SqlSchemaSource.PAGE);
    assertThat(source.job(jobs.get(2).id())).contains(jobs.get(2));
    assertThat(source.job(1)).isEmpty();
  }

  @Test
  void aMissingTableIsAConfigurationError() {
    assertThatThrownBy(() -> source("no_such_history", 10).job(1))
        .isInstanceOfSatisfying(
            FatalBinlogException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID))
        .hasMessageContaining("does not exist");
  }

  @Test
  void anUnreachableServerIsAnOutage() {
    SqlSchemaSource source =
        new SqlSchemaSource(
            "jdbc:mariadb://127.0.0.1:" + FreePorts.next() + "/",
            "root",
            "",
            SqlSchemaSource.DEFAULT_TABLE,
            Duration.ofSeconds(2));
    assertThatThrownBy(() -> source.forEachJob(j -> {}))
        .isInstanceOfSatisfying(
            RetriableBinlogException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_SOURCE_UNAVAILABLE))
        .hasMessageContaining(SqlSchemaSource.URL_SETTING);
  }

  @Test
  void rejectsATableNameThatIsNotAName() {
    assertThatThrownBy(() -> source("t; DROP TABLE x", 10))
        .isInstanceOf(FatalBinlogException.class);
  }
}
