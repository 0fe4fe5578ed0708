package io.kafkabinlog.tidbsim.expected;

import static io.kafkabinlog.tidbsim.TableFixtures.PK;
import static io.kafkabinlog.tidbsim.TableFixtures.createSchema;
import static io.kafkabinlog.tidbsim.TableFixtures.dropSchema;
import static io.kafkabinlog.tidbsim.TableFixtures.dropTable;
import static io.kafkabinlog.tidbsim.TableFixtures.table;
import static io.kafkabinlog.tidbsim.TableFixtures.tableJob;
import static io.kafkabinlog.tidbsim.TableFixtures.text;
import static io.kafkabinlog.tidbsim.TableFixtures.truncate;
import static io.kafkabinlog.tidbsim.TableFixtures.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.schemas.codec.MysqlTime;
import io.kafkabinlog.schemas.tableinfo.ActionType;
import io.kafkabinlog.schemas.tableinfo.ColumnInfo;
import io.kafkabinlog.schemas.tableinfo.Job;
import io.kafkabinlog.schemas.tableinfo.JobState;
import io.kafkabinlog.schemas.tableinfo.MysqlFlag;
import io.kafkabinlog.schemas.tableinfo.MysqlType;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.mutation.RowChange;
import io.kafkabinlog.tidbsim.mutation.SimRow;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpectedStateTest {
  private final ExpectedState state = new ExpectedState(new PayloadRowGenerator());
  private long ts = 100;

  private static final TableInfo ITEMS =
      table(10, "items")
          .col("id", type(MysqlType.LONG, PK, 11, 0))
          .col("name", text(MysqlType.VARCHAR, 0, 20))
          .pkIsHandle()
          .build();

  private static SimRow item(final long id, final String name) {
    Map<Long, Object> v = new LinkedHashMap<>();
    v.put(1L, id);
    v.put(2L, name);
    return SimRow.of(v);
  }

  private void ddl(final Job job) {
    state.apply(new LogEntry.Ddl(ts++, job));
  }

  private void dml(final RowChange... changes) {
    state.apply(new LogEntry.Dml(ts++, List.of(changes)));
  }

  private static List<SimRow> rows(final ExpectedTable t) {
    List<SimRow> out = new ArrayList<>();
    t.forEachRow(out::add);
    return out;
  }

  private void createItems() {
    ddl(createSchema(1, 2, "shop"));
    ddl(tableJob(2, ActionType.CREATE_TABLE, 2, ITEMS));
    dml(new RowChange.Insert(10, item(1, "a")), new RowChange.Insert(10, item(2, "b")));
  }

  @Test
  void shouldGiveExistingRowsTheOriginDefaultOfAnAddedColumn() {
    createItems();
    TableInfo withQty =
        table(10, "items")
            .col("id", type(MysqlType.LONG, PK, 11, 0))
            .col("name", text(MysqlType.VARCHAR, 0, 20))
            .col("qty", type(MysqlType.NEWDECIMAL, MysqlFlag.NOT_NULL, 10, 2), "1.5")
            .col("note", text(MysqlType.VARCHAR, 0, 20))
            .col("born", type(MysqlType.DATETIME, MysqlFlag.NOT_NULL, 19, 0))
            .pkIsHandle()
            .build();
    ddl(tableJob(3, ActionType.ADD_COLUMN, 2, withQty));
    dml(new RowChange.Insert(10, item(3, "c").with(3L, new BigDecimal("2.00")).with(4L, "n")));

    ExpectedTable t = state.table("shop", "items").orElseThrow();
    assertThat(t.tableInfo()).isEqualTo(withQty);
    assertThat(rows(t))
        .containsExactly(
            item(1, "a").with(3L, new BigDecimal("1.50")).with(4L, null).with(5L, MysqlTime.ZERO),
            item(2, "b").with(3L, new BigDecimal("1.50")).with(4L, null).with(5L, MysqlTime.ZERO),
            item(3, "c").with(3L, new BigDecimal("2.00")).with(4L, "n"));
  }

  @Test
  void shouldDropAColumnAndCarryAModifiedColumnThatGotANewId() {
    createItems();
    // MODIFY COLUMN name VARCHAR(40) rewrote the column as id 3; then DROP COLUMN of nothing else
    ColumnInfo renamedId = ColumnInfo.of(3, "name", 1, text(MysqlType.VARCHAR, 0, 40));
    TableInfo modified =
        table(10, "items")
            .col("id", type(MysqlType.LONG, PK, 11, 0))
            .column(renamedId)
            .pkIsHandle()
            .build();
    ddl(tableJob(3, ActionType.MODIFY_COLUMN, 2, modified));
    assertThat(rows(state.table(10).orElseThrow()))
        .containsExactly(SimRow.of(Map.of(1L, 1L, 3L, "a")), SimRow.of(Map.of(1L, 2L, 3L, "b")));

    TableInfo dropped =
        table(10, "items").col("id", type(MysqlType.LONG, PK, 11, 0)).pkIsHandle().build();
    ddl(tableJob(4, ActionType.DROP_COLUMN, 2, dropped));
    assertThat(rows(state.table(10).orElseThrow()))
        .containsExactly(SimRow.of(Map.of(1L, 1L)), SimRow.of(Map.of(1L, 2L)));
  }

  @Test
  void shouldEmptyATruncatedTableUnderItsNewId() {
    createItems();
    TableInfo fresh =
        table(11, "items")
            .col("id", type(MysqlType.LONG, PK, 11, 0))
            .col("name", text(MysqlType.VARCHAR, 0, 20))
            .pkIsHandle()
            .build();
    ddl(truncate(3, 2, 10, fresh));

    assertThat(state.table(10)).isEmpty();
    assertThat(state.table("shop", "items").orElseThrow().tableId()).isEqualTo(11);
    assertThat(state.table(11).orElseThrow().rowCount()).isZero();
    assertThatThrownBy(() -> dml(new RowChange.Insert(10, item(9, "late"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("table id 10")
        .hasMessageContaining("not live");
    dml(new RowChange.Insert(11, item(9, "new")));
    assertThat(rows(state.table(11).orElseThrow())).containsExactly(item(9, "new"));
  }

  @Test
  void shouldMoveARenamedTableWithItsRows() {
    createItems();
    ddl(createSchema(3, 5, "archive"));
    TableInfo renamed =
        table(10, "old_items")
            .col("id", type(MysqlType.LONG, PK, 11, 0))
            .col("name", text(MysqlType.VARCHAR, 0, 20))
            .pkIsHandle()
            .build();
    ddl(tableJob(4, ActionType.RENAME_TABLE, 5, renamed));

    assertThat(state.table("shop", "items")).isEmpty();
    ExpectedTable t = state.table("archive", "old_items").orElseThrow();
    assertThat(t.schemaId()).isEqualTo(5);
    assertThat(rows(t)).containsExactly(item(1, "a"), item(2, "b"));
  }

  @Test
  void shouldForgetTheTablesOfADroppedDatabaseAndRememberItsName() {
    createItems();
    ddl(createSchema(3, 5, "other"));
    ddl(dropSchema(4, 2));

    assertThat(state.tables()).isEmpty();
    assertThat(state.databases()).containsExactly("other");
    assertThat(state.droppedDatabases()).containsExactly("shop");

    ddl(createSchema(5, 6, "shop"));
    assertThat(state.droppedDatabases()).isEmpty();
  }

  @Test
  void shouldDropATableAndIgnoreARolledBackJob() {
    createItems();
    Job drop = dropTable(3, 2, 10);
    ddl(
        new Job(
            drop.id(),
            drop.type(),
            drop.schemaId(),
            drop.tableId(),
            null,
            null,
            JobState.ROLLBACK_DONE,
            null,
            0,
            0,
            null,
            0,
            0,
            0,
            0,
            0,
            "drop",
            drop.binlog(),
            1,
            0,
            0,
            null,
            null,
            0));
    assertThat(state.table(10)).isPresent();
    ddl(drop);
    assertThat(state.table(10)).isEmpty();
  }

  @Test
  void shouldFollowUpdatesThatMoveARowAndRejectAnInconsistentLog() {
    createItems();
    dml(new RowChange.Update(10, item(1, "a"), item(5, "a")));
    dml(new RowChange.Delete(10, item(2, "b")));
    assertThat(rows(state.table(10).orElseThrow())).containsExactly(item(5, "a"));

    assertThatThrownBy(() -> dml(new RowChange.Delete(10, item(2, "b"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("delete of a missing row");
    assertThatThrownBy(() -> dml(new RowChange.Insert(10, item(5, "dup"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("insert of an existing row");
  }

  @Test
  void shouldKeyRowsWithoutPrimaryKeyByTheirRowIdSoDuplicatesStaySeparate() {
    ddl(createSchema(1, 2, "shop"));
    TableInfo log =
        table(30, "log")
            .col("a", type(MysqlType.LONG, 0, 11, 0))
            .col("b", text(MysqlType.VARCHAR, 0, 20))
            .build();
    ddl(tableJob(2, ActionType.CREATE_TABLE, 2, log));
    SimRow one = SimRow.withRowId(Map.of(1L, 1L, 2L, "x"), 1);
    SimRow two = SimRow.withRowId(Map.of(1L, 1L, 2L, "x"), 2);
    dml(new RowChange.Insert(30, one), new RowChange.Insert(30, two));
    dml(new RowChange.Delete(30, one));

    assertThat(rows(state.table(30).orElseThrow())).containsExactly(two);
  }

  @Test
  void shouldStreamGeneratedRowsWithLaterChangesOverlaid() {
    ddl(createSchema(1, 2, "shop"));
    TableInfo big = PayloadRowGenerator.tableInfo(40, "big");
    ddl(tableJob(2, ActionType.CREATE_TABLE, 2, big));
    state.apply(new LogEntry.GeneratedRows(ts++, 40, 7, 1, 5, 16));
    PayloadRowGenerator gen = new PayloadRowGenerator();
    dml(
        new RowChange.Delete(40, gen.row(7, 2, 16)),
        new RowChange.Update(40, gen.row(7, 3, 16), gen.row(7, 3, 16).with(2L, new byte[] {1})));

    ExpectedTable t = state.table(40).orElseThrow();
    assertThat(t.rowCount()).isEqualTo(4);
    assertThat(rows(t))
        .containsExactly(
            gen.row(7, 1, 16),
            gen.row(7, 4, 16),
            gen.row(7, 5, 16),
            gen.row(7, 3, 16).with(2L, new byte[] {1}));
    assertThat(t.row(gen.row(7, 5, 16))).contains(gen.row(7, 5, 16));
    assertThat(t.row(gen.row(7, 2, 16))).isEmpty();
    assertThat(gen.row(7, 1, 16)).isEqualTo(gen.row(7, 1, 16)).isNotEqualTo(gen.row(8, 1, 16));
    assertThatThrownBy(() -> dml(new RowChange.Insert(40, gen.row(9, 4, 1))))
        .isInstanceOf(IllegalStateException.class);
  }
}
