package io.kafkabinlog.ordering.pairing;

import io.kafkabinlog.ordering.merge.MergeMessage;
import io.kafkabinlog.ordering.observe.OrderingObserver;
import io.kafkabinlog.ordering.topology.TopologySettings;
import java.util.List;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Stage 1, one task per raw partition (the raw and resolutions topics are co-partitioned):
 * reassembles chunks, pairs prewrite with commit by start_ts, drops rollbacks and fake binlogs,
 * keeps pending prewrites in a store and sends committed transactions and the watermark M_p.
 */
public final class PairingStage {
  public static final String PROCESSOR = "stage1-pair";

  /** Pending prewrites by start_ts; the resolver reads it through interactive queries. */
  public static final String PENDING_STORE = "stage1-pending";

  private final TopologySettings settings;
  private final OrderingObserver observer;

  public PairingStage(final TopologySettings settings, final OrderingObserver observer) {
    this.settings = settings;
    this.observer = observer;
  }

  /** The stores this stage's processor uses (all persistent, logged). */
  public List<StoreBuilder<?>> storeBuilders() {
    return List.of();
  }

  /** Key: raw record key (start_ts), value: raw record value; out: partition -> message. */
  public ProcessorSupplier<byte[], byte[], Integer, MergeMessage> supplier() {
    throw new UnsupportedOperationException("stage 1 not built yet " + settings + observer);
  }
}
