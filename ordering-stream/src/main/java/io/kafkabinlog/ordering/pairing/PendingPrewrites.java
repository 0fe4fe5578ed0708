package io.kafkabinlog.ordering.pairing;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The pending store of one partition, with its start_ts set mirrored in memory for the watermark
 * (count and oldest on every record without a store iterator). The mirror is rebuilt from the store
 * by {@link #load} whenever the task (re)initialises, so it never outlives a restore.
 */
final class PendingPrewrites {
  private final KeyValueStore<Bytes, byte[]> store;
  private final TreeSet<Long> startTs = new TreeSet<>();

  PendingPrewrites(final KeyValueStore<Bytes, byte[]> store) {
    this.store = store;
  }

  void load() {
    startTs.clear();
    try (KeyValueIterator<Bytes, byte[]> all = store.all()) {
      while (all.hasNext()) {
        startTs.add(PairingKeys.startTsOf(all.next().key));
      }
    }
  }

  Optional<PendingMeta> get(final long ts) {
    if (!startTs.contains(ts)) {
      return Optional.empty();
    }
    final byte[] bytes = store.get(PairingKeys.startTs(ts));
    if (bytes == null) {
      throw new FatalBinlogException(
          ErrorCode.INTERNAL, "stage 1 pending store lost start_ts " + ts + " behind its back");
    }
    try {
      return Optional.of(PendingMeta.decode(bytes));
    } catch (IllegalArgumentException e) {
      throw new FatalBinlogException(
          ErrorCode.INTERNAL, "stage 1 pending store holds an unreadable entry for " + ts, e);
    }
  }

  void put(final PendingMeta meta) {
    store.put(PairingKeys.startTs(meta.startTs()), meta.encode());
    startTs.add(meta.startTs());
  }

  void remove(final long ts) {
    store.put(PairingKeys.startTs(ts), null);
    startTs.remove(ts);
  }

  int count() {
    return startTs.size();
  }

  /** The smallest pending start_ts, or {@link Long#MAX_VALUE} when none is pending. */
  long oldest() {
    return startTs.isEmpty() ? Long.MAX_VALUE : startTs.first();
  }
}
