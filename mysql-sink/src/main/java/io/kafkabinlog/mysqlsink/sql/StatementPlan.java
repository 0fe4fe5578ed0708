package io.kafkabinlog.mysqlsink.sql;

import io.kafkabinlog.mysqlsink.model.RowChange;
import io.kafkabinlog.mysqlsink.model.RowChange.ChangeType;
import io.kafkabinlog.mysqlsink.model.TableKeys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The statements of one downstream transaction (the rows of a txn-batch group, in commit order),
 * with as few statements as the rows' conflicts allow: each row change joins the latest statement
 * of its kind (INSERT of the same table and column list as one multi-row INSERT; UPDATE or DELETE
 * of the same SQL text as one JDBC batch) unless a later statement touches one of its conflict keys
 * (see {@code ConflictKeys}: the same primary or unique key value in either image, the whole table
 * for a table without unique keys), in which case it starts a new statement after that one.
 *
 * <p>So a row change only ever moves ahead of statements it shares no key with, and the changes of
 * one row, or of one unique value, keep their order: the transaction's outcome is the same as in
 * commit order. Only changes of different rows swap, which a foreign key or a trigger downstream
 * could observe: the caller gives the rows of such tables a common key, which keeps them in order
 * among themselves. Not thread-safe.
 */
public final class StatementPlan {
  private final DmlStatements dml;
  private final boolean safeMode;
  private final int insertRows;
  private final long insertBytes;
  private final List<Bucket> buckets = new ArrayList<>();
  private final Map<String, Integer> lastByKey = new HashMap<>();
  private final Map<Object, Integer> lastBySignature = new HashMap<>();
  private int rows;

  /**
   * @param safeMode REPLACE for INSERT, DELETE + REPLACE for UPDATE
   * @param insertRows the most rows of one multi-row INSERT
   * @param insertBytes the most estimated bytes of one multi-row INSERT ({@link MultiRowInsert})
   */
  public StatementPlan(
      final DmlStatements dml,
      final boolean safeMode,
      final int insertRows,
      final long insertBytes) {
    this.dml = Objects.requireNonNull(dml, "dml");
    this.safeMode = safeMode;
    this.insertRows = insertRows;
    this.insertBytes = insertBytes;
  }

  /**
   * Adds the next row change in commit order.
   *
   * @param keys its table's downstream keys
   * @param conflictKeys its conflict keys (rows sharing one keep their order)
   */
  public void add(final RowChange row, final TableKeys keys, final Set<String> conflictKeys) {
    int after = -1;
    for (String key : conflictKeys) {
      final Integer last = lastByKey.get(key);
      if (last != null && last > after) {
        after = last;
      }
    }
    if (row.type() == ChangeType.UPDATE && safeMode) {
      after =
          place(
              new RowChange(row.db(), row.table(), ChangeType.DELETE, row.before(), null),
              keys,
              after);
      after =
          place(
              new RowChange(row.db(), row.table(), ChangeType.INSERT, null, row.after()),
              keys,
              after);
    } else {
      after = place(row, keys, after);
    }
    for (String key : conflictKeys) {
      lastByKey.merge(key, after, Math::max);
    }
    rows++;
  }

  /** Puts the change into the latest bucket of its kind at or after {@code after}; its index. */
  private int place(final RowChange row, final TableKeys keys, final int after) {
    final Object signature;
    final Statement statement;
    if (row.type() == ChangeType.INSERT) {
      signature = new InsertSignature(row.db(), row.table(), dml.columnsOf(row.after(), keys));
      statement = null;
    } else {
      statement = row.type() == ChangeType.DELETE ? dml.delete(row, keys) : dml.update(row, keys);
      signature = statement.sql();
    }
    final Integer latest = lastBySignature.get(signature);
    final Bucket bucket;
    final int index;
    if (latest != null && latest >= after) {
      index = latest;
      bucket = buckets.get(index);
    } else {
      index = buckets.size();
      bucket = new Bucket(keys);
      buckets.add(bucket);
      lastBySignature.put(signature, index);
    }
    if (statement == null) {
      bucket.inserts.add(row);
    } else {
      bucket.statements.add(statement);
    }
    return index;
  }

  /** Row changes added. */
  public int rows() {
    return rows;
  }

  /**
   * The statements in execution order: each bucket's multi-row INSERTs (cut by rows and bytes) or
   * its statements of one SQL text, which sit next to each other for JDBC batching.
   */
  public List<Statement> statements() {
    final List<Statement> out = new ArrayList<>(buckets.size());
    for (Bucket bucket : buckets) {
      if (bucket.inserts.isEmpty()) {
        out.addAll(bucket.statements);
        continue;
      }
      MultiRowInsert insert =
          new MultiRowInsert(dml, bucket.keys, safeMode, insertRows, insertBytes);
      for (RowChange row : bucket.inserts) {
        if (!insert.tryAdd(row)) {
          out.add(insert.take());
          insert.tryAdd(row);
        }
      }
      out.add(insert.take());
    }
    return out;
  }

  /** What makes INSERTs share one multi-row statement. */
  private record InsertSignature(String db, String table, List<String> columns) {}

  /** Row changes that become one statement (or one batch), at one place in the order. */
  private static final class Bucket {
    final TableKeys keys;
    final List<RowChange> inserts = new ArrayList<>();
    final List<Statement> statements = new ArrayList<>();

    Bucket(final TableKeys keys) {
      this.keys = keys;
    }
  }
}
