package io.kafkabinlog.tidbsim.workload;

import io.kafkabinlog.schemas.tableinfo.ColumnInfo;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.mutation.SimRow;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds {@link SimRow}s by column name, as a statement names its columns. */
public final class Rows {
  private Rows() {}

  /** A row from alternating column names and values: {@code of(t, "id", 1L, "name", "x")}. */
  public static SimRow of(final TableInfo table, final Object... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("names and values must come in pairs");
    }
    Map<Long, Object> values = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      values.put(column(table, (String) namesAndValues[i]).id(), namesAndValues[i + 1]);
    }
    return SimRow.of(values);
  }

  /** The column named {@code name} (case-insensitive, as MySQL column names are). */
  public static ColumnInfo column(final TableInfo table, final String name) {
    for (ColumnInfo c : table.cols()) {
      if (c.name().l().equals(name.toLowerCase(java.util.Locale.ROOT))) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        "table " + table.name().o() + " has no column named " + name);
  }

  /** The value of column {@code name} in {@code row}. */
  public static Object get(final TableInfo table, final SimRow row, final String name) {
    return row.value(column(table, name).id());
  }
}
