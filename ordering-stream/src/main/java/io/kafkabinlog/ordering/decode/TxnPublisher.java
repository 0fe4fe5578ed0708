package io.kafkabinlog.ordering.decode;

import io.kafkabinlog.ordering.output.OutputRecord;
import io.kafkabinlog.ordering.topology.TopologySettings;
import io.kafkabinlog.schemas.avro.AvroEvents;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;

/**
 * Publishes one DML transaction's rows as Transaction records: to the txn topic (partition 0, key
 * commit_ts) all rows, and to the rows topic each table's rows under the table's key and partition,
 * each split into records of at most {@code outputMaxRows} rows and about {@code outputMaxBytes}
 * bytes (a single larger row gets a record of its own), numbered by {@code fragment} with {@code
 * last_fragment} on the last. A full record is sent only when the next row arrives, so the last one
 * is always known; at most two records' rows are held.
 */
final class TxnPublisher {
  /** Where records go (the processor's forward). */
  @FunctionalInterface
  interface Sink {
    void send(byte[] key, OutputRecord record);
  }

  private final TopologySettings settings;
  private final Sink sink;
  private final long commitTs;
  private final long startTs;
  private final long schemaVersion;
  private final Batch txn;
  private Batch table;
  private int rows;

  TxnPublisher(
      final TopologySettings settings,
      final Sink sink,
      final long commitTs,
      final long startTs,
      final long schemaVersion) {
    this.settings = settings;
    this.sink = sink;
    this.commitTs = commitTs;
    this.startTs = startTs;
    this.schemaVersion = schemaVersion;
    this.txn = new Batch(settings.txnTopic(), 0, RowsPartitions.key(commitTs));
  }

  /** The following rows belong to this logical table (each table comes once). */
  void beginTable(final long logicalTableId) {
    if (table != null) {
      table.close();
    }
    table =
        new Batch(
            settings.rowsTopic(),
            RowsPartitions.of(logicalTableId, settings.rowsPartitions()),
            RowsPartitions.key(logicalTableId));
  }

  void add(final RowChangeDecoder.Decoded row) {
    txn.add(row);
    table.add(row);
    rows++;
  }

  /** Sends what is left; returns the number of rows published. */
  int finish() {
    if (table != null) {
      table.close();
    }
    txn.close();
    return rows;
  }

  private final class Batch {
    private final String topic;
    private final int partition;
    private final byte[] key;
    private List<GenericRecord> rows = new ArrayList<>();
    private long bytes;
    private int fragment;

    Batch(final String topic, final int partition, final byte[] key) {
      this.topic = topic;
      this.partition = partition;
      this.key = key;
    }

    void add(final RowChangeDecoder.Decoded row) {
      if (!rows.isEmpty()
          && (rows.size() >= settings.outputMaxRows()
              || bytes + row.estimatedBytes() > settings.outputMaxBytes())) {
        send(false);
      }
      rows.add(row.rowChange());
      bytes += row.estimatedBytes();
    }

    void close() {
      if (!rows.isEmpty()) {
        send(true);
      }
    }

    private void send(final boolean last) {
      GenericRecord value =
          AvroEvents.transaction(commitTs, startTs, schemaVersion, rows, null, fragment, last);
      sink.send(key, new OutputRecord.Avro(topic, partition, value));
      fragment++;
      rows = new ArrayList<>();
      bytes = 0;
    }
  }
}
