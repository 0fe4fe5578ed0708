package io.kafkabinlog.tidbsim.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.schemas.tableinfo.ColumnInfo;
import io.kafkabinlog.schemas.tableinfo.DBInfo;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.engine.CommittedRows;
import io.kafkabinlog.tidbsim.engine.SimCluster;
import io.kafkabinlog.tidbsim.expected.ExpectedState;
import io.kafkabinlog.tidbsim.expected.ExpectedStateLog;
import io.kafkabinlog.tidbsim.expected.ExpectedTable;
import io.kafkabinlog.tidbsim.mutation.SimRow;
import io.kafkabinlog.tidbsim.verify.CanonicalValues;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Compares table contents by canonical text, whatever Java types hold the values. */
public final class StateAssertions {
  private StateAssertions() {}

  /** One row as text: its hidden row id (if any) and {@code name=canonical} per public column. */
  public static String canonical(final TableInfo table, final SimRow row) {
    final StringBuilder sb = new StringBuilder();
    if (table.hasHiddenRowId()) {
      sb.append("_tidb_rowid=").append(row.rowId());
    }
    for (ColumnInfo c : table.cols()) {
      if (!c.isPublic()) {
        continue;
      }
      sb.append(sb.isEmpty() ? "" : " | ")
          .append(c.name().l())
          .append('=')
          .append(CanonicalValues.ofExpected(row.value(c.id()), c.type()));
    }
    return sb.toString();
  }

  /** The rows of a table as sorted canonical texts. */
  public static List<String> canonical(final TableInfo table, final Iterable<SimRow> rows) {
    final List<String> out = new ArrayList<>();
    rows.forEach(r -> out.add(canonical(table, r)));
    out.sort(null);
    return out;
  }

  /** Every live table of the sim's catalog ({@code db.table}) with its committed rows. */
  public static Map<String, List<String>> storage(final SimCluster sim) {
    final Map<String, List<String>> out = new TreeMap<>();
    for (DBInfo db : sim.catalog().databases()) {
      for (TableInfo t : sim.catalog().tables(db.dbName().o())) {
        out.put(db.dbName().o() + "." + t.name().o(), canonical(t, CommittedRows.of(sim, t.id())));
      }
    }
    return out;
  }

  /** Every live table of the expected state ({@code db.table}) with its rows. */
  public static Map<String, List<String>> expected(final ExpectedState state) {
    final Map<String, List<String>> out = new TreeMap<>();
    for (ExpectedTable t : state.tables()) {
      final List<SimRow> rows = new ArrayList<>();
      t.forEachRow(rows::add);
      out.put(t.database() + "." + t.name(), canonical(t.tableInfo(), rows));
    }
    return out;
  }

  /** The expected state replayed from {@code dir} holds exactly the sim's committed rows. */
  public static void assertExpectedStateMatchesStorage(final Path dir, final SimCluster sim) {
    final Map<String, List<String>> expected = expected(ExpectedStateLog.replay(dir));
    final Map<String, List<String>> storage = storage(sim);
    assertThat(expected.keySet()).as("live tables").isEqualTo(storage.keySet());
    for (Map.Entry<String, List<String>> e : storage.entrySet()) {
      assertThat(expected.get(e.getKey()))
          .as("rows of %s", e.getKey())
          .containsExactlyElementsOf(e.getValue());
    }
  }
}
