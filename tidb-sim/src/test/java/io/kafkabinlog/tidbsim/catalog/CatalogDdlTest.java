package io.kafkabinlog.tidbsim.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkabinlog.schemas.tableinfo.ActionType;
import io.kafkabinlog.schemas.tableinfo.ColumnInfo;
import io.kafkabinlog.schemas.tableinfo.IndexInfo;
import io.kafkabinlog.schemas.tableinfo.Job;
import io.kafkabinlog.schemas.tableinfo.JobState;
import io.kafkabinlog.schemas.tableinfo.MysqlFlag;
import io.kafkabinlog.schemas.tableinfo.SchemaState;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.schemas.tableinfo.TableInfoJson;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.AddColumn;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.CreateDatabase;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.CreateTable;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.DropColumn;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.DropDatabase;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.DropTable;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.ModifyColumn;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.RenameTable;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.TruncateTable;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogDdlTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2024-05-06T07:08:09.123Z");

  @TempDir Path dir;
  private Catalog catalog;
  private long ts = 1000;

  @BeforeEach
  void open() {
    catalog = Catalog.open(dir, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterEach
  void close() {
    catalog.close();
  }

  private Job run(final DdlStatement statement) {
    final DdlPlan plan = catalog.plan(statement);
    final long start = ts++;
    return catalog.commit(plan, start, ts++);
  }

  private static TableSpec orders() {
    return TableSpec.builder("orders")
        .column(ColumnSpec.integer("id").notNull())
        .column(ColumnSpec.varchar("name", 20))
        .column(ColumnSpec.decimal("price", 10, 2))
        .primaryKey("id")
        .build();
  }

  @Test
  void shouldAllocateOneGlobalIdSequenceInTidbOrder() {
    final Job db = run(new CreateDatabase("shop"));
    assertThat(db.schemaId()).isEqualTo(101);
    assertThat(db.id()).isEqualTo(102);

    final Job t = run(new CreateTable("shop", orders()));
    assertThat(t.tableId()).isEqualTo(103);
    assertThat(t.id()).isEqualTo(104);

    final TableSpec parted =
        TableSpec.builder("events")
            .column(ColumnSpec.bigint("id").notNull())
            .column(ColumnSpec.varchar("v", 8))
            .primaryKey("id")
            .hashPartitions("id", 2)
            .build();
    final Job p = run(new CreateTable("shop", parted));
    // Table id, then partition ids, then the job id.
    assertThat(p.tableId()).isEqualTo(105);
    assertThat(p.binlog().tableInfo().partition().definitions())
        .extracting(d -> d.id())
        .containsExactly(106L, 107L);
    assertThat(p.id()).isEqualTo(108);

    // TRUNCATE: new table id in the DDL API, job id, then the worker's new partition ids.
    final Job tr = run(new TruncateTable("shop", "events"));
    assertThat(tr.binlog().tableInfo().id()).isEqualTo(109);
    assertThat(tr.id()).isEqualTo(110);
    assertThat(tr.binlog().tableInfo().partition().definitions())
        .extracting(d -> d.id())
        .containsExactly(111L, 112L);
    assertThat(catalog.snapshot().tableByPhysicalId(111).orElseThrow().id()).isEqualTo(109);

    // Column DDL uses only a job id; the schema version counts DDLs.
    final Job add = run(new AddColumn("shop", "orders", ColumnSpec.integer("qty")));
    assertThat(add.id()).isEqualTo(113);
    assertThat(catalog.schemaVersion()).isEqualTo(5);
    assertThat(add.binlog().schemaVersion()).isEqualTo(5);
  }

  @Test
  void shouldWriteCreateTableJobWithTidbJsonFieldNames() throws Exception {
    run(new CreateDatabase("Shop"));
    final DdlPlan plan = catalog.plan(new CreateTable("Shop", orders()));
    assertThat(plan.binlogSchemaStates()).containsExactly(SchemaState.PUBLIC);
    assertThat(plan.query())
        .isEqualTo(
            "CREATE TABLE `Shop`.`orders` (`id` INT NOT NULL, `name` VARCHAR(20), `price`"
                + " DECIMAL(10,2), PRIMARY KEY (`id`))");
    final Job job = catalog.commit(plan, 2000, 2001);

    final JsonNode j = JSON.readTree(TableInfoJson.toJson(job));
    assertThat(j.get("id").asLong()).isEqualTo(plan.jobId());
    assertThat(j.get("type").asInt()).isEqualTo(ActionType.CREATE_TABLE);
    assertThat(j.get("schema_id").asLong()).isEqualTo(101);
    assertThat(j.get("table_id").asLong()).isEqualTo(103);
    assertThat(j.get("schema_name").asText()).isEqualTo("shop");
    assertThat(j.get("table_name").asText()).isEqualTo("orders");
    assertThat(j.get("state").asInt()).isEqualTo(JobState.SYNCED);
    assertThat(j.get("schema_state").asInt()).isEqualTo(SchemaState.PUBLIC);
    assertThat(j.get("start_ts").asLong()).isEqualTo(2000);
    assertThat(j.get("real_start_ts").asLong()).isEqualTo(2000);
    assertThat(j.get("query").asText()).isEqualTo(plan.query());
    final JsonNode binlog = j.get("binlog");
    assertThat(binlog.get("SchemaVersion").asLong()).isEqualTo(2);
    assertThat(binlog.get("FinishedTS").asLong()).isEqualTo(2001);
    assertThat(binlog.has("DBInfo")).isFalse();
    final JsonNode table = binlog.get("TableInfo");
    assertThat(table.get("id").asLong()).isEqualTo(103);
    assertThat(table.get("name").get("O").asText()).isEqualTo("orders");
    assertThat(table.get("name").get("L").asText()).isEqualTo("orders");
    assertThat(table.get("charset").asText()).isEqualTo("utf8mb4");
    assertThat(table.get("collate").asText()).isEqualTo("utf8mb4_bin");
    assertThat(table.get("pk_is_handle").asBoolean()).isTrue();
    assertThat(table.get("is_common_handle").asBoolean()).isFalse();
    assertThat(table.get("max_col_id").asLong()).isEqualTo(3);
    assertThat(table.get("update_timestamp").asLong()).isEqualTo(2000);
    assertThat(table.get("index_info")).isEmpty();
    final JsonNode id = table.get("cols").get(0);
    assertThat(id.get("id").asLong()).isEqualTo(1);
    assertThat(id.get("offset").asInt()).isZero();
    assertThat(id.get("state").asInt()).isEqualTo(SchemaState.PUBLIC);
    final JsonNode type = id.get("type");
    // Section 3.5 of the reference: INT PK = NOT NULL | PRI_KEY | NO_DEFAULT = 4099.
    assertThat(type.get("Tp").asInt()).isEqualTo(3);
    assertThat(type.get("Flag").asInt()).isEqualTo(4099);
    assertThat(type.get("Flen").asInt()).isEqualTo(11);
    assertThat(type.get("Decimal").asInt()).isZero();
    assertThat(type.get("Charset").asText()).isEqualTo("binary");
    assertThat(type.get("Collate").asText()).isEqualTo("binary");
    final JsonNode name = table.get("cols").get(1).get("type");
    assertThat(name.get("Tp").asInt()).isEqualTo(15);
    assertThat(name.get("Flag").asInt()).isZero();
    assertThat(name.get("Flen").asInt()).isEqualTo(20);
    assertThat(name.get("Collate").asText()).isEqualTo("utf8mb4_bin");

    // The history JSON reads back into the same model.
    assertThat(TableInfoJson.parseJob(TableInfoJson.toJson(job))).isEqualTo(job);
  }

  @Test
  void shouldModelTheThreePrimaryKeyKinds() {
    run(new CreateDatabase("d"));
    final TableInfo intPk =
        catalog.commit(catalog.plan(new CreateTable("d", orders())), 1).binlog().tableInfo();
    assertThat(intPk.pkIsHandle()).isTrue();
    assertThat(intPk.indexInfo()).isEmpty();
    assertThat(intPk.handleColumn().orElseThrow().name().o()).isEqualTo("id");

    final TableSpec clustered =
        TableSpec.builder("c")
            .column(ColumnSpec.varchar("k", 10))
            .column(ColumnSpec.integer("n"))
            .column(ColumnSpec.varchar("v", 10))
            .clusteredPrimaryKey("k", "n")
            .uniqueKey("uv", "v")
            .build();
    final TableInfo common = run(new CreateTable("d", clustered)).binlog().tableInfo();
    assertThat(common.isCommonHandle()).isTrue();
    assertThat(common.pkIsHandle()).isFalse();
    assertThat(common.commonHandleVersion()).isEqualTo(1);
    assertThat(common.maxIdxId()).isEqualTo(2);
    final IndexInfo pk = common.primaryIndex().orElseThrow();
    assertThat(pk.id()).isEqualTo(1);
    assertThat(pk.idxName().o()).isEqualTo("PRIMARY");
    assertThat(pk.isUnique()).isTrue();
    assertThat(pk.idxCols()).extracting(c -> c.offset()).containsExactly(0, 1);
    assertThat(common.commonHandleColumns())
        .extracting(c -> c.name().o())
        .containsExactly("k", "n");
    assertThat(common.cols().get(0).type().flag())
        .isEqualTo(MysqlFlag.NOT_NULL | MysqlFlag.PRI_KEY | MysqlFlag.NO_DEFAULT_VALUE);
    assertThat(common.cols().get(2).type().flag()).isEqualTo(MysqlFlag.UNIQUE_KEY);
    final IndexInfo uv = common.indexInfo().get(1);
    assertThat(uv.id()).isEqualTo(2);
    assertThat(uv.isUnique()).isTrue();
    assertThat(uv.isPrimary()).isFalse();
    assertThat(run(new CreateTable("d", clustered.withName("c2"))).query())
        .contains("PRIMARY KEY (`k`,`n`) /*T![clustered_index] CLUSTERED */");

    final TableSpec noPk =
        TableSpec.builder("h")
            .column(ColumnSpec.integer("a"))
            .column(ColumnSpec.integer("b"))
            .index("ab", "a", "b")
            .build();
    final TableInfo hidden = run(new CreateTable("d", noPk)).binlog().tableInfo();
    assertThat(hidden.hasHiddenRowId()).isTrue();
    assertThat(hidden.cols()).hasSize(2);
    assertThat(hidden.cols().get(0).type().flag()).isEqualTo(MysqlFlag.MULTIPLE_KEY);

    // A composite key is non-clustered by default (tidb_enable_clustered_index=INT_ONLY).
    final TableSpec composite =
        TableSpec.builder("nc")
            .column(ColumnSpec.integer("a"))
            .column(ColumnSpec.integer("b"))
            .primaryKey("a", "b")
            .build();
    final TableInfo nc = run(new CreateTable("d", composite)).binlog().tableInfo();
    assertThat(nc.hasHiddenRowId()).isTrue();
    assertThat(nc.primaryIndex()).isPresent();
  }

  @Test
  void shouldTruncateToANewTableIdWithJobKeepingTheOldOne() {
    run(new CreateDatabase("d"));
    final long oldId = run(new CreateTable("d", orders())).tableId();
    final Job job = run(new TruncateTable("d", "orders"));
    assertThat(job.type()).isEqualTo(ActionType.TRUNCATE_TABLE);
    assertThat(job.tableId()).isEqualTo(oldId);
    final long newId = job.binlog().tableInfo().id();
    assertThat(newId).isGreaterThan(oldId);
    assertThat(catalog.tableById(oldId)).isEmpty();
    assertThat(catalog.table("d", "orders").orElseThrow().id()).isEqualTo(newId);
    assertThat(catalog.table("d", "orders").orElseThrow().cols()).hasSize(3);
  }

  @Test
  void shouldRenameIntoAnotherDatabaseKeepingTheTableId() {
    run(new CreateDatabase("a"));
    final long dbB = run(new CreateDatabase("b")).schemaId();
    final long tableId = run(new CreateTable("a", orders())).tableId();
    final Job job = run(new RenameTable("a", "orders", "b", "orders2"));
    assertThat(job.type()).isEqualTo(ActionType.RENAME_TABLE);
    assertThat(job.schemaId()).isEqualTo(dbB);
    assertThat(job.schemaName()).isEqualTo("b");
    assertThat(job.tableName()).isEqualTo("orders");
    assertThat(job.tableId()).isEqualTo(tableId);
    assertThat(job.binlog().tableInfo().name().o()).isEqualTo("orders2");
    assertThat(job.query()).isEqualTo("RENAME TABLE `a`.`orders` TO `b`.`orders2`");
    assertThat(catalog.table("a", "orders")).isEmpty();
    assertThat(catalog.table("b", "ORDERS2").orElseThrow().id()).isEqualTo(tableId);
    assertThat(catalog.snapshot().databaseOfTable(tableId).orElseThrow().id()).isEqualTo(dbB);
  }

  @Test
  void shouldAddColumnsWithOriginDefaultsSoOlderRowsDecode() {
    run(new CreateDatabase("d"));
    run(new CreateTable("d", orders()));
    final Job withDefault =
        run(new AddColumn("d", "orders", ColumnSpec.varchar("note", 10).defaultValue("none")));
    ColumnInfo c = withDefault.binlog().tableInfo().cols().get(3);
    assertThat(c.id()).isEqualTo(4);
    assertThat(c.offset()).isEqualTo(3);
    assertThat(c.originDefault().asText()).isEqualTo("none");
    assertThat(c.defaultValue().asText()).isEqualTo("none");
    assertThat(withDefault.binlog().tableInfo().maxColId()).isEqualTo(4);

    // NOT NULL without default: the type's zero value; no NO_DEFAULT loss for new inserts.
    c =
        run(new AddColumn("d", "orders", ColumnSpec.integer("qty").notNull()))
            .binlog()
            .tableInfo()
            .cols()
            .get(4);
    assertThat(c.originDefault().asText()).isEqualTo("0");
    assertThat(c.defaultValue()).isNull();
    assertThat(c.type().flag()).isEqualTo(MysqlFlag.NOT_NULL | MysqlFlag.NO_DEFAULT_VALUE);

    c =
        run(new AddColumn("d", "orders", ColumnSpec.enumOf("st", "new", "old").notNull()))
            .binlog()
            .tableInfo()
            .cols()
            .get(5);
    assertThat(c.originDefault().asText()).isEqualTo("new");

    c =
        run(new AddColumn("d", "orders", ColumnSpec.datetime("at", 3).defaultCurrentTimestamp()))
            .binlog()
            .tableInfo()
            .cols()
            .get(6);
    assertThat(c.defaultValue().asText()).isEqualTo("CURRENT_TIMESTAMP");
    assertThat(c.originDefault().asText()).isEqualTo("2024-05-06 07:08:09.123");

    c =
        run(new AddColumn("d", "orders", ColumnSpec.bit("b", 16).defaultValue("258")))
            .binlog()
            .tableInfo()
            .cols()
            .get(7);
    assertThat(c.defaultBit()).isEqualTo("AQI=");
    assertThat(c.originDefaultBit()).isEqualTo("AQI=");

    // Nullable, no default: rows written before read NULL.
    c =
        run(new AddColumn("d", "orders", ColumnSpec.integer("opt")))
            .binlog()
            .tableInfo()
            .cols()
            .get(8);
    assertThat(c.originDefault()).isNull();
    assertThat(c.id()).isEqualTo(9);
  }

  @Test
  void shouldDropColumnWithADeleteOnlyBinlogFirst() {
    run(new CreateDatabase("d"));
    final TableSpec spec =
        TableSpec.builder("t")
            .column(ColumnSpec.integer("id").notNull())
            .column(ColumnSpec.integer("a"))
            .column(ColumnSpec.integer("b"))
            .column(ColumnSpec.integer("c"))
            .primaryKey("id")
            .index("ib", "b")
            .index("ic", "c")
            .build();
    run(new CreateTable("d", spec));
    final DdlPlan plan = catalog.plan(new DropColumn("d", "t", "b"));
    assertThat(plan.binlogSchemaStates())
        .containsExactly(SchemaState.DELETE_ONLY, SchemaState.NONE);
    assertThat(plan.finalSchemaState()).isEqualTo(SchemaState.NONE);
    final Job job = catalog.commit(plan, 5000, 5001);
    assertThat(job.type()).isEqualTo(ActionType.DROP_COLUMN);
    assertThat(job.schemaState()).isEqualTo(SchemaState.NONE);
    final TableInfo t = job.binlog().tableInfo();
    assertThat(t.cols()).extracting(c -> c.name().o()).containsExactly("id", "a", "c");
    assertThat(t.cols()).extracting(ColumnInfo::id).containsExactly(1L, 2L, 4L);
    assertThat(t.cols()).extracting(ColumnInfo::offset).containsExactly(0, 1, 2);
    assertThat(t.maxColId()).isEqualTo(4);
    // The single-column index on b went with it; ic's column offset moved from 3 to 2.
    assertThat(t.indexInfo()).extracting(i -> i.idxName().o()).containsExactly("ic");
    assertThat(t.indexInfo().get(0).idxCols().get(0).offset()).isEqualTo(2);
    // Adding a column later never reuses a dropped id.
    assertThat(
            run(new AddColumn("d", "t", ColumnSpec.integer("b")))
                .binlog()
                .tableInfo()
                .cols()
                .get(3)
                .id())
        .isEqualTo(5);

    assertThatThrownBy(() -> catalog.plan(new DropColumn("d", "t", "id")))
        .isInstanceOf(DdlException.class)
        .hasMessageContaining("Primary Key covered");
  }

  @Test
  void shouldModifyColumnsInPlaceOnlyWhenNoReorganisationIsNeeded() {
    run(new CreateDatabase("d"));
    run(new CreateTable("d", orders()));
    final Job job =
        run(new ModifyColumn("d", "orders", ColumnSpec.varchar("name", 40).defaultValue("")));
    assertThat(job.type()).isEqualTo(ActionType.MODIFY_COLUMN);
    assertThat(job.query())
        .isEqualTo("ALTER TABLE `d`.`orders` MODIFY COLUMN `name` VARCHAR(40)" + " DEFAULT ''");
    final ColumnInfo name = job.binlog().tableInfo().cols().get(1);
    assertThat(name.id()).isEqualTo(2);
    assertThat(name.offset()).isEqualTo(1);
    assertThat(name.type().flen()).isEqualTo(40);
    assertThat(name.type().isNotNull()).isFalse();
    assertThat(name.defaultValue().asText()).isEmpty();
    // ENUM elements may be appended.
    run(new AddColumn("d", "orders", ColumnSpec.enumOf("st", "a", "b")));
    final Job enums = run(new ModifyColumn("d", "orders", ColumnSpec.enumOf("st", "a", "b", "c")));
    assertThat(enums.binlog().tableInfo().cols().get(3).type().elems())
        .containsExactly("a", "b", "c");
  }

  @Test
  void shouldRejectNarrowingAndNullToNotNull() {
    run(new CreateDatabase("d"));
    run(new CreateTable("d", orders()));
    assertThatThrownBy(
            () -> catalog.plan(new ModifyColumn("d", "orders", ColumnSpec.varchar("name", 10))))
        .isInstanceOf(DdlException.class)
        .hasMessageContaining("shortening");
    assertThatThrownBy(
            () ->
                catalog.plan(new ModifyColumn("d", "orders", ColumnSpec.smallint("id").notNull())))
        .hasMessageContaining("narrowing");
    assertThatThrownBy(
            () -> catalog.plan(new ModifyColumn("d", "orders", ColumnSpec.decimal("price", 12, 2))))
        .hasMessageContaining("precision");
    assertThatThrownBy(
            () ->
                catalog.plan(
                    new ModifyColumn("d", "orders", ColumnSpec.varchar("name", 20).notNull())))
        .hasMessageContaining("NULL to NOT NULL");
    // INT -> BIGINT on the handle column is fine.
    final Job wider = run(new ModifyColumn("d", "orders", ColumnSpec.bigint("id").notNull()));
    final ColumnInfo id = wider.binlog().tableInfo().cols().get(0);
    assertThat(id.type().flag())
        .isEqualTo(MysqlFlag.NOT_NULL | MysqlFlag.PRI_KEY | MysqlFlag.NO_DEFAULT_VALUE);
  }

  @Test
  void shouldRejectInvalidDdlWithoutChangingAnything() {
    run(new CreateDatabase("d"));
    run(new CreateTable("d", orders()));
    final long version = catalog.schemaVersion();
    final long lastId = catalog.lastGlobalId();

    assertCode(() -> catalog.plan(new CreateDatabase("D")), DdlException.DATABASE_EXISTS);
    assertCode(() -> catalog.plan(new CreateTable("x", orders())), DdlException.UNKNOWN_DATABASE);
    assertCode(() -> catalog.plan(new CreateTable("d", orders())), DdlException.TABLE_EXISTS);
    assertCode(() -> catalog.plan(new TruncateTable("d", "nope")), DdlException.NO_SUCH_TABLE);
    assertCode(() -> catalog.plan(new DropTable("d", "nope")), 1051);
    assertCode(() -> catalog.plan(new DropDatabase("nope")), 1008);
    assertCode(
        () -> catalog.plan(new AddColumn("d", "orders", ColumnSpec.integer("NAME"))),
        DdlException.DUPLICATE_COLUMN);
    assertCode(
        () -> catalog.plan(new RenameTable("d", "orders", "d", "orders")),
        DdlException.TABLE_EXISTS);
    assertCode(
        () ->
            catalog.plan(
                new CreateTable(
                    "d",
                    TableSpec.builder("bad")
                        .column(ColumnSpec.integer("a").autoIncrement())
                        .build())),
        DdlException.WRONG_AUTO_KEY);
    assertCode(
        () ->
            catalog.plan(
                new CreateTable(
                    "d",
                    TableSpec.builder("bad")
                        .column(ColumnSpec.integer("a"))
                        .column(ColumnSpec.integer("b"))
                        .primaryKey("a")
                        .hashPartitions("b", 4)
                        .build())),
        DdlException.UNIQUE_KEY_NEEDS_ALL_PARTITION_FIELDS);

    assertThat(catalog.schemaVersion()).isEqualTo(version);
    assertThat(catalog.lastGlobalId()).isEqualTo(lastId);
    assertThat(catalog.historyJobs()).hasSize(2);
  }

  @Test
  void shouldDropTablesAndDatabasesWithStateNone() {
    run(new CreateDatabase("d"));
    final long tableId = run(new CreateTable("d", orders())).tableId();
    final Job drop = run(new DropTable("d", "orders"));
    assertThat(drop.tableId()).isEqualTo(tableId);
    assertThat(drop.schemaState()).isEqualTo(SchemaState.NONE);
    assertThat(catalog.table("d", "orders")).isEmpty();
    run(new CreateTable("d", orders()));
    final Job dropDb = run(new DropDatabase("d"));
    assertThat(dropDb.type()).isEqualTo(ActionType.DROP_SCHEMA);
    assertThat(dropDb.binlog().dbInfo().state()).isEqualTo(SchemaState.NONE);
    assertThat(catalog.databases()).isEmpty();
    assertThat(catalog.tables("d")).isEmpty();
  }

  @Test
  void shouldRefuseAStalePlanAndKeepAbortedIdsUsed() {
    run(new CreateDatabase("d"));
    final DdlPlan first = catalog.plan(new CreateTable("d", orders()));
    final DdlPlan second = catalog.plan(new CreateDatabase("e"));
    assertThat(second.jobId()).isGreaterThan(first.jobId());
    catalog.abort(second);
    catalog.commit(first, 10);
    assertThatThrownBy(() -> catalog.commit(second, 11))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("plan the DDL again");
    final DdlPlan again = catalog.plan(new AddColumn("d", "orders", ColumnSpec.integer("x")));
    assertThat(again.jobId()).isGreaterThan(second.jobId());
  }

  @Test
  void shouldKeepTheExactCreateTableText() {
    run(new CreateDatabase("d"));
    final String sql =
        "create table orders (id int primary key, name varchar(20), price decimal(10,2))";
    final Job job = run(new CreateTable("d", orders(), sql));
    assertThat(job.query()).isEqualTo(sql);
  }

  private static void assertCode(final Runnable r, final int code) {
    assertThatThrownBy(r::run)
        .isInstanceOfSatisfying(
            DdlException.class, e -> assertThat(e.mysqlErrorCode()).isEqualTo(code));
  }
}
