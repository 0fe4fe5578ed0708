package io.kafkabinlog.tidbsim.verify;

import static io.kafkabinlog.tidbsim.TableFixtures.PK;
import static io.kafkabinlog.tidbsim.TableFixtures.createSchema;
import static io.kafkabinlog.tidbsim.TableFixtures.table;
import static io.kafkabinlog.tidbsim.TableFixtures.tableJob;
import static io.kafkabinlog.tidbsim.TableFixtures.text;
import static io.kafkabinlog.tidbsim.TableFixtures.type;
import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.schemas.tableinfo.ActionType;
import io.kafkabinlog.schemas.tableinfo.MysqlType;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.expected.ExpectedState;
import io.kafkabinlog.tidbsim.expected.ExpectedTable;
import io.kafkabinlog.tidbsim.expected.LogEntry;
import io.kafkabinlog.tidbsim.expected.PayloadRowGenerator;
import io.kafkabinlog.tidbsim.mutation.RowChange;
import io.kafkabinlog.tidbsim.mutation.SimRow;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The comparison algorithm against downstream rows held in memory. */
class TableComparisonTest {

  private static ExpectedTable expected(final TableInfo info, final List<SimRow> rows) {
    ExpectedState state = new ExpectedState(new PayloadRowGenerator());
    state.apply(new LogEntry.Ddl(1, createSchema(1, 2, "db")));
    state.apply(new LogEntry.Ddl(2, tableJob(2, ActionType.CREATE_TABLE, 2, info)));
    List<RowChange> inserts = new ArrayList<>();
    rows.forEach(r -> inserts.add(new RowChange.Insert(info.id(), r)));
    state.apply(new LogEntry.Dml(3, inserts));
    return state.table(info.id()).orElseThrow();
  }

  private static TableReport compare(
      final ExpectedTable t, final List<String[]> downstream, final int maxDiffs)
      throws SQLException {
    TableComparison c = new TableComparison(t, t.tableInfo().cols(), maxDiffs);
    return c.compare(sink -> downstream.forEach(sink), List.of());
  }

  private static final TableInfo KEYED =
      table(10, "t")
          .col("id", type(MysqlType.LONG, PK, 11, 0))
          .col("v", text(MysqlType.VARCHAR, 0, 10))
          .pkIsHandle()
          .build();

  private static SimRow keyed(final long id, final String v) {
    return SimRow.of(v == null ? Map.of(1L, id) : Map.of(1L, id, 2L, v));
  }

  @Test
  void shouldMatchTheSameRowsInAnyOrder() throws SQLException {
    ExpectedTable t = expected(KEYED, List.of(keyed(1, "a"), keyed(2, null)));

    TableReport r = compare(t, List.of(new String[] {"2", null}, new String[] {"1", "a"}), 10);

    assertThat(r.ok()).isTrue();
    assertThat(r.expectedRows()).isEqualTo(2);
    assertThat(r.actualRows()).isEqualTo(2);
    assertThat(r.expectedChecksum()).isEqualTo(r.actualChecksum()).hasSize(16);
    assertThat(r.summaryLine())
        .isEqualTo(
            "db.t expected 2 rows / actual 2 rows, checksum "
                + r.expectedChecksum()
                + " / "
                + r.actualChecksum()
                + ", OK");
  }

  @Test
  void shouldNameMissingUnexpectedAndChangedRowsByKey() throws SQLException {
    ExpectedTable t = expected(KEYED, List.of(keyed(1, "a"), keyed(2, "b"), keyed(3, "c")));

    TableReport r =
        compare(
            t,
            List.of(new String[] {"1", "a"}, new String[] {"2", "B"}, new String[] {"4", null}),
            10);

    assertThat(r.ok()).isFalse();
    assertThat(r.missingRows()).isEqualTo(1);
    assertThat(r.unexpectedRows()).isEqualTo(1);
    assertThat(r.changedRows()).isEqualTo(1);
    assertThat(r.expectedChecksum()).isNotEqualTo(r.actualChecksum());
    assertThat(r.sampleDiffs())
        .extracting(RowDiff::describe)
        .containsExactlyInAnyOrder(
            "changed    (id='2'): v 'b' -> 'B'",
            "unexpected (id='4'): {id='4', v=NULL}",
            "missing    (id='3'): {id='3', v='c'}");
    assertThat(r.summaryLine()).endsWith("DIFF");
    assertThat(r.detailLines().get(0)).isEqualTo("  rows missing 1, unexpected 1, changed 1");
  }

  @Test
  void shouldCountDuplicateRowsOfAKeylessTable() throws SQLException {
    TableInfo keyless =
        table(20, "k")
            .col("a", type(MysqlType.LONG, 0, 11, 0))
            .col("b", text(MysqlType.VARCHAR, 0, 10))
            .build();
    SimRow x = SimRow.withRowId(Map.of(1L, 1L, 2L, "x"), 1);
    ExpectedTable t = expected(keyless, List.of(x, x.withRowId(2), x.withRowId(3)));

    TableReport r = compare(t, List.of(new String[] {"1", "x"}, new String[] {"1", "x"}), 10);

    assertThat(r.missingRows()).isEqualTo(1);
    assertThat(r.sampleDiffs())
        .extracting(RowDiff::describe)
        .containsExactly("missing    (row): {a='1', b='x'}");
  }

  @Test
  void shouldCountEveryDifferenceButShowOnlyTheFirstFew() throws SQLException {
    List<SimRow> rows = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      rows.add(keyed(i, "v" + i));
    }
    ExpectedTable t = expected(KEYED, rows);

    TableReport r = compare(t, List.of(), 3);

    assertThat(r.missingRows()).isEqualTo(50);
    assertThat(r.actualRows()).isZero();
    assertThat(r.sampleDiffs()).hasSize(3);
    assertThat(r.detailLines().get(0))
        .isEqualTo("  rows missing 50, unexpected 0, changed 0 (first 3 shown)");
  }
}
