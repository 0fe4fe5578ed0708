package io.kafkabinlog.mysqlsink.filter;

import io.kafkabinlog.mysqlsink.model.RowChange;
import io.kafkabinlog.mysqlsink.model.SinkTxn;
import io.kafkabinlog.mysqlsink.model.SinkTxn.SinkDdl;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Which databases and tables the sink replicates, with the original drainer's rules ({@code
 * pkg/filter/filter.go} of pingcap/tidb-binlog; the reference's "do-db wins over do-table" is
 * loose, the code below is what the original does).
 *
 * <p>A (db, table) is kept when it passes both lists, white first, then black:
 *
 * <ol>
 *   <li>White list: if {@code replicate-do-db} and {@code replicate-do-table} are both empty,
 *       everything passes; otherwise it passes when its db matches a do-db <b>or</b> (db, table)
 *       matches a do-table pair (a union: listing a db and one of its tables keeps the whole db).
 *   <li>Black list: it is dropped when (db, table) matches an {@code ignore-table} pair or its db
 *       matches an {@code ignore-schemas} entry. The black list wins: {@code replicate-do-db=mysql}
 *       replicates nothing while {@code mysql} is in {@code ignore-schemas}.
 * </ol>
 *
 * <p>A database-level decision (CREATE/DROP DATABASE, a DDL without a table) is the same rule with
 * the table name {@code ""}, as the original calls {@code SkipSchemaAndTable(db, "")}: a plain
 * do-table/ignore-table pair never matches it (only a {@code ~regex} table part that matches the
 * empty string does), so with only {@code replicate-do-table} set, CREATE DATABASE of that table's
 * db is filtered out, exactly like the original. Names are compared case-insensitively; see {@link
 * NamePattern} for plain names versus {@code ~regex}.
 */
public final class TableFilter {
  /** The original's {@code ignore-schemas} default. */
  public static final String DEFAULT_IGNORE_SCHEMAS = "INFORMATION_SCHEMA,PERFORMANCE_SCHEMA,mysql";

  private final List<NamePattern> ignoreDbs;
  private final List<PairPattern> ignoreTables;
  private final List<NamePattern> doDbs;
  private final List<PairPattern> doTables;

  public TableFilter(
      final List<String> ignoreSchemas,
      final List<TableName> ignoreTables,
      final List<String> doDbs,
      final List<TableName> doTables) {
    this.ignoreDbs = ignoreSchemas.stream().map(NamePattern::of).toList();
    this.ignoreTables = ignoreTables.stream().map(PairPattern::of).toList();
    this.doDbs = doDbs.stream().map(NamePattern::of).toList();
    this.doTables = doTables.stream().map(PairPattern::of).toList();
  }

  /** A filter with only the default {@code ignore-schemas}. */
  public static TableFilter defaults() {
    return new TableFilter(splitSchemas(DEFAULT_IGNORE_SCHEMAS), List.of(), List.of(), List.of());
  }

  /**
   * Splits the comma-separated {@code ignore-schemas} value; entries are trimmed and empty ones
   * dropped (the original splits on "," only, and an empty entry would match the empty db name).
   */
  public static List<String> splitSchemas(final String commaSeparated) {
    return Arrays.stream(commaSeparated.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .toList();
  }

  /** Whether rows of {@code db.table} (and DDL on that table) are replicated. */
  public boolean keepsTable(final String db, final String table) {
    final String d = db.toLowerCase(Locale.ROOT);
    final String t = table.toLowerCase(Locale.ROOT);
    return passesWhite(d, t) && passesBlack(d, t);
  }

  /** Whether a database-level DDL (no table) on {@code db} is replicated. */
  public boolean keepsDatabase(final String db) {
    return keepsTable(db, "");
  }

  /**
   * The part of {@code txn} this sink applies: the rows of kept tables (the same instance when
   * nothing is filtered). A filtered-out DDL comes back with {@code schemaOnly = true}, as the
   * original passes filtered DDL on as a "skip" item so the loader still drops its cached table
   * metadata. The result may have no rows and no executable DDL; the caller still records its
   * commit_ts so the checkpoint advances past it.
   */
  public SinkTxn apply(final SinkTxn txn) {
    final SinkDdl ddl = txn.ddl();
    SinkDdl keptDdl = ddl;
    if (ddl != null && !ddl.schemaOnly() && !keepsDdl(ddl)) {
      keptDdl = new SinkDdl(ddl.query(), ddl.jobId(), ddl.db(), ddl.table(), true);
    }
    List<RowChange> keptRows = txn.rows();
    for (int i = 0; i < txn.rows().size(); i++) {
      final RowChange row = txn.rows().get(i);
      if (!keepsTable(row.db(), row.table())) {
        keptRows = keptRowsFrom(txn.rows(), i);
        break;
      }
    }
    if (keptDdl == ddl && keptRows == txn.rows()) {
      return txn;
    }
    return new SinkTxn(txn.commitTs(), txn.startTs(), keptRows, keptDdl);
  }

  private boolean keepsDdl(final SinkDdl ddl) {
    return ddl.table() == null ? keepsDatabase(ddl.db()) : keepsTable(ddl.db(), ddl.table());
  }

  /** Copies the kept rows; rows before {@code firstDropped} are known to be kept. */
  private List<RowChange> keptRowsFrom(final List<RowChange> rows, final int firstDropped) {
    final List<RowChange> kept = new ArrayList<>(rows.subList(0, firstDropped));
    for (int i = firstDropped + 1; i < rows.size(); i++) {
      final RowChange row = rows.get(i);
      if (keepsTable(row.db(), row.table())) {
        kept.add(row);
      }
    }
    return kept;
  }

  private boolean passesWhite(final String db, final String table) {
    if (doDbs.isEmpty() && doTables.isEmpty()) {
      return true;
    }
    return matchesTable(doTables, db, table) || matchesDb(doDbs, db);
  }

  private boolean passesBlack(final String db, final String table) {
    return !matchesTable(ignoreTables, db, table) && !matchesDb(ignoreDbs, db);
  }

  private static boolean matchesDb(final List<NamePattern> patterns, final String db) {
    for (NamePattern p : patterns) {
      if (p.matches(db)) {
        return true;
      }
    }
    return false;
  }

  private static boolean matchesTable(
      final List<PairPattern> patterns, final String db, final String table) {
    for (PairPattern p : patterns) {
      if (p.db().matches(db) && p.table().matches(table)) {
        return true;
      }
    }
    return false;
  }

  private record PairPattern(NamePattern db, NamePattern table) {
    static PairPattern of(final TableName name) {
      return new PairPattern(NamePattern.of(name.db()), NamePattern.of(name.table()));
    }
  }
}
