package io.kafkabinlog.ordering.pairing;

import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Stage 1's pending store read as the application's {@link StreamsPendingView} reads it, for test
 * harnesses outside this package (a TopologyTestDriver's store in place of interactive queries).
 */
public final class PendingStores {
  private PendingStores() {}

  /** The oldest {@code limit} pending prewrites with start_ts <= {@code maxStartTs}. */
  public static List<PendingPrewrite> oldest(
      final ReadOnlyKeyValueStore<Bytes, byte[]> store, final long maxStartTs, final int limit) {
    return StreamsPendingView.oldest(store, maxStartTs, limit);
  }
}
