package io.kafkabinlog.tidbsim.verify;

import java.util.ArrayList;
import java.util.List;

/**
 * The comparison of one table (or, with an empty table name, of a database that must not exist):
 * row counts, order-independent checksums, how many rows are missing / unexpected / changed, the
 * first few of them, and problems found before rows could be compared. A count of -1 means the
 * table is absent on that side.
 */
public record TableReport(
    String database,
    String table,
    long expectedRows,
    long actualRows,
    String expectedChecksum,
    String actualChecksum,
    long missingRows,
    long unexpectedRows,
    long changedRows,
    List<String> problems,
    List<RowDiff> sampleDiffs) {

  public TableReport {
    problems = List.copyOf(problems);
    sampleDiffs = List.copyOf(sampleDiffs);
  }

  /** True when both sides hold the same rows and nothing else was wrong. */
  public boolean ok() {
    return problems.isEmpty()
        && expectedRows == actualRows
        && expectedChecksum.equals(actualChecksum)
        && missingRows == 0
        && unexpectedRows == 0
        && changedRows == 0;
  }

  public String qualifiedName() {
    return database + "." + (table.isEmpty() ? "*" : table);
  }

  /** {@code db.table expected N rows / actual M rows, checksum X / Y, OK|DIFF}. */
  public String summaryLine() {
    return qualifiedName()
        + " expected "
        + count(expectedRows)
        + " / actual "
        + count(actualRows)
        + ", checksum "
        + expectedChecksum
        + " / "
        + actualChecksum
        + ", "
        + (ok() ? "OK" : "DIFF");
  }

  /** The problems and sample rows, one line each, indented. */
  public List<String> detailLines() {
    List<String> out = new ArrayList<>();
    for (String p : problems) {
      out.add("  " + p);
    }
    if (missingRows + unexpectedRows + changedRows > 0) {
      out.add(
          "  rows missing "
              + missingRows
              + ", unexpected "
              + unexpectedRows
              + ", changed "
              + changedRows
              + (sampleDiffs.size() < missingRows + unexpectedRows + changedRows
                  ? " (first " + sampleDiffs.size() + " shown)"
                  : ""));
    }
    for (RowDiff d : sampleDiffs) {
      out.add("    " + d.describe());
    }
    return out;
  }

  private static String count(final long rows) {
    return rows < 0 ? "no table" : rows + " rows";
  }
}
