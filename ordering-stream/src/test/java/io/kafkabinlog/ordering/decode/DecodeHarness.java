package io.kafkabinlog.ordering.decode;

import io.kafkabinlog.common.kafka.TopicNames;
import io.kafkabinlog.ordering.decode.OrderedEvent.OrderedTxn;
import io.kafkabinlog.ordering.decode.OrderedEvent.Resolved;
import io.kafkabinlog.ordering.output.OutputRecord;
import io.kafkabinlog.ordering.output.OutputSerde;
import io.kafkabinlog.ordering.payload.ByteArrayPayload;
import io.kafkabinlog.ordering.payload.FragmentedPayload;
import io.kafkabinlog.ordering.topology.PoisonPolicy;
import io.kafkabinlog.ordering.topology.TopologySettings;
import io.kafkabinlog.schemas.binlog.Binlogs;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.PrewriteValue;
import io.kafkabinlog.schemas.proto.binlog.TableMutation;
import io.kafkabinlog.schemas.registry.AvroDeserializer;
import io.kafkabinlog.schemas.registry.AvroSerializer;
import io.kafkabinlog.schemas.registry.SchemaRegistryClient;
import io.kafkabinlog.schemas.registry.SchemaRegistryServer;
import io.kafkabinlog.schemas.registry.SchemaStore;
import io.kafkabinlog.schemas.tableinfo.Job;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.catalog.Catalog;
import io.kafkabinlog.tidbsim.catalog.DdlPlan;
import io.kafkabinlog.tidbsim.catalog.DdlStatement;
import io.kafkabinlog.tidbsim.mutation.TxnMutationsBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Stage 3 alone in a TopologyTestDriver, wired as OrderingTopology wires it: a test source hands
 * OrderedTxn / Resolved events to the DecodeStage processor, whose records go to the topic and
 * partition it chose through OutputSerde with the registry's Avro serializer (embedded registry).
 * Binlogs are made by tidb-sim's catalog (DDL jobs, history) and mutation builder (prewrites).
 */
final class DecodeHarness implements AutoCloseable {
  static final String IN = "ordered-in";
  static final TopicNames NAMES = new TopicNames("binlog", "c1");

  /** A transaction's binlog and its timestamps. */
  record Txn(long startTs, long commitTs, byte[] binlog) {}

  /** A DDL job and its binlog(s) (two for DROP COLUMN). */
  record Ddl(Job job, List<Txn> binlogs) {
    Txn last() {
      return binlogs.get(binlogs.size() - 1);
    }
  }

  /** One output record: partition chosen by stage 3, key, deserialized value (Avro topics). */
  record Out(int partition, long key, GenericRecord value) {}

  final TopologySettings settings;
  final Catalog catalog;
  final CatalogSchemaSource source;
  final RecordingObserver observer = new RecordingObserver();
  private final boolean ownsCatalog;
  private final SchemaRegistryServer registry;
  private final TopologyTestDriver driver;
  private final TestInputTopic<Long, byte[]> input;
  private final List<OutputRecord> captured = new ArrayList<>();
  private final AvroDeserializer avro;
  private final TestOutputTopic<byte[], GenericRecord> txnTopic;
  private final TestOutputTopic<byte[], GenericRecord> rowsTopic;
  private final TestOutputTopic<byte[], byte[]> deadLetterTopic;
  private final List<Out> txnRead = new ArrayList<>();
  private final List<Out> rowsRead = new ArrayList<>();
  private int txnCaptured;
  private int rowsCaptured;
  private long ts = 1000;
  private Function<byte[], FragmentedPayload> payloads = b -> new ByteArrayPayload(b, 1024);

  DecodeHarness(final Path dir, final TopologySettings settings) {
    this(dir, settings, null);
  }

  /** With {@code catalog} null a new one in {@code dir}/catalog. */
  DecodeHarness(final Path dir, final TopologySettings settings, final Catalog shared) {
    this.settings = settings;
    this.ownsCatalog = shared == null;
    this.catalog = shared != null ? shared : Catalog.open(dir.resolve("catalog"));
    this.source = new CatalogSchemaSource(catalog);
    try {
      this.registry = SchemaRegistryServer.start("127.0.0.1", 0, new SchemaStore());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    SchemaRegistryClient client = new SchemaRegistryClient(registry.url());
    this.avro = new AvroDeserializer(client, null);

    DecodeStage stage = new DecodeStage(settings, source, observer);
    StreamsBuilder builder = new StreamsBuilder();
    List<StoreBuilder<?>> stores = stage.storeBuilders();
    stores.forEach(builder::addStateStore);
    builder.stream(IN, Consumed.with(Serdes.Long(), Serdes.ByteArray()))
        .process(() -> new Feeder(b -> payloads.apply(b)), Named.as("test-feeder"))
        .process(
            stage.supplier(),
            Named.as(DecodeStage.PROCESSOR),
            stores.stream().map(StoreBuilder::name).toArray(String[]::new))
        .peek((k, v) -> captured.add(v))
        .to(
            (key, value, context) -> value.topic(),
            Produced.with(
                    Serdes.ByteArray(), new OutputSerde(new AvroSerializer(client, false, true)))
                .withStreamPartitioner(OutputSerde.partitioner()));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "stage3-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
    this.driver = new TopologyTestDriver(builder.build(), props);
    this.input = driver.createInputTopic(IN, new LongSerializer(), new ByteArraySerializer());
    this.txnTopic =
        driver.createOutputTopic(
            settings.txnTopic(), new ByteArrayDeserializer(), (t, b) -> avro.deserialize(t, b));
    this.rowsTopic =
        driver.createOutputTopic(
            settings.rowsTopic(), new ByteArrayDeserializer(), (t, b) -> avro.deserialize(t, b));
    this.deadLetterTopic =
        driver.createOutputTopic(
            settings.deadLetterTopic(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  static TopologySettings settings(
      final int rowsPartitions, final int maxRows, final PoisonPolicy policy) {
    return new TopologySettings(
        NAMES.raw(),
        NAMES.resolutions(),
        NAMES.control(),
        NAMES.txn(),
        NAMES.rows(),
        NAMES.deadLetter(),
        rowsPartitions,
        TopologySettings.DEFAULT_FRAGMENT_BYTES,
        Duration.ofMillis(20),
        maxRows,
        512 * 1024,
        3,
        Duration.ofMillis(1),
        policy);
  }

  /** Payloads of the following transactions are made by {@code factory}. */
  void payloads(final Function<byte[], FragmentedPayload> factory) {
    this.payloads = factory;
  }

  long nextTs() {
    return (ts++) << 18;
  }

  /** Advances the TSO clock by {@code millis} physical milliseconds. */
  long tsAfter(final long millis) {
    ts += millis;
    return nextTs();
  }

  // ------------------------------------------------------------------ making binlogs

  /** Runs a DDL in the catalog: its job lands in the history, its binlog(s) are returned. */
  Ddl ddl(final DdlStatement statement) {
    DdlPlan plan = catalog.plan(statement);
    List<Integer> states = plan.binlogSchemaStates();
    List<Txn> binlogs = new ArrayList<>();
    Job job = null;
    for (int i = 0; i < states.size(); i++) {
      long start = nextTs();
      long commit = nextTs();
      Binlog b = Binlogs.ddl(start, plan.jobId(), states.get(i), plan.query());
      if (i == states.size() - 1) {
        job = catalog.commit(plan, start, commit);
      }
      binlogs.add(new Txn(start, commit, b.toByteArray()));
    }
    return new Ddl(job, binlogs);
  }

  /** A DML prewrite at the catalog's current schema version. */
  Txn dml(final Consumer<TxnMutationsBuilder> body) {
    long start = nextTs();
    TxnMutationsBuilder b = new TxnMutationsBuilder(catalog.schemaVersion());
    body.accept(b);
    Binlog p = Binlogs.prewrite(start, b.primaryKey(), b.build());
    return new Txn(start, nextTs(), p.toByteArray());
  }

  /** A prewrite with hand-made mutations. */
  Txn prewrite(final long schemaVersion, final TableMutation... mutations) {
    long start = nextTs();
    PrewriteValue.Builder v = PrewriteValue.newBuilder().setSchemaVersion(schemaVersion);
    for (TableMutation m : mutations) {
      v.addMutations(m);
    }
    return new Txn(start, nextTs(), Binlogs.prewrite(start, v.build()).toByteArray());
  }

  TableInfo table(final String db, final String name) {
    return catalog.table(db, name).orElseThrow();
  }

  // ------------------------------------------------------------------ feeding

  void send(final Txn txn) {
    send(txn.commitTs(), txn.startTs(), txn.binlog());
  }

  void send(final Ddl ddl) {
    ddl.binlogs().forEach(this::send);
  }

  void send(final long commitTs, final long startTs, final byte[] binlog) {
    ByteBuffer b = ByteBuffer.allocate(9 + binlog.length);
    b.put((byte) 'T').putLong(startTs).put(binlog);
    input.pipeInput(commitTs, b.array());
  }

  void resolved(final long w) {
    input.pipeInput(w, ByteBuffer.allocate(9).put((byte) 'R').putLong(w).array());
  }

  // ------------------------------------------------------------------ reading

  /** Everything on the txn topic so far. */
  List<Out> txn() {
    drain();
    return List.copyOf(txnRead);
  }

  /** Everything on the rows topic so far. */
  List<Out> rows() {
    drain();
    return List.copyOf(rowsRead);
  }

  List<TestRecord<byte[], byte[]>> deadLetters() {
    return deadLetterTopic.readRecordsToList();
  }

  /** Reads the topics, pairing each record with the partition stage 3 chose (same order). */
  private void drain() {
    for (TestRecord<byte[], GenericRecord> r : txnTopic.readRecordsToList()) {
      OutputRecord o = nextCaptured(settings.txnTopic(), true);
      txnRead.add(new Out(o.partition(), ByteBuffer.wrap(r.key()).getLong(), r.value()));
    }
    for (TestRecord<byte[], GenericRecord> r : rowsTopic.readRecordsToList()) {
      OutputRecord o = nextCaptured(settings.rowsTopic(), false);
      rowsRead.add(new Out(o.partition(), ByteBuffer.wrap(r.key()).getLong(), r.value()));
    }
  }

  private OutputRecord nextCaptured(final String topic, final boolean txn) {
    int seen = 0;
    int wanted = txn ? txnCaptured++ : rowsCaptured++;
    for (OutputRecord o : captured) {
      if (o.topic().equals(topic)) {
        if (seen == wanted) {
          return o;
        }
        seen++;
      }
    }
    throw new IllegalStateException("no captured record " + wanted + " of " + topic);
  }

  static long header(final Headers headers, final String name) {
    byte[] v = headers.lastHeader(name).value();
    return v.length == 8 ? ByteBuffer.wrap(v).getLong() : ByteBuffer.wrap(v).getInt();
  }

  @Override
  public void close() {
    driver.close();
    registry.close();
    if (ownsCatalog) {
      catalog.close();
    }
  }

  /** Turns test input records into ordered events, as stage 2 would hand them on. */
  private static final class Feeder implements Processor<Long, byte[], Long, OrderedEvent> {
    private final Function<byte[], FragmentedPayload> payloads;
    private ProcessorContext<Long, OrderedEvent> context;

    Feeder(final Function<byte[], FragmentedPayload> payloads) {
      this.payloads = payloads;
    }

    @Override
    public void init(final ProcessorContext<Long, OrderedEvent> context) {
      this.context = context;
    }

    @Override
    public void process(final Record<Long, byte[]> record) {
      ByteBuffer b = ByteBuffer.wrap(record.value());
      byte kind = b.get();
      long ts = b.getLong();
      OrderedEvent event;
      if (kind == 'R') {
        event = new Resolved(ts);
      } else {
        byte[] binlog = new byte[b.remaining()];
        b.get(binlog);
        event = new OrderedTxn(record.key(), ts, 0, payloads.apply(binlog));
      }
      context.forward(new Record<>(record.key(), event, record.timestamp()));
    }
  }
}
