package io.kafkabinlog.tidbsim.verify;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One differing row: missing downstream, unexpected downstream, or changed (same key, other
 * values). Values are canonical texts by column name ({@code null} = NULL); a missing row has no
 * actual values, an unexpected one no expected values.
 */
public record RowDiff(
    Kind kind, String key, Map<String, String> expected, Map<String, String> actual) {

  public enum Kind {
    MISSING,
    UNEXPECTED,
    CHANGED
  }

  public RowDiff {
    expected = Collections.unmodifiableMap(new LinkedHashMap<>(expected));
    actual = Collections.unmodifiableMap(new LinkedHashMap<>(actual));
  }

  /** The columns whose values differ (all columns for a missing or unexpected row). */
  public List<String> differingColumns() {
    List<String> out = new ArrayList<>();
    Map<String, String> base = kind == Kind.UNEXPECTED ? actual : expected;
    for (String column : base.keySet()) {
      if (kind != Kind.CHANGED || !Objects.equals(expected.get(column), actual.get(column))) {
        out.add(column);
      }
    }
    return out;
  }

  /** One report line. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    switch (kind) {
      case MISSING -> sb.append("missing    ").append(key).append(": ").append(row(expected));
      case UNEXPECTED -> sb.append("unexpected ").append(key).append(": ").append(row(actual));
      default -> {
        sb.append("changed    ").append(key).append(": ");
        boolean first = true;
        for (String column : differingColumns()) {
          if (!first) {
            sb.append(", ");
          }
          first = false;
          sb.append(column)
              .append(' ')
              .append(CanonicalValues.display(expected.get(column)))
              .append(" -> ")
              .append(CanonicalValues.display(actual.get(column)));
        }
      }
    }
    return sb.toString();
  }

  private static String row(final Map<String, String> values) {
    StringBuilder sb = new StringBuilder("{");
    boolean first = true;
    for (Map.Entry<String, String> e : values.entrySet()) {
      if (!first) {
        sb.append(", ");
      }
      first = false;
      sb.append(e.getKey()).append('=').append(CanonicalValues.display(e.getValue()));
    }
    return sb.append('}').toString();
  }
}
