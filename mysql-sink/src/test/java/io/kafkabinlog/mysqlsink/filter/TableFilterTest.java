package io.kafkabinlog.mysqlsink.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.mysqlsink.model.RowChange;
import io.kafkabinlog.mysqlsink.model.RowChange.ChangeType;
import io.kafkabinlog.mysqlsink.model.SinkTxn;
import io.kafkabinlog.mysqlsink.model.SinkTxn.SinkDdl;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TableFilterTest {

  private static TableFilter filter(
      final List<TableName> ignoreTables,
      final List<String> doDbs,
      final List<TableName> doTables) {
    return new TableFilter(
        TableFilter.splitSchemas(TableFilter.DEFAULT_IGNORE_SCHEMAS),
        ignoreTables,
        doDbs,
        doTables);
  }

  private static RowChange insert(final String db, final String table) {
    return new RowChange(db, table, ChangeType.INSERT, null, Map.of("id", 1L));
  }

  @Test
  void defaultsIgnoreSystemSchemasCaseInsensitively() {
    final TableFilter f = TableFilter.defaults();
    assertThat(f.keepsTable("mysql", "user")).isFalse();
    assertThat(f.keepsTable("MySQL", "user")).isFalse();
    assertThat(f.keepsTable("information_schema", "tables")).isFalse();
    assertThat(f.keepsTable("performance_schema", "x")).isFalse();
    assertThat(f.keepsDatabase("MYSQL")).isFalse();
    assertThat(f.keepsTable("test", "t1")).isTrue();
    assertThat(f.keepsTable("mysqlx", "t")).as("plain names match whole names").isTrue();
    assertThat(f.keepsDatabase("test")).isTrue();
  }

  @Test
  void splitSchemasTrimsAndDropsEmptyEntries() {
    assertThat(TableFilter.splitSchemas(" a, b ,,c,")).containsExactly("a", "b", "c");
    assertThat(TableFilter.splitSchemas("")).isEmpty();
  }

  @Test
  void doDbAndDoTableAreAUnion() {
    final TableFilter f =
        filter(List.of(), List.of("app"), List.of(new TableName("shop", "orders")));
    assertThat(f.keepsTable("app", "anything")).isTrue();
    assertThat(f.keepsTable("shop", "orders")).isTrue();
    assertThat(f.keepsTable("SHOP", "Orders")).isTrue();
    assertThat(f.keepsTable("shop", "customers")).isFalse();
    assertThat(f.keepsTable("other", "orders")).isFalse();
  }

  @Test
  void blackListWinsOverWhiteList() {
    final TableFilter f =
        filter(
            List.of(new TableName("app", "audit")),
            List.of("app", "mysql"),
            List.of(new TableName("shop", "orders")));
    assertThat(f.keepsTable("app", "users")).isTrue();
    assertThat(f.keepsTable("app", "audit")).as("ignore-table beats do-db").isFalse();
    assertThat(f.keepsTable("mysql", "user")).as("ignore-schemas beats do-db").isFalse();
  }

  @Test
  void ignoreTableAloneDropsOnlyThatTable() {
    final TableFilter f = filter(List.of(new TableName("test", "tmp")), List.of(), List.of());
    assertThat(f.keepsTable("test", "tmp")).isFalse();
    assertThat(f.keepsTable("test", "t1")).isTrue();
    assertThat(f.keepsDatabase("test"))
        .as("a plain ignore-table pair never matches the empty table name")
        .isTrue();
  }

  @Test
  void databaseDecisionUsesTheEmptyTableNameLikeTheOriginal() {
    final TableFilter onlyTables = filter(List.of(), List.of(), List.of(new TableName("s", "t")));
    assertThat(onlyTables.keepsTable("s", "t")).isTrue();
    assertThat(onlyTables.keepsDatabase("s"))
        .as("original: SkipSchemaAndTable(s, \"\") fails the do-table list")
        .isFalse();

    final TableFilter anyTable = filter(List.of(), List.of(), List.of(new TableName("s", "~.*")));
    assertThat(anyTable.keepsDatabase("s")).isTrue();
    assertThat(anyTable.keepsDatabase("x")).isFalse();

    final TableFilter db = filter(List.of(), List.of("s"), List.of());
    assertThat(db.keepsDatabase("s")).isTrue();
    assertThat(db.keepsDatabase("x")).isFalse();
  }

  @Test
  void tildeNamesAreUnanchoredCaseInsensitiveRegexes() {
    final TableFilter f =
        filter(
            List.of(new TableName("~^app", "~_bak$")), List.of("~^app_[0-9]+$", "~log"), List.of());
    assertThat(f.keepsTable("app_12", "t")).isTrue();
    assertThat(f.keepsTable("APP_7", "t")).isTrue();
    assertThat(f.keepsTable("app_x", "t")).isFalse();
    assertThat(f.keepsTable("weblogs", "t")).as("~log is searched, not anchored").isTrue();
    assertThat(f.keepsTable("app_12", "orders_BAK")).isFalse();
    assertThat(f.keepsTable("app_12", "orders_bak2")).isTrue();
  }

  @Test
  void plainNamesAreLiteralNotRegexes() {
    final TableFilter f = filter(List.of(new TableName("a.b", "t$1")), List.of(), List.of());
    assertThat(f.keepsTable("a.b", "t$1")).isFalse();
    assertThat(f.keepsTable("axb", "t$1")).as("'.' is literal here (a wildcard in Go)").isTrue();
  }

  @Test
  void re2PosixClassesAndNamedGroupsAreTranslated() {
    assertThat(NamePattern.of("~^[[:digit:]]+$").matches("123")).isTrue();
    assertThat(NamePattern.of("~^[[:digit:]]+$").matches("12a")).isFalse();
    assertThat(NamePattern.of("~^[[:^digit:]]+$").matches("abc")).isTrue();
    assertThat(NamePattern.of("~^[[:word:]]+$").matches("a_1")).isTrue();
    assertThat(NamePattern.of("~^(?P<p>db)_[0-9]$").matches("db_1")).isTrue();
    assertThat(NamePattern.of("~^[[:alpha:]]$").matches(":")).isFalse();
  }

  @Test
  void malformedRegexIsAConfigError() {
    assertThatThrownBy(() -> NamePattern.of("~(unclosed"))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining("~(unclosed");
    assertThatThrownBy(() -> NamePattern.of("~[[:nope:]]"))
        .isInstanceOf(FatalBinlogException.class);
  }

  @Test
  void applyKeepsOnlyRowsOfKeptTables() {
    final TableFilter f = filter(List.of(new TableName("test", "tmp")), List.of(), List.of());
    final SinkTxn txn =
        new SinkTxn(
            20,
            10,
            List.of(insert("test", "t1"), insert("test", "tmp"), insert("test", "t2")),
            null);
    final SinkTxn kept = f.apply(txn);
    assertThat(kept.commitTs()).isEqualTo(20);
    assertThat(kept.startTs()).isEqualTo(10);
    assertThat(kept.rows()).extracting(RowChange::table).containsExactly("t1", "t2");
  }

  @Test
  void applyReturnsTheSameTxnWhenNothingIsFiltered() {
    final SinkTxn txn = new SinkTxn(20, 10, List.of(insert("test", "t1")), null);
    assertThat(TableFilter.defaults().apply(txn)).isSameAs(txn);
  }

  @Test
  void fullyFilteredTxnComesBackEmptyWithItsCommitTs() {
    final SinkTxn txn =
        new SinkTxn(30, 25, List.of(insert("mysql", "user"), insert("mysql", "db")), null);
    final SinkTxn kept = TableFilter.defaults().apply(txn);
    assertThat(kept.rows()).isEmpty();
    assertThat(kept.ddl()).isNull();
    assertThat(kept.commitTs()).isEqualTo(30);
  }

  @Test
  void filteredDdlBecomesSchemaOnly() {
    final TableFilter f = filter(List.of(new TableName("test", "tmp")), List.of(), List.of());
    final SinkDdl tableDdl = new SinkDdl("create table tmp (id int)", 7, "test", "tmp", false);
    final SinkTxn filtered = f.apply(new SinkTxn(40, 40, List.of(), tableDdl));
    assertThat(filtered.ddl().schemaOnly()).isTrue();
    assertThat(filtered.ddl().query()).isEqualTo(tableDdl.query());
    assertThat(filtered.ddl().jobId()).isEqualTo(7);

    final SinkDdl dbDdl = new SinkDdl("create database mysql", 8, "mysql", null, false);
    assertThat(f.apply(new SinkTxn(41, 41, List.of(), dbDdl)).ddl().schemaOnly()).isTrue();

    final SinkTxn kept =
        new SinkTxn(42, 42, List.of(), new SinkDdl("create database app", 9, "app", null, false));
    assertThat(f.apply(kept)).isSameAs(kept);
  }
}
