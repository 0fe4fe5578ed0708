package io.kafkabinlog.mysqlsink.partitioned;

import io.kafkabinlog.mysqlsink.apply.TxnAssembler;
import io.kafkabinlog.mysqlsink.apply.TxnEvent;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;

/**
 * Turns one rows-topic partition's records into {@link RowsItem}s. On a rows partition a table's
 * fragments of one transaction are contiguous and numbered from 0 (stage 3 sends one table's
 * records before it begins the next table), so the txn topic's {@link TxnAssembler} joins them
 * unchanged; this adds the offsets and the marker's partition count. One per partition, used by the
 * polling thread only.
 */
final class RowsAssembler {
  private final TxnAssembler assembler = new TxnAssembler();
  private long groupStart = -1;

  /**
   * Takes the partition's next record.
   *
   * @return the item the record completes; empty inside a fragmented group
   */
  Optional<RowsItem> accept(final long offset, final GenericRecord value) {
    if ("ResolvedTs".equals(value.getSchema().getName())) {
      return Optional.of(
          new RowsItem.Resolved(
              (Long) value.get("resolved_ts"), (Integer) value.get("partition_count"), offset + 1));
    }
    if (groupStart < 0) {
      groupStart = offset;
    }
    final Optional<TxnEvent> event = assembler.accept(value);
    if (event.isEmpty()) {
      return Optional.empty();
    }
    final long first = groupStart;
    groupStart = -1;
    // TxnAssembler returns Complete for a Transaction record; markers were handled above.
    return Optional.of(
        new RowsItem.Group(((TxnEvent.Complete) event.get()).txn(), first, offset + 1));
  }
}
