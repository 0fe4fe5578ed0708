package io.kafkabinlog.ordering.merge;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * In-memory byte stores whose content outlives a TopologyTestDriver (which deletes its state
 * directory on close): a second driver over the same instance starts from the state the first one
 * left, as a restarted task does after restoring its changelogs. Ordered like RocksDB (unsigned
 * lexicographic keys).
 */
final class DurableStores {
  private final Map<String, NavigableMap<Bytes, byte[]>> contents = new TreeMap<>();

  KeyValueBytesStoreSupplier supplier(final String name) {
    NavigableMap<Bytes, byte[]> map = contents.computeIfAbsent(name, n -> new TreeMap<>());
    return new KeyValueBytesStoreSupplier() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public KeyValueStore<Bytes, byte[]> get() {
        return new Store(name, map);
      }

      @Override
      public String metricsScope() {
        return "durable-test";
      }
    };
  }

  /** Entries of store {@code name}. */
  int size(final String name) {
    NavigableMap<Bytes, byte[]> map = contents.get(name);
    return map == null ? 0 : map.size();
  }

  private static final class Store implements KeyValueStore<Bytes, byte[]> {
    private final String name;
    private final NavigableMap<Bytes, byte[]> map;
    private final Position position = Position.emptyPosition();
    private boolean open;

    Store(final String name, final NavigableMap<Bytes, byte[]> map) {
      this.name = name;
      this.map = map;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void init(final StateStoreContext context, final StateStore root) {
      context.register(root, (key, value) -> put(Bytes.wrap(key), value));
      open = true;
    }

    @Override
    public void close() {
      open = false;
    }

    @Override
    public boolean persistent() {
      return true;
    }

    @Override
    public boolean isOpen() {
      return open;
    }

    @Override
    public void put(final Bytes key, final byte[] value) {
      if (value == null) {
        map.remove(key);
      } else {
        map.put(key, value);
      }
    }

    @Override
    public byte[] putIfAbsent(final Bytes key, final byte[] value) {
      byte[] old = map.get(key);
      if (old == null) {
        put(key, value);
      }
      return old;
    }

    @Override
    public void putAll(final List<KeyValue<Bytes, byte[]>> entries) {
      entries.forEach(e -> put(e.key, e.value));
    }

    @Override
    public byte[] delete(final Bytes key) {
      return map.remove(key);
    }

    @Override
    public byte[] get(final Bytes key) {
      return map.get(key);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(final Bytes from, final Bytes to) {
      if (from.compareTo(to) > 0) {
        return iterator(List.of());
      }
      return iterator(snapshot(map.subMap(from, true, to, true)));
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
      return iterator(snapshot(map));
    }

    @Override
    public Position getPosition() {
      return position;
    }

    @Override
    public long approximateNumEntries() {
      return map.size();
    }

    private static List<KeyValue<Bytes, byte[]>> snapshot(final Map<Bytes, byte[]> entries) {
      List<KeyValue<Bytes, byte[]>> copy = new ArrayList<>();
      entries.forEach((k, v) -> copy.add(KeyValue.pair(k, v)));
      return copy;
    }

    private static KeyValueIterator<Bytes, byte[]> iterator(
        final List<KeyValue<Bytes, byte[]>> entries) {
      return new KeyValueIterator<>() {
        private int position;

        @Override
        public void close() {}

        @Override
        public Bytes peekNextKey() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          return entries.get(position).key;
        }

        @Override
        public boolean hasNext() {
          return position < entries.size();
        }

        @Override
        public KeyValue<Bytes, byte[]> next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          return entries.get(position++);
        }
      };
    }
  }
}
