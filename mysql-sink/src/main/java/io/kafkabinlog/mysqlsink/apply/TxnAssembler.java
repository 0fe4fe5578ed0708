package io.kafkabinlog.mysqlsink.apply;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.mysqlsink.model.RowChange;
import io.kafkabinlog.mysqlsink.model.RowChange.ChangeType;
import io.kafkabinlog.mysqlsink.model.SinkTxn;
import io.kafkabinlog.mysqlsink.model.SinkTxn.SinkDdl;
import io.kafkabinlog.schemas.avro.ColumnValues;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;

/**
 * Turns txn-topic values (Avro {@code Transaction} records, possibly in fragments, and {@code
 * ResolvedTs} markers) into whole {@link SinkTxn}s: a transaction is handed on only when its {@code
 * last_fragment} record arrives, never in parts. The txn topic has one partition and fragments of
 * one transaction are contiguous, so one open transaction at a time suffices. Not thread-safe.
 */
public final class TxnAssembler {
  private long openCommitTs;
  private long openStartTs;
  private int nextFragment;
  private final List<RowChange> openRows = new ArrayList<>();

  /**
   * Takes the next record of the txn topic.
   *
   * @return a completed transaction or a marker; empty while a transaction is incomplete
   * @throws FatalBinlogException MALFORMED_INPUT for a record that is neither, or fragments out of
   *     sequence (a consumer started in the middle of a transaction)
   */
  public Optional<TxnEvent> accept(final GenericRecord value) {
    final String name = value.getSchema().getName();
    if ("ResolvedTs".equals(name)) {
      return Optional.of(new TxnEvent.Resolved((Long) value.get("resolved_ts")));
    }
    if (!"Transaction".equals(name)) {
      throw new FatalBinlogException(
          ErrorCode.MALFORMED_INPUT, "unexpected record on the txn topic: " + name);
    }
    final long commitTs = (Long) value.get("commit_ts");
    final int fragment = (Integer) value.get("fragment");
    final boolean last = (Boolean) value.get("last_fragment");
    if (fragment == 0) {
      openRows.clear();
      openCommitTs = commitTs;
      openStartTs = (Long) value.get("start_ts");
    } else if (fragment != nextFragment || commitTs != openCommitTs) {
      throw new FatalBinlogException(
          ErrorCode.MALFORMED_INPUT,
          "fragment "
              + fragment
              + " of commit_ts "
              + commitTs
              + " out of sequence (expected fragment "
              + nextFragment
              + " of commit_ts "
              + openCommitTs
              + ")");
    }
    nextFragment = fragment + 1;
    final GenericRecord ddl = (GenericRecord) value.get("ddl");
    final List<?> rows = (List<?>) value.get("rows");
    for (Object row : rows) {
      openRows.add(rowChange((GenericRecord) row));
    }
    if (!last) {
      return Optional.empty();
    }
    final SinkTxn txn =
        new SinkTxn(openCommitTs, openStartTs, openRows, ddl == null ? null : sinkDdl(ddl));
    openRows.clear();
    nextFragment = 0;
    return Optional.of(new TxnEvent.Complete(txn));
  }

  /** Whether a transaction has fragments but not its last one yet. */
  public boolean hasOpenTransaction() {
    return nextFragment != 0;
  }

  private static SinkDdl sinkDdl(final GenericRecord ddl) {
    final Object db = ddl.get("db");
    final Object table = ddl.get("table");
    return new SinkDdl(
        ddl.get("query").toString(),
        (Long) ddl.get("job_id"),
        db == null ? "" : db.toString(),
        table == null ? null : table.toString(),
        (Boolean) ddl.get("schema_only"));
  }

  private static RowChange rowChange(final GenericRecord row) {
    return new RowChange(
        row.get("db").toString(),
        row.get("table").toString(),
        ChangeType.valueOf(row.get("type").toString()),
        image(row.get("before")),
        image(row.get("after")));
  }

  private static Map<String, Object> image(final Object columns) {
    if (columns == null) {
      return null;
    }
    final Map<String, Object> image = new LinkedHashMap<>();
    for (Object column : (List<?>) columns) {
      final GenericRecord c = (GenericRecord) column;
      image.put(c.get("name").toString(), ColumnValues.javaValue(c));
    }
    return image;
  }
}
