package io.kafkabinlog.ordering.topology;

import io.kafkabinlog.common.kafka.TopicNames;
import io.kafkabinlog.ordering.merge.ControlMessage;
import io.kafkabinlog.ordering.observe.OrderingObserver;
import io.kafkabinlog.schemas.binlog.Binlogs;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.raw.BinlogHeader;
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
import java.util.List;
import java.util.Properties;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The ordering stream's full topology in a {@link TopologyTestDriver}, fed with raw, resolution and
 * control records as pumps and the resolver write them, with its txn topic read back through an
 * in-process schema registry.
 */
final class OrderingDriver implements AutoCloseable {
  /** One record of the txn topic, decoded. */
  record TxnRecord(
      long commitTs, long startTs, int fragment, boolean last, int rows, boolean ddl) {}

  private final TopicNames names = new TopicNames("test", "1");
  private final SchemaRegistryServer registry;
  private final TopologyTestDriver driver;
  private final TestInputTopic<byte[], byte[]> raw;
  private final TestInputTopic<byte[], byte[]> resolutions;
  private final TestInputTopic<byte[], byte[]> control;
  private final TestOutputTopic<byte[], byte[]> txn;
  private final AvroDeserializer avro;
  private final List<TxnRecord> transactions = new ArrayList<>();
  private final List<Long> markers = new ArrayList<>();

  OrderingDriver(
      final TestUpstream upstream, final Path stateDir, final OrderingObserver observer) {
    this(upstream, stateDir, observer, settings -> settings);
  }

  OrderingDriver(
      final TestUpstream upstream,
      final Path stateDir,
      final OrderingObserver observer,
      final java.util.function.UnaryOperator<TopologySettings> tune) {
    this.registry = SchemaRegistryServer.start("127.0.0.1", 0, new SchemaStore());
    final SchemaRegistryClient client = new SchemaRegistryClient(registry.url());
    final TopologySettings settings =
        tune.apply(
            TopologySettings.defaults(names, 3).withWatermarkInterval(java.time.Duration.ZERO));
    final Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, names.applicationId("ordering-stream"));
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    this.driver =
        new TopologyTestDriver(
            new OrderingTopology(
                    settings,
                    upstream.schemaSource(),
                    new AvroSerializer(client, false, true),
                    observer)
                .build(),
            props,
            Instant.ofEpochMilli(1_700_000_000_000L));
    final ByteArraySerializer bytes = new ByteArraySerializer();
    this.raw = driver.createInputTopic(names.raw(), bytes, bytes);
    this.resolutions = driver.createInputTopic(names.resolutions(), bytes, bytes);
    this.control = driver.createInputTopic(names.control(), bytes, bytes);
    this.txn =
        driver.createOutputTopic(
            names.txn(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.avro = new AvroDeserializer(client, null);
  }

  TopicNames names() {
    return names;
  }

  TopologyTestDriver driver() {
    return driver;
  }

  void binlog(final int partition, final Binlog binlog) {
    raw.pipeInput(record(names.raw(), partition, binlog));
  }

  void resolution(final int partition, final Binlog binlog) {
    resolutions.pipeInput(record(names.resolutions(), partition, binlog));
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

  private static TestRecord<byte[], byte[]> record(
      final String topic, final int partition, final Binlog binlog) {
    final RecordHeaders headers = new RecordHeaders();
    headers.add(
        RawRecords.BINLOG_HEADER,
        new BinlogHeader(binlog.getTp(), binlog.getStartTs(), binlog.getCommitTs()).encode());
    return new PartitionedRecord(
        RawRecords.key(binlog.getStartTs()), binlog.toByteArray(), headers, partition);
  }

  @Override
  public void close() {
    driver.close();
    registry.close();
  }

  /** TestRecord has no partition; the driver takes it from a subclass-free field: see below. */
  private static final class PartitionedRecord extends TestRecord<byte[], byte[]> {
    PartitionedRecord(
        final byte[] key, final byte[] value, final RecordHeaders headers, final int partition) {
      super(key, value, headers, (Instant) null);
    }
  }
}
