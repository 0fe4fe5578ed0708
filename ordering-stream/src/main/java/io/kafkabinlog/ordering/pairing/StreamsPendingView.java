package io.kafkabinlog.ordering.pairing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link PendingView} over the running application's stage 1 stores (interactive queries over the
 * {@value PairingStage#PENDING_STORE} store of every local active task). Each task's store iterates
 * in start_ts order but the query goes through them one after the other, so the oldest {@code
 * limit} overall are picked with a bounded heap. While the stores migrate (rebalance, restore) it
 * sees nothing and the resolver simply tries again on its next pass.
 */
public final class StreamsPendingView implements PendingView {
  private static final Logger LOG = LoggerFactory.getLogger(StreamsPendingView.class);

  private final KafkaStreams streams;

  public StreamsPendingView(final KafkaStreams streams) {
    this.streams = streams;
  }

  @Override
  public List<PendingPrewrite> pendingUpTo(final long maxStartTs, final int limit) {
    if (maxStartTs < 0 || limit < 1) {
      return List.of();
    }
    final ReadOnlyKeyValueStore<Bytes, byte[]> store;
    try {
      store =
          streams.store(
              StoreQueryParameters.fromNameAndType(
                  PairingStage.PENDING_STORE, QueryableStoreTypes.<Bytes, byte[]>keyValueStore()));
    } catch (InvalidStateStoreException e) {
      LOG.debug("pending prewrites not queryable now: {}", e.getMessage());
      return List.of();
    }
    return oldest(store, maxStartTs, limit);
  }

  /** The oldest {@code limit} entries with start_ts <= {@code maxStartTs}, oldest first. */
  static List<PendingPrewrite> oldest(
      final ReadOnlyKeyValueStore<Bytes, byte[]> store, final long maxStartTs, final int limit) {
    final Comparator<PendingPrewrite> byStartTs =
        Comparator.comparingLong(PendingPrewrite::startTs);
    final PriorityQueue<PendingPrewrite> newestOnTop = new PriorityQueue<>(byStartTs.reversed());
    try (KeyValueIterator<Bytes, byte[]> range =
        store.range(PairingKeys.startTs(0), PairingKeys.startTs(maxStartTs))) {
      while (range.hasNext()) {
        final KeyValue<Bytes, byte[]> entry = range.next();
        final PendingPrewrite prewrite = PendingMeta.decode(entry.value).toPendingPrewrite();
        if (newestOnTop.size() < limit) {
          newestOnTop.add(prewrite);
        } else if (prewrite.startTs() < newestOnTop.peek().startTs()) {
          newestOnTop.poll();
          newestOnTop.add(prewrite);
        }
      }
    } catch (InvalidStateStoreException e) {
      LOG.debug("pending prewrites not queryable now: {}", e.getMessage());
      return List.of();
    }
    final List<PendingPrewrite> result = new ArrayList<>(newestOnTop);
    result.sort(byStartTs);
    return result;
  }
}
