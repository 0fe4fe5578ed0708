package io.kafkabinlog.ordering.merge;

import io.kafkabinlog.ordering.decode.OrderedEvent;
import io.kafkabinlog.ordering.observe.OrderingObserver;
import io.kafkabinlog.ordering.topology.TopologySettings;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Stage 2, one task: merges the committed transactions of all member pumps in commit_ts order,
 * gated by member watermarks and control heartbeats; JOIN/LEAVE; drops exact duplicates; a late
 * transaction is fatal. Why the gate is safe: {@link MergeProcessor}.
 */
public final class MergeStage {
  public static final String PROCESSOR = "stage2-merge";

  private final TopologySettings settings;
  private final OrderingObserver observer;

  public MergeStage(final TopologySettings settings, final OrderingObserver observer) {
    this.settings = settings;
    this.observer = observer;
  }

  /** The stores this stage's processor uses (all persistent, logged). */
  public List<StoreBuilder<?>> storeBuilders() {
    return storeBuilders(Stores::persistentKeyValueStore);
  }

  /** The same stores, each from {@code supplier} by name (tests keep state across drivers). */
  List<StoreBuilder<?>> storeBuilders(final Function<String, KeyValueBytesStoreSupplier> supplier) {
    return MergeStores.builders(settings.fragmentBytes(), supplier);
  }

  /**
   * Key: raw partition; out: commit_ts (Resolved: W) -> ordered event. The stores are not connected
   * by the supplier: add {@link #storeBuilders()} and name them on the processor.
   */
  public ProcessorSupplier<Integer, MergeInput, Long, OrderedEvent> supplier() {
    return () -> new MergeProcessor(observer);
  }
}
