package io.kafkabinlog.mysqlsink.causality;

import io.kafkabinlog.mysqlsink.model.RowChange;
import io.kafkabinlog.mysqlsink.model.SinkTxn;
import io.kafkabinlog.mysqlsink.model.TableKeys;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The conflict keys of a transaction: two transactions that share a key must be applied in commit
 * order. Per row and per image (after; before for UPDATE and DELETE):
 *
 * <ul>
 *   <li>for each unique key (PRIMARY first) whose columns are all non-NULL in the image: {@code
 *       db.table:col1,col2:<values>};
 *   <li>if no unique key qualifies but the table has unique keys (all of them contain a NULL here):
 *       {@code db.table:*:<all writable columns>}. NULLs never collide in a unique index, so only
 *       the same physical row can conflict, and its images chain exactly (a change's before image
 *       is the previous change's after image). This is the original's all-columns fallback;
 *   <li>a table without any unique key: the table-wide key {@code db.table}, so the table is
 *       serialized (rows are identified by all columns with LIMIT 1, duplicates are
 *       indistinguishable).
 * </ul>
 *
 * <p>Values are rendered by {@link KeyValueRenderer}. Identifiers are lower-cased (MariaDB on Linux
 * is case-sensitive for table names, so this only ever merges keys, which is safe).
 */
public final class ConflictKeys {
  private final TableKeysLookup tables;

  public ConflictKeys(final TableKeysLookup tables) {
    this.tables = tables;
  }

  /** The keys of {@code txn}'s rows (empty for a DDL or an emptied transaction). */
  public Set<String> of(final SinkTxn txn) {
    final Set<String> keys = new LinkedHashSet<>();
    for (RowChange row : txn.rows()) {
      addKeys(keys, row);
    }
    return keys;
  }

  /** The keys of one row change of {@code table} (the caller has the table's keys at hand). */
  public static Set<String> of(final RowChange row, final TableKeys table) {
    final Set<String> keys = new LinkedHashSet<>();
    addKeys(keys, row, table);
    return keys;
  }

  private void addKeys(final Set<String> keys, final RowChange row) {
    addKeys(keys, row, tables.keys(row.db(), row.table()));
  }

  private static void addKeys(final Set<String> keys, final RowChange row, final TableKeys table) {
    final String prefix = quote(row.db()) + "." + quote(row.table());
    if (!table.hasUniqueKey()) {
      keys.add(prefix);
      return;
    }
    if (row.after() != null) {
      addImageKeys(keys, prefix, table, row.after());
    }
    if (row.before() != null) {
      addImageKeys(keys, prefix, table, row.before());
    }
  }

  private static void addImageKeys(
      final Set<String> keys,
      final String prefix,
      final TableKeys table,
      final Map<String, Object> image) {
    boolean any = false;
    for (List<String> uk : table.uniqueKeys()) {
      if (allNonNull(uk, image)) {
        keys.add(render(prefix, indexName(uk), uk, image));
        any = true;
      }
    }
    if (!any) {
      keys.add(render(prefix, "*", table.columns(), image));
    }
  }

  private static boolean allNonNull(final List<String> columns, final Map<String, Object> image) {
    for (String c : columns) {
      if (image.get(c) == null) {
        return false;
      }
    }
    return true;
  }

  private static String render(
      final String prefix,
      final String index,
      final List<String> columns,
      final Map<String, Object> image) {
    final StringBuilder out = new StringBuilder(prefix).append(':').append(index).append(':');
    for (String c : columns) {
      KeyValueRenderer.append(out, image.get(c));
    }
    return out.toString();
  }

  private static String indexName(final List<String> columns) {
    final StringBuilder out = new StringBuilder();
    for (String c : columns) {
      if (out.length() > 0) {
        out.append(',');
      }
      out.append(quote(c));
    }
    return out.toString();
  }

  /** Lower-cased, with separators escaped so no name can forge another key's structure. */
  private static String quote(final String name) {
    final String lower = name.toLowerCase(Locale.ROOT);
    final StringBuilder out = new StringBuilder(lower.length());
    for (int i = 0; i < lower.length(); i++) {
      final char c = lower.charAt(i);
      if (c == '\\' || c == '.' || c == ':' || c == ',' || c == '*') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }
}
