package io.kafkabinlog.ordering.merge;

import io.kafkabinlog.common.kafka.TopicNames;
import io.kafkabinlog.ordering.decode.OrderedEvent;
import io.kafkabinlog.ordering.observe.OrderingObserver;
import io.kafkabinlog.ordering.payload.FragmentedPayload;
import io.kafkabinlog.ordering.topology.TopologySettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Stage 2 alone in a TopologyTestDriver: a merge-input topic (partition -> MergeMessage) and a
 * control topic (PumpControl bytes, parsed and keyed by partition as the real topology does) feed
 * the {@link MergeStage} processor, whose ordered events a capture processor turns into plain
 * records (reading each payload while it is valid, as stage 3 does).
 */
final class MergeHarness implements AutoCloseable {
  static final int FRAGMENT_BYTES = 1024;
  private static final String MERGE_TOPIC = "merge-in";
  private static final String CONTROL_TOPIC = "control";
  private static final String OUT_TOPIC = "ordered-out";
  private static final byte TXN = 'T';
  private static final byte RESOLVED = 'R';

  /** What stage 2 handed on, in order. */
  sealed interface Event permits Emitted, Resolved {}

  /** An emitted transaction as stage 3 saw it. */
  record Emitted(long commitTs, long startTs, int partition, byte[] payload) implements Event {}

  /** A resolved ts. */
  record Resolved(long ts) implements Event {}

  private final Path stateDir;
  private final DurableStores durable;
  private final OrderingObserver observer;
  private final List<StoredPayload> seenPayloads = new ArrayList<>();
  private TopologyTestDriver driver;
  private TestInputTopic<Integer, MergeMessage> merge;
  private TestInputTopic<byte[], byte[]> control;
  private TestOutputTopic<Long, byte[]> out;
  private final List<Event> log = new ArrayList<>();
  private final List<Emitted> unreadTxns = new ArrayList<>();
  private final List<Long> unreadResolved = new ArrayList<>();

  /**
   * @param durable stores that survive {@link #restart()}, or null for the real (RocksDB) ones
   */
  MergeHarness(final Path stateDir, final DurableStores durable, final OrderingObserver observer) {
    this.stateDir = stateDir;
    this.durable = durable;
    this.observer = observer;
    open();
  }

  private void open() {
    TopologySettings settings =
        TopologySettings.defaults(new TopicNames("test", "1"), 1).withFragmentBytes(FRAGMENT_BYTES);
    MergeStage stage = new MergeStage(settings, observer);
    List<StoreBuilder<?>> stores =
        durable == null ? stage.storeBuilders() : stage.storeBuilders(durable::supplier);

    Deserializer<MergeInput> mergeInput = (topic, bytes) -> MergeMessageSerde.decode(bytes);
    Topology topology = new Topology();
    topology.addSource("merge-source", new IntegerDeserializer(), mergeInput, MERGE_TOPIC);
    topology.addSource(
        "control-source",
        Serdes.ByteArray().deserializer(),
        Serdes.ByteArray().deserializer(),
        CONTROL_TOPIC);
    topology.addProcessor("control-parse", ControlParse::new, "control-source");
    topology.addProcessor(MergeStage.PROCESSOR, stage.supplier(), "merge-source", "control-parse");
    for (StoreBuilder<?> store : stores) {
      topology.addStateStore(store, MergeStage.PROCESSOR);
    }
    topology.addProcessor("capture", () -> new Capture(seenPayloads), MergeStage.PROCESSOR);
    topology.addSink("sink", OUT_TOPIC, new LongSerializer(), new ByteArraySerializer(), "capture");

    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "stage2-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(topology, props);
    merge =
        driver.createInputTopic(
            MERGE_TOPIC, new IntegerSerializer(), new MergeMessageSerde().serializer());
    control =
        driver.createInputTopic(
            CONTROL_TOPIC, new ByteArraySerializer(), new ByteArraySerializer());
    out =
        driver.createOutputTopic(
            OUT_TOPIC, new LongDeserializer(), Serdes.ByteArray().deserializer());
  }

  /** Closes the driver and opens a new one over the same durable stores (a task restart). */
  void restart() {
    if (durable == null) {
      throw new IllegalStateException("restart needs durable stores");
    }
    drain();
    driver.close();
    open();
  }

  // ---- inputs ----

  /** Sends every fragment of a transaction from {@code partition}. */
  void txn(final int partition, final long startTs, final long commitTs, final byte[] payload) {
    fragments(partition, startTs, commitTs, payload).forEach(this::send);
  }

  void send(final MergeMessage message) {
    merge.pipeInput(message.partition(), message);
  }

  void watermark(final int partition, final long ts) {
    send(new MergeMessage.PumpWatermark(partition, ts));
  }

  void join(final int partition, final String node, final long joinTs) {
    control(new ControlMessage(ControlMessage.Kind.JOIN, node, partition, joinTs, 0));
  }

  void heartbeat(final long ts) {
    control(new ControlMessage(ControlMessage.Kind.HEARTBEAT, "hb", 0, ts, 0));
  }

  void leave(final int partition, final String node, final long leaveTs) {
    control(new ControlMessage(ControlMessage.Kind.LEAVE, node, partition, leaveTs, 42));
  }

  void control(final ControlMessage message) {
    control.pipeInput(message.toBytes());
  }

  /** The fragments stage 1 would send for a transaction. */
  static List<MergeMessage.TxnFragment> fragments(
      final int partition, final long startTs, final long commitTs, final byte[] payload) {
    int count = FragmentedPayload.fragmentCount(payload.length, FRAGMENT_BYTES);
    List<MergeMessage.TxnFragment> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int from = i * FRAGMENT_BYTES;
      byte[] data =
          Arrays.copyOfRange(payload, from, Math.min(payload.length, from + FRAGMENT_BYTES));
      out.add(
          new MergeMessage.TxnFragment(
              partition, startTs, commitTs, i, count, FRAGMENT_BYTES, payload.length, data));
    }
    return out;
  }

  // ---- outputs ----

  /** Transactions emitted since the last call. */
  List<Emitted> emitted() {
    drain();
    List<Emitted> txns = List.copyOf(unreadTxns);
    unreadTxns.clear();
    return txns;
  }

  /** Commit ts of the transactions emitted since the last call. */
  List<Long> emittedCommits() {
    return emitted().stream().map(Emitted::commitTs).toList();
  }

  /** Resolved ts emitted since the last call. */
  List<Long> resolved() {
    drain();
    List<Long> ts = List.copyOf(unreadResolved);
    unreadResolved.clear();
    return ts;
  }

  /** Everything stage 2 handed on so far, across restarts, in order. */
  List<Event> log() {
    drain();
    return log;
  }

  private void drain() {
    for (var r : out.readRecordsToList()) {
      ByteBuffer b = ByteBuffer.wrap(r.value());
      if (b.get() == RESOLVED) {
        log.add(new Resolved(r.key()));
        unreadResolved.add(r.key());
        continue;
      }
      long startTs = b.getLong();
      int partition = b.getInt();
      byte[] payload = new byte[b.remaining()];
      b.get(payload);
      Emitted e = new Emitted(r.key(), startTs, partition, payload);
      log.add(e);
      unreadTxns.add(e);
    }
  }

  /** Entries in one of stage 2's stores. */
  int entries(final String store) {
    int n = 0;
    try (KeyValueIterator<Object, Object> all =
        driver.<Object, Object>getKeyValueStore(store).all()) {
      while (all.hasNext()) {
        all.next();
        n++;
      }
    }
    return n;
  }

  /** Payloads handed to the capture processor, in order. */
  List<StoredPayload> seenPayloads() {
    return seenPayloads;
  }

  @Override
  public void close() {
    driver.close();
  }

  /** Parses control records as the ordering topology does: keyed by partition. */
  private static final class ControlParse
      implements Processor<byte[], byte[], Integer, MergeInput> {
    private ProcessorContext<Integer, MergeInput> context;

    @Override
    public void init(final ProcessorContext<Integer, MergeInput> processorContext) {
      this.context = processorContext;
    }

    @Override
    public void process(final Record<byte[], byte[]> record) {
      ControlMessage message = ControlMessage.parse(record.value());
      context.forward(record.withKey(message.partition()).withValue((MergeInput) message));
    }
  }

  /** Stands in for stage 3: reads each payload during the call, as stage 3 must. */
  private static final class Capture implements Processor<Long, OrderedEvent, Long, byte[]> {
    private final List<StoredPayload> seen;
    private ProcessorContext<Long, byte[]> context;

    Capture(final List<StoredPayload> seen) {
      this.seen = seen;
    }

    @Override
    public void init(final ProcessorContext<Long, byte[]> processorContext) {
      this.context = processorContext;
    }

    @Override
    public void process(final Record<Long, OrderedEvent> record) {
      OrderedEvent event = record.value();
      if (event instanceof OrderedEvent.OrderedTxn txn) {
        if (txn.payload() instanceof StoredPayload stored) {
          seen.add(stored);
        }
        byte[] payload;
        try {
          payload = txn.payload().openAt(0).readAllBytes();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        byte[] value =
            ByteBuffer.allocate(13 + payload.length)
                .put(TXN)
                .putLong(txn.startTs())
                .putInt(txn.sourcePartition())
                .put(payload)
                .array();
        context.forward(record.withValue(value));
      } else {
        context.forward(record.withValue(new byte[] {RESOLVED}));
      }
    }
  }
}
