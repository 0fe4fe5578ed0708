package io.kafkabinlog.ordering.pairing;

import io.kafkabinlog.ordering.merge.MergeMessage;
import io.kafkabinlog.ordering.observe.OrderingObserver;
import io.kafkabinlog.ordering.topology.TopologySettings;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Stage 1, one task per raw partition (the raw and resolutions topics are co-partitioned):
 * reassembles chunks, pairs prewrite with commit by start_ts, drops rollbacks and fake binlogs,
 * keeps pending prewrites in a store and sends committed transactions and the watermark M_p.
 *
 * <p>Stores (persistent, changelog-logged, keys big-endian so RocksDB order is numeric order):
 *
 * <ul>
 *   <li>{@value #PENDING_STORE}: start_ts -> {@link PendingMeta} of a pending prewrite; read by the
 *       resolver through interactive queries ({@link StreamsPendingView}).
 *   <li>{@value #FRAGMENT_STORE}: (start_ts, payload id, index) -> one fragment of {@link
 *       TopologySettings#fragmentBytes()} bytes (the last may be shorter) of a pending prewrite or
 *       of the open chunk group; a payload is never held whole in the heap.
 *   <li>{@value #STATE_STORE}: maxTs, the last watermark sent and the open chunk group.
 * </ul>
 */
public final class PairingStage {
  public static final String PROCESSOR = "stage1-pair";

  /** Pending prewrites by start_ts; the resolver reads it through interactive queries. */
  public static final String PENDING_STORE = "stage1-pending";

  /** Payload fragments of pending prewrites and of the open chunk group. */
  public static final String FRAGMENT_STORE = "stage1-fragments";

  /** Scalars (maxTs, last watermark sent) and the open chunk group. */
  public static final String STATE_STORE = "stage1-state";

  private static final int MIN_CHANGELOG_MESSAGE_BYTES = 1 << 20;

  private final TopologySettings settings;
  private final OrderingObserver observer;

  public PairingStage(final TopologySettings settings, final OrderingObserver observer) {
    this.settings = settings;
    this.observer = observer;
  }

  /** The stores this stage's processor uses (all persistent, logged). */
  public List<StoreBuilder<?>> storeBuilders() {
    // Room for a fragment plus key and record framing in a changelog record.
    final long fragmentMessage =
        Math.max(2L * settings.fragmentBytes(), MIN_CHANGELOG_MESSAGE_BYTES);
    final Map<String, String> fragmentLog =
        Map.of(
            TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
            Long.toString(Math.min(fragmentMessage, Integer.MAX_VALUE)));
    return List.of(
        store(PENDING_STORE).withLoggingEnabled(Map.of()).withCachingEnabled(),
        // Cached: a small transaction's fragments are put and deleted within one commit interval
        // and then never reach RocksDB or the changelog; the record cache is bounded
        // (statestore.cache.max.bytes), so a large transaction's fragments spill to RocksDB.
        store(FRAGMENT_STORE).withLoggingEnabled(fragmentLog).withCachingEnabled(),
        store(STATE_STORE).withLoggingEnabled(Map.of()).withCachingEnabled());
  }

  /** Key: raw record key (start_ts), value: raw record value; out: partition -> message. */
  public ProcessorSupplier<byte[], byte[], Integer, MergeMessage> supplier() {
    return () -> new PairingProcessor(settings, observer);
  }

  private static StoreBuilder<KeyValueStore<Bytes, byte[]>> store(final String name) {
    return Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(name), Serdes.Bytes(), Serdes.ByteArray());
  }
}
