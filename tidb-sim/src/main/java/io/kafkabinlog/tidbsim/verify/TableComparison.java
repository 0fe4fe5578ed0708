package io.kafkabinlog.tidbsim.verify;

import io.kafkabinlog.schemas.tableinfo.ColumnInfo;
import io.kafkabinlog.schemas.tableinfo.IndexColumn;
import io.kafkabinlog.schemas.tableinfo.IndexInfo;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.expected.ExpectedTable;
import io.kafkabinlog.tidbsim.mutation.SimRow;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Compares one expected table with rows read from downstream, both as canonical column texts.
 * Counts and an order-independent checksum (the sum of per-row SHA-256 prefixes) summarise each
 * side; rows are matched by the primary key (else the first unique key, else the whole row) to name
 * the first differing ones.
 */
final class TableComparison {

  /** Downstream rows, streamed as canonical texts in the compared columns' order. */
  interface RowSource {
    void stream(Consumer<String[]> sink) throws SQLException;
  }

  private final ExpectedTable table;
  private final List<ColumnInfo> columns;
  private final int[] keyIdx;
  private final int maxDiffs;

  /**
   * @param columns the compared columns (present on both sides, not generated), in SELECT order
   */
  TableComparison(final ExpectedTable table, final List<ColumnInfo> columns, final int maxDiffs) {
    this.table = table;
    this.columns = List.copyOf(columns);
    this.keyIdx = keyIndexes(table.tableInfo(), this.columns);
    this.maxDiffs = maxDiffs;
  }

  /** Positions (in {@code columns}) of the row-matching key; empty to match whole rows. */
  static int[] keyIndexes(final TableInfo info, final List<ColumnInfo> columns) {
    List<ColumnInfo> key = new ArrayList<>();
    if (info.pkIsHandle() && info.handleColumn().isPresent()) {
      key.add(info.handleColumn().get());
    } else {
      IndexInfo idx = info.primaryIndex().orElse(null);
      if (idx == null) {
        idx = info.indexInfo().stream().filter(IndexInfo::isUnique).findFirst().orElse(null);
      }
      if (idx != null) {
        for (IndexColumn ic : idx.idxCols()) {
          key.add(info.cols().get(ic.offset()));
        }
      }
    }
    int[] out = new int[key.size()];
    for (int k = 0; k < key.size(); k++) {
      out[k] = -1;
      for (int i = 0; i < columns.size(); i++) {
        if (columns.get(i).id() == key.get(k).id()) {
          out[k] = i;
        }
      }
      if (out[k] < 0) {
        return new int[0];
      }
    }
    return out;
  }

  TableReport compare(final RowSource downstream, final List<String> problems) throws SQLException {
    // expected side: key -> row hashes (a list, for duplicate rows of keyless tables)
    Map<String, List<Long>> expected = new HashMap<>();
    long[] expectedSum = {0};
    long expectedRows = table.rowCount();
    table.forEachRow(
        row -> {
          String[] values = expectedValues(row);
          long hash = hash(values);
          expectedSum[0] += hash;
          expected.computeIfAbsent(key(values, hash), k -> new ArrayList<>(1)).add(hash);
        });

    long[] actual = {0, 0}; // rows, checksum
    long[] counts = {0, 0}; // unexpected, changed
    List<Sample> samples = new ArrayList<>();
    downstream.stream(
        values -> {
          long hash = hash(values);
          actual[0]++;
          actual[1] += hash;
          String key = key(values, hash);
          List<Long> hashes = expected.get(key);
          if (hashes == null) {
            counts[0]++;
            addSample(samples, RowDiff.Kind.UNEXPECTED, key, values);
            return;
          }
          if (!hashes.remove(Long.valueOf(hash))) {
            hashes.remove(0);
            counts[1]++;
            addSample(samples, RowDiff.Kind.CHANGED, key, values);
          }
          if (hashes.isEmpty()) {
            expected.remove(key);
          }
        });

    long missing = 0;
    for (Map.Entry<String, List<Long>> e : expected.entrySet()) {
      missing += e.getValue().size();
      for (int i = 0; i < e.getValue().size(); i++) {
        addSample(samples, RowDiff.Kind.MISSING, e.getKey(), null);
      }
    }
    return new TableReport(
        table.database(),
        table.name(),
        expectedRows,
        actual[0],
        checksum(expectedSum[0]),
        checksum(actual[1]),
        missing,
        counts[0],
        counts[1],
        problems,
        describe(samples));
  }

  private void addSample(
      final List<Sample> samples, final RowDiff.Kind kind, final String key, final String[] v) {
    if (samples.size() < maxDiffs) {
      samples.add(new Sample(kind, key, v));
    }
  }

  /** Turns the samples into RowDiffs, reading the expected images of their keys once more. */
  private List<RowDiff> describe(final List<Sample> samples) {
    if (samples.isEmpty()) {
      return List.of();
    }
    Set<String> wanted = new HashSet<>();
    for (Sample s : samples) {
      if (s.kind != RowDiff.Kind.UNEXPECTED) {
        wanted.add(s.key);
      }
    }
    Map<String, String[]> expectedImages = new HashMap<>();
    if (!wanted.isEmpty()) {
      table.forEachRow(
          row -> {
            String[] values = expectedValues(row);
            String key = key(values, hash(values));
            if (wanted.contains(key)) {
              expectedImages.putIfAbsent(key, values);
            }
          });
    }
    List<RowDiff> out = new ArrayList<>();
    for (Sample s : samples) {
      String[] exp = s.kind == RowDiff.Kind.UNEXPECTED ? null : expectedImages.get(s.key);
      String[] act = s.actual;
      String[] any = exp != null ? exp : act;
      out.add(new RowDiff(s.kind, displayKey(any), named(exp), named(act)));
    }
    return out;
  }

  private Map<String, String> named(final String[] values) {
    Map<String, String> out = new LinkedHashMap<>();
    if (values != null) {
      for (int i = 0; i < columns.size(); i++) {
        out.put(columns.get(i).name().o(), values[i]);
      }
    }
    return out;
  }

  private String displayKey(final String[] values) {
    if (keyIdx.length == 0 || values == null) {
      return "(row)";
    }
    StringBuilder sb = new StringBuilder("(");
    for (int k = 0; k < keyIdx.length; k++) {
      if (k > 0) {
        sb.append(", ");
      }
      sb.append(columns.get(keyIdx[k]).name().o())
          .append('=')
          .append(CanonicalValues.display(values[keyIdx[k]]));
    }
    return sb.append(')').toString();
  }

  private String[] expectedValues(final SimRow row) {
    String[] values = new String[columns.size()];
    for (int i = 0; i < values.length; i++) {
      ColumnInfo c = columns.get(i);
      values[i] = CanonicalValues.ofExpected(row.value(c.id()), c.type());
    }
    return values;
  }

  /** The matching key: key column values, or the row hash without a usable key. */
  private String key(final String[] values, final long hash) {
    if (keyIdx.length == 0) {
      return "#" + Long.toHexString(hash);
    }
    String[] parts = new String[keyIdx.length];
    for (int k = 0; k < keyIdx.length; k++) {
      parts[k] = values[keyIdx[k]];
      if (parts[k] == null) {
        // NULLs in a unique key do not identify a row
        return "#" + Long.toHexString(hash);
      }
    }
    return text(parts);
  }

  /** An unambiguous text of a value list: N for NULL, else length-prefixed. */
  static String text(final String[] values) {
    StringBuilder sb = new StringBuilder();
    for (String v : values) {
      if (v == null) {
        sb.append("N;");
      } else {
        sb.append(v.length()).append(':').append(v).append(';');
      }
    }
    return sb.toString();
  }

  static long hash(final String[] values) {
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest(text(values).getBytes(StandardCharsets.UTF_8));
      long h = 0;
      for (int i = 0; i < 8; i++) {
        h = (h << 8) | (d[i] & 0xFF);
      }
      return h;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  static String checksum(final long sum) {
    return String.format("%016x", sum);
  }

  private record Sample(RowDiff.Kind kind, String key, String[] actual) {}
}
