package io.kafkabinlog.ordering.pairing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;

class StreamsPendingViewTest {

  @Test
  void picksTheOldestAcrossTasksWhoseStoresAreReadOneAfterTheOther() {
    // Interactive queries concatenate the local tasks' stores, each sorted by start_ts.
    final ConcatenatedStores stores =
        new ConcatenatedStores(List.of(List.of(100L, 300L, 500L, 900L), List.of(200L, 400L)));

    assertThat(startTs(StreamsPendingView.oldest(stores, 450, 3)))
        .containsExactly(100L, 200L, 300L);
    assertThat(startTs(StreamsPendingView.oldest(stores, 450, 10)))
        .containsExactly(100L, 200L, 300L, 400L);
    assertThat(startTs(StreamsPendingView.oldest(stores, 99, 10))).isEmpty();
    assertThat(StreamsPendingView.oldest(stores, 450, 1).get(0).partition()).isZero();
    assertThat(StreamsPendingView.oldest(stores, 250, 1).get(0).primaryKey())
        .isEqualTo(RawTestRecords.primaryKey(100));
  }

  private static List<Long> startTs(final List<PendingPrewrite> pending) {
    return pending.stream().map(PendingPrewrite::startTs).toList();
  }

  /** Partition i holds the i-th list. */
  private static final class ConcatenatedStores implements ReadOnlyKeyValueStore<Bytes, byte[]> {
    private final List<List<Long>> partitions;

    ConcatenatedStores(final List<List<Long>> partitions) {
      this.partitions = partitions;
    }

    @Override
    public byte[] get(final Bytes key) {
      throw new UnsupportedOperationException();
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(final Bytes from, final Bytes to) {
      final long low = PairingKeys.startTsOf(from);
      final long high = PairingKeys.startTsOf(to);
      final List<KeyValue<Bytes, byte[]>> entries = new ArrayList<>();
      for (int p = 0; p < partitions.size(); p++) {
        for (final long ts : partitions.get(p)) {
          if (ts >= low && ts <= high) {
            final PendingMeta meta =
                new PendingMeta(p, ts, RawTestRecords.primaryKey(ts), 0, 0, 1, 1, 1024);
            entries.add(KeyValue.pair(PairingKeys.startTs(ts), meta.encode()));
          }
        }
      }
      final Iterator<KeyValue<Bytes, byte[]>> it = entries.iterator();
      return new KeyValueIterator<>() {
        @Override
        public void close() {}

        @Override
        public Bytes peekNextKey() {
          throw new UnsupportedOperationException();
        }

        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public KeyValue<Bytes, byte[]> next() {
          return it.next();
        }
      };
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
      throw new UnsupportedOperationException();
    }

    @Override
    public long approximateNumEntries() {
      return 0;
    }
  }
}
