package io.kafkabinlog.ordering.topology;

import io.kafkabinlog.common.kafka.TopicNames;
import io.kafkabinlog.ordering.merge.ControlMessage;
import io.kafkabinlog.ordering.merge.MergeMessage;
import io.kafkabinlog.ordering.merge.MergeMessageSerde;
import io.kafkabinlog.ordering.observe.OrderingObserver;
import io.kafkabinlog.ordering.pairing.KafkaResolutionWriter;
import io.kafkabinlog.ordering.pairing.PairingStage;
import io.kafkabinlog.ordering.pairing.PendingPrewrite;
import io.kafkabinlog.ordering.pairing.PendingStores;
import io.kafkabinlog.ordering.pairing.PendingView;
import io.kafkabinlog.ordering.pairing.ResolutionWriter;
import io.kafkabinlog.schemas.binlog.Binlogs;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.raw.BinlogHeader;
import io.kafkabinlog.schemas.raw.ChunkHeader;
import io.kafkabinlog.schemas.raw.RawRecords;
import io.kafkabinlog.schemas.registry.AvroDeserializer;
import io.kafkabinlog.schemas.registry.AvroSerializer;
import io.kafkabinlog.schemas.registry.SchemaRegistryClient;
import io.kafkabinlog.schemas.registry.SchemaRegistryServer;
import io.kafkabinlog.schemas.registry.SchemaStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The ordering stream's topology in {@link TopologyTestDriver}s, fed with raw, resolution and
 * control records as pumps and the resolver write them, with its txn topic read back through an
 * in-process schema registry. A driver has one partition per topic, so each pump's partition gets a
 * driver of its own running stage 1 ({@link OrderingTopology#buildPairing}), and one more driver
 * runs stages 2 and 3 ({@link OrderingTopology#buildMergeAndDecode}); stage 1's messages wait in a
 * queue (the merge topic) until {@link #deliver} hands them on, so tests choose how the merge topic
 * and the control topic interleave. With {@code autoDeliver} they are handed on at once.
 */
final class OrderingDriver implements AutoCloseable {
  /** One record of the txn topic, decoded. */
  record TxnRecord(
      long commitTs, long startTs, int fragment, boolean last, int rows, boolean ddl) {}

  private final TopicNames names = new TopicNames("test", "1");
  private final SchemaRegistryServer registry;
  private static final String MERGE = "merge";
  private final Properties props;
  private final OrderingTopology topology;
  private final Path stateDir;
  private final List<PumpDriver> pumps = new ArrayList<>();
  private final java.util.ArrayDeque<KeyValue<Integer, MergeMessage>> mergeQueue =
      new java.util.ArrayDeque<>();
  private final TopologyTestDriver driver;
  private final TestInputTopic<Integer, MergeMessage> merge;
  private final TestInputTopic<byte[], byte[]> control;
  private final TestOutputTopic<byte[], byte[]> txn;
  private final TestOutputTopic<byte[], byte[]> rows;
  private boolean autoDeliver = true;
  private final AvroDeserializer avro;
  private final List<TxnRecord> transactions = new ArrayList<>();
  private final List<GenericRecord> transactionValues = new ArrayList<>();
  private final List<GenericRecord> rowsValues = new ArrayList<>();
  private final List<Long> markers = new ArrayList<>();

  OrderingDriver(final TestUpstream upstream, final Path stateDir, final OrderingObserver observer)
      throws java.io.IOException {
    this(upstream, stateDir, observer, settings -> settings);
  }

  OrderingDriver(
      final TestUpstream upstream,
      final Path stateDir,
      final OrderingObserver observer,
      final java.util.function.UnaryOperator<TopologySettings> tune)
      throws java.io.IOException {
    this.registry = SchemaRegistryServer.start("127.0.0.1", 0, new SchemaStore());
    final SchemaRegistryClient client = new SchemaRegistryClient(registry.url());
    final TopologySettings settings =
        tune.apply(
            TopologySettings.defaults(names, 3).withWatermarkInterval(java.time.Duration.ZERO));
    this.props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, names.applicationId("ordering-stream"));
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    this.stateDir = stateDir;
    this.topology =
        new OrderingTopology(
            settings, upstream.schemaSource(), new AvroSerializer(client, false, true), observer);
    this.driver =
        new TopologyTestDriver(topology.buildMergeAndDecode(MERGE), withStateDir("merge"), START);
    this.merge =
        driver.createInputTopic(
            MERGE, new IntegerSerializer(), new MergeMessageSerde().serializer());
    final ByteArraySerializer bytes = new ByteArraySerializer();
    this.control = driver.createInputTopic(names.control(), bytes, bytes);
    this.txn =
        driver.createOutputTopic(
            names.txn(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.rows =
        driver.createOutputTopic(
            names.rows(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.avro = new AvroDeserializer(client, null);
  }

  private static final boolean TRACE = Boolean.getBoolean("ordering.trace");
  private static final Instant START = Instant.ofEpochMilli(1_700_000_000_000L);

  private Properties withStateDir(final String name) {
    final Properties p = new Properties();
    p.putAll(props);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(name).toString());
    return p;
  }

  /** Hand stage 1's messages to stage 2 as they are made (true, default) or on {@link #deliver}. */
  void autoDeliver(final boolean on) {
    this.autoDeliver = on;
  }

  /** Stage 1 messages not yet handed to stage 2. */
  int queued() {
    return mergeQueue.size();
  }

  /** Hands up to {@code n} queued stage 1 messages to stage 2, oldest first. */
  void deliver(final int n) {
    for (int i = 0; i < n && !mergeQueue.isEmpty(); i++) {
      final KeyValue<Integer, MergeMessage> next = mergeQueue.poll();
      if (TRACE) {
        System.out.println("deliver " + next.value);
      }
      merge.pipeInput(next.key, next.value);
    }
  }

  /** Wall-clock time for every driver (punctuators). */
  void advanceWallClock(final java.time.Duration by) {
    pumps.forEach(p -> p.driver.advanceWallClockTime(by));
    collectAll();
    driver.advanceWallClockTime(by);
  }

  private PumpDriver pump(final int partition) {
    while (pumps.size() <= partition) {
      pumps.add(new PumpDriver(pumps.size()));
    }
    return pumps.get(partition);
  }

  private void collectAll() {
    pumps.forEach(PumpDriver::collect);
    if (autoDeliver) {
      deliver(Integer.MAX_VALUE);
    }
  }

  /** Stage 1 of one raw partition, in a driver of its own. */
  private final class PumpDriver {
    private final int partition;
    private final TopologyTestDriver driver;
    private final TestInputTopic<byte[], byte[]> raw;
    private final TestInputTopic<byte[], byte[]> resolutions;
    private final TestOutputTopic<Integer, MergeMessage> out;

    PumpDriver(final int partition) {
      this.partition = partition;
      this.driver =
          new TopologyTestDriver(
              topology.buildPairing(MERGE), withStateDir("pump-" + partition), START);
      final ByteArraySerializer bytes = new ByteArraySerializer();
      this.raw = driver.createInputTopic(names.raw(), bytes, bytes);
      this.resolutions = driver.createInputTopic(names.resolutions(), bytes, bytes);
      this.out =
          driver.createOutputTopic(
              MERGE, new IntegerDeserializer(), new MergeMessageSerde().deserializer());
    }

    /** Stage 1's pending prewrites, as the resolver sees them (with this pump's partition). */
    List<PendingPrewrite> pending(final long maxStartTs, final int limit) {
      return PendingStores.oldest(
              driver.<Bytes, byte[]>getKeyValueStore(PairingStage.PENDING_STORE), maxStartTs, limit)
          .stream()
          .map(
              p -> new PendingPrewrite(partition, p.startTs(), p.primaryKey(), p.firstSeenMillis()))
          .toList();
    }

    /** Moves stage 1's output to the merge queue, as partition {@code partition} wrote it. */
    void collect() {
      while (!out.isEmpty()) {
        mergeQueue.add(KeyValue.pair(partition, asPartition(out.readValue(), partition)));
      }
    }
  }

  /** A driver's only partition is 0; the message says which pump it came from. */
  private static MergeMessage asPartition(final MergeMessage m, final int partition) {
    if (m instanceof MergeMessage.TxnFragment f) {
      return new MergeMessage.TxnFragment(
          partition,
          f.startTs(),
          f.commitTs(),
          f.index(),
          f.count(),
          f.fragmentSize(),
          f.totalLength(),
          f.data());
    }
    return new MergeMessage.PumpWatermark(partition, ((MergeMessage.PumpWatermark) m).ts());
  }

  TopicNames names() {
    return names;
  }

  void binlog(final int partition, final Binlog binlog) {
    trace("raw", partition, binlog);
    raw(partition, record(binlog));
  }

  void resolution(final int partition, final Binlog binlog) {
    trace("resolution", partition, binlog);
    resolution(partition, record(binlog));
  }

  private static void trace(final String source, final int partition, final Binlog binlog) {
    if (TRACE) {
      System.out.printf(
          "%s %d %s %d %d%n",
          source, partition, binlog.getTp(), binlog.getStartTs(), binlog.getCommitTs());
    }
  }

  /** A raw record as a pump wrote it (e.g. one chunk of a large binlog), headers and all. */
  void raw(final int partition, final TestRecord<byte[], byte[]> record) {
    pump(partition).raw.pipeInput(record);
    collectAll();
  }

  /** A resolution record as the resolver wrote it, headers and all. */
  void resolution(final int partition, final TestRecord<byte[], byte[]> record) {
    pump(partition).resolutions.pipeInput(record);
    collectAll();
  }

  /**
   * {@code binlog} cut into chunks of {@code chunkBytes} as a pump cuts a binlog above the topic's
   * max message size: one group, each chunk with the "binlog" header and a "chunk" header carrying
   * the group, its index and count, the whole length and the CRC-32C of the whole payload.
   */
  void chunked(final int partition, final Binlog binlog, final int chunkBytes) {
    final byte[] payload = binlog.toByteArray();
    final CRC32C crc = new CRC32C();
    crc.update(payload);
    final UUID group = UUID.randomUUID();
    final int count = (payload.length + chunkBytes - 1) / chunkBytes;
    for (int index = 0; index < count; index++) {
      final ChunkHeader chunk =
          new ChunkHeader(group, index, count, payload.length, (int) crc.getValue());
      final RecordHeaders headers = binlogHeaders(binlog);
      headers.add(RawRecords.CHUNK_HEADER, chunk.encode());
      raw(
          partition,
          new TestRecord<>(
              RawRecords.key(binlog.getStartTs()),
              Arrays.copyOfRange(
                  payload, index * chunkBytes, Math.min(payload.length, (index + 1) * chunkBytes)),
              headers,
              (Instant) null));
    }
  }

  /** Stage 1's pending prewrites over every pump, oldest first, as the application's view. */
  PendingView pendingView() {
    return (maxStartTs, limit) ->
        pumps.stream()
            .flatMap(p -> p.pending(maxStartTs, limit).stream())
            .sorted(Comparator.comparingLong(PendingPrewrite::startTs))
            .limit(limit)
            .toList();
  }

  /**
   * The application's {@link KafkaResolutionWriter} over a mock producer, each record it writes
   * piped into the resolutions topic of its partition once acknowledged.
   */
  ResolutionWriter resolutionWriter() {
    final MockProducer<byte[], byte[]> producer =
        new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    final KafkaResolutionWriter writer =
        new KafkaResolutionWriter(producer, names.resolutions(), java.time.Duration.ofSeconds(5));
    return (partition, startTs, commitTs) -> {
      writer.write(partition, startTs, commitTs);
      final List<ProducerRecord<byte[], byte[]>> written = producer.history();
      final ProducerRecord<byte[], byte[]> last = written.get(written.size() - 1);
      resolution(
          last.partition(),
          new TestRecord<>(last.key(), last.value(), last.headers(), (Instant) null));
    };
  }

  void prewrite(final int partition, final Binlog prewrite) {
    binlog(partition, prewrite);
  }

  void commit(final int partition, final long startTs, final long commitTs) {
    binlog(partition, Binlogs.commit(startTs, commitTs));
  }

  void rollback(final int partition, final long startTs) {
    binlog(partition, Binlogs.rollback(startTs));
  }

  void fake(final int partition, final long ts) {
    binlog(partition, Binlogs.fake(ts));
  }

  void control(final ControlMessage message) {
    if (TRACE) {
      System.out.println("control " + message);
    }
    control.pipeInput(
        new TestRecord<>(message.nodeId().getBytes(StandardCharsets.UTF_8), message.toBytes()));
  }

  void join(final int partition, final long ts) {
    control(new ControlMessage(ControlMessage.Kind.JOIN, "pump-" + partition, partition, ts, -1));
  }

  void heartbeat(final int partition, final long ts) {
    control(
        new ControlMessage(ControlMessage.Kind.HEARTBEAT, "pump-" + partition, partition, ts, -1));
  }

  void leave(final int partition, final long ts) {
    control(new ControlMessage(ControlMessage.Kind.LEAVE, "pump-" + partition, partition, ts, 0));
  }

  /** Every txn-topic transaction record published so far (fragments included), in order. */
  List<TxnRecord> transactions() {
    drain();
    return transactions;
  }

  /** Commit ts of every complete transaction published so far, in order. */
  List<Long> committed() {
    return transactions().stream().filter(TxnRecord::last).map(TxnRecord::commitTs).toList();
  }

  /** Every txn-topic transaction record published so far (fragments included), as Avro. */
  List<GenericRecord> transactionValues() {
    drain();
    return transactionValues;
  }

  /** Every rows-topic transaction record published so far, as Avro (markers left out). */
  List<GenericRecord> rows() {
    while (!rows.isEmpty()) {
      final GenericRecord value = avro.deserialize(names.rows(), rows.readValue());
      if (!value.getSchema().getName().equals("ResolvedTs")) {
        rowsValues.add(value);
      }
    }
    return rowsValues;
  }

  /** The resolved-ts markers of the txn topic so far. */
  List<Long> markers() {
    drain();
    return markers;
  }

  private void drain() {
    while (!txn.isEmpty()) {
      final GenericRecord value = avro.deserialize(names.txn(), txn.readValue());
      if (value.getSchema().getName().equals("ResolvedTs")) {
        markers.add((Long) value.get("resolved_ts"));
      } else {
        transactionValues.add(value);
        transactions.add(
            new TxnRecord(
                (Long) value.get("commit_ts"),
                (Long) value.get("start_ts"),
                (Integer) value.get("fragment"),
                (Boolean) value.get("last_fragment"),
                ((List<?>) value.get("rows")).size(),
                value.get("ddl") != null));
      }
    }
  }

  private static TestRecord<byte[], byte[]> record(final Binlog binlog) {
    final RecordHeaders headers = binlogHeaders(binlog);
    return new TestRecord<>(
        RawRecords.key(binlog.getStartTs()), binlog.toByteArray(), headers, (Instant) null);
  }

  private static RecordHeaders binlogHeaders(final Binlog binlog) {
    final RecordHeaders headers = new RecordHeaders();
    headers.add(
        RawRecords.BINLOG_HEADER,
        new BinlogHeader(binlog.getTp(), binlog.getStartTs(), binlog.getCommitTs()).encode());
    return headers;
  }

  @Override
  public void close() {
    pumps.forEach(p -> p.driver.close());
    driver.close();
    registry.close();
  }
}
