package io.kafkabinlog.ordering.merge;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Stage 2's state stores: every key is big-endian, so store order is numeric order.
 *
 * @param fragments the buffer: commit_ts + start_ts + index -> fragment data
 * @param txns the txn index: commit_ts + start_ts -> {@link BufferedTxn}
 * @param pumps raw partition -> {@link PumpState}
 * @param progress {@link #PROGRESS_KEY} -> W, H and the last emitted commit_ts
 * @param emitted recently emitted commit_ts + start_ts -> source partition (duplicates after
 *     emission)
 */
record MergeStores(
    KeyValueStore<FragmentKey, byte[]> fragments,
    KeyValueStore<TxnId, BufferedTxn> txns,
    KeyValueStore<Integer, PumpState> pumps,
    KeyValueStore<String, MergeProgress> progress,
    KeyValueStore<TxnId, Integer> emitted) {

  static final String BUFFER = "stage2-buffer";
  static final String TXNS = "stage2-txns";
  static final String PUMPS = "stage2-pumps";
  static final String PROGRESS = "stage2-progress";
  static final String EMITTED = "stage2-emitted";
  static final String PROGRESS_KEY = "progress";

  private static final int MIN_CHANGELOG_MESSAGE_BYTES = 1024 * 1024;

  /** The stores' builders (logged), each store from {@code supplier} by name. */
  static List<StoreBuilder<?>> builders(
      final int fragmentBytes, final Function<String, KeyValueBytesStoreSupplier> supplier) {
    // A buffer changelog record carries one fragment; leave room for key and headers.
    Map<String, String> changelog =
        Map.of(
            TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
            String.valueOf(Math.max(2L * fragmentBytes, (long) MIN_CHANGELOG_MESSAGE_BYTES)));
    return List.of(
        builder(supplier.apply(BUFFER), fragmentKeySerde(), Serdes.ByteArray(), changelog),
        builder(supplier.apply(TXNS), txnIdSerde(), bufferedTxnSerde(), changelog),
        builder(supplier.apply(PUMPS), Serdes.Integer(), pumpStateSerde(), changelog),
        builder(supplier.apply(PROGRESS), Serdes.String(), progressSerde(), changelog),
        builder(supplier.apply(EMITTED), txnIdSerde(), Serdes.Integer(), changelog));
  }

  /** The stores of a processor that was connected to {@link #builders}. */
  static MergeStores from(final ProcessingContext context) {
    return new MergeStores(
        context.getStateStore(BUFFER),
        context.getStateStore(TXNS),
        context.getStateStore(PUMPS),
        context.getStateStore(PROGRESS),
        context.getStateStore(EMITTED));
  }

  private static <K, V> StoreBuilder<KeyValueStore<K, V>> builder(
      final KeyValueBytesStoreSupplier supplier,
      final Serde<K> keys,
      final Serde<V> values,
      final Map<String, String> changelog) {
    return Stores.keyValueStoreBuilder(supplier, keys, values)
        .withLoggingEnabled(changelog)
        .withCachingEnabled();
  }

  private static Serde<FragmentKey> fragmentKeySerde() {
    return serde(FragmentKey::toBytes, FragmentKey::fromBytes);
  }

  private static Serde<TxnId> txnIdSerde() {
    return serde(TxnId::toBytes, TxnId::fromBytes);
  }

  private static Serde<BufferedTxn> bufferedTxnSerde() {
    return serde(BufferedTxn::toBytes, BufferedTxn::fromBytes);
  }

  private static Serde<PumpState> pumpStateSerde() {
    return serde(PumpState::toBytes, PumpState::fromBytes);
  }

  private static Serde<MergeProgress> progressSerde() {
    return serde(MergeProgress::toBytes, MergeProgress::fromBytes);
  }

  private static <T> Serde<T> serde(
      final Function<T, byte[]> encode, final Function<byte[], T> decode) {
    return Serdes.serdeFrom(
        (topic, value) -> value == null ? null : encode.apply(value),
        (topic, bytes) -> bytes == null ? null : decode.apply(bytes));
  }
}
