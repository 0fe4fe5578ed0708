package io.kafkabinlog.ordering.decode;

import io.kafkabinlog.ordering.observe.OrderingObserver;
import io.kafkabinlog.ordering.output.OutputRecord;
import io.kafkabinlog.ordering.topology.TopologySettings;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Stage 3 (in stage 2's task): decodes each transaction with the schema in force at its commit
 * (history in a store, DDL jobs from the {@link SchemaSource}) and publishes Avro to the txn and
 * rows topics, with resolved-ts markers; poison goes by the {@link
 * io.kafkabinlog.ordering.topology.PoisonPolicy}.
 *
 * <p>Outputs (topic and partition chosen here, see {@link
 * io.kafkabinlog.ordering.output.OutputSerde#partitioner()}):
 *
 * <ul>
 *   <li>txn topic, partition 0, key commit_ts: every transaction as Transaction records of at most
 *       {@code outputMaxRows} rows / about {@code outputMaxBytes} bytes ({@code fragment} 0..,
 *       {@code last_fragment} on the last), a DDL as one Transaction with {@code ddl} set, and
 *       ResolvedTs markers (partition 0 of 1);
 *   <li>rows topic, key = logical table id, partition {@link RowsPartitions#of}: per table, the
 *       transaction's rows of that table, fragmented the same way per table; a table DDL in its
 *       table's partition (both tables' for TRUNCATE), a database DDL in every partition (keyed by
 *       commit_ts); ResolvedTs markers on every partition i (partition i of N);
 *   <li>dead-letter topic, partition 0: a poison transaction's binlog, see {@link
 *       DeadLetterHeaders}.
 * </ul>
 *
 * Rows are in binlog order within a table (TiDB's {@code sequence}); tables of one transaction come
 * in the order of their first mutation (TiDB keeps no order across tables).
 */
public final class DecodeStage {
  public static final String PROCESSOR = "stage3-decode";

  /** Table versions: physical table id + schema version -> table (or tombstone). */
  public static final String TABLES_STORE = "stage3-schema-tables";

  /** Database versions: db id + schema version -> database (or tombstone). */
  public static final String DATABASES_STORE = "stage3-schema-databases";

  /** DDL jobs seen: job id -> what its DDL record needs. */
  public static final String JOBS_STORE = "stage3-schema-jobs";

  /** One entry: initial load done, schema version, last resolved-ts marker. */
  public static final String STATE_STORE = "stage3-state";

  private final TopologySettings settings;
  private final SchemaSource schemaSource;
  private final OrderingObserver observer;

  public DecodeStage(
      final TopologySettings settings,
      final SchemaSource schemaSource,
      final OrderingObserver observer) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.schemaSource = Objects.requireNonNull(schemaSource, "schemaSource");
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  /** The stores this stage's processor uses (all persistent, logged). */
  public List<StoreBuilder<?>> storeBuilders() {
    return List.of(
        store(TABLES_STORE), store(DATABASES_STORE), store(JOBS_STORE), store(STATE_STORE));
  }

  /** In: ordered events; out: key bytes -> output record (topic and partition chosen here). */
  public ProcessorSupplier<Long, OrderedEvent, byte[], OutputRecord> supplier() {
    return () -> new DecodeProcessor(settings, schemaSource, observer);
  }

  private static StoreBuilder<KeyValueStore<Bytes, byte[]>> store(final String name) {
    return Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(name), Serdes.Bytes(), Serdes.ByteArray());
  }
}
