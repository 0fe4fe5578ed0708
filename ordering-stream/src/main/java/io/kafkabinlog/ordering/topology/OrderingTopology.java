package io.kafkabinlog.ordering.topology;

import io.kafkabinlog.ordering.decode.DecodeStage;
import io.kafkabinlog.ordering.decode.SchemaSource;
import io.kafkabinlog.ordering.merge.ControlMessage;
import io.kafkabinlog.ordering.merge.MergeInput;
import io.kafkabinlog.ordering.merge.MergeMessage;
import io.kafkabinlog.ordering.merge.MergeMessageSerde;
import io.kafkabinlog.ordering.merge.MergeStage;
import io.kafkabinlog.ordering.observe.OrderingObserver;
import io.kafkabinlog.ordering.output.OutputSerde;
import io.kafkabinlog.ordering.pairing.PairingStage;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Builds the ordering stream's topology; pure (no I/O), so {@code TopologyTestDriver} tests run the
 * very topology the application runs.
 *
 * <pre>
 * raw + resolutions (co-partitioned) -> stage1-pair -> merge (internal repartition topic, 1 partition)
 * control -> control-parse ---------------------------\
 * merge ----------------------------------------------+-> stage2-merge -> stage3-decode -> txn, rows, dead-letter
 * </pre>
 */
public final class OrderingTopology {
  /** Name of the internal single-partition topic between stage 1 and stage 2. */
  public static final String MERGE_REPARTITION = "merge";

  private final TopologySettings settings;
  private final SchemaSource schemaSource;
  private final Serializer<GenericRecord> avroSerializer;
  private final OrderingObserver observer;

  public OrderingTopology(
      final TopologySettings settings,
      final SchemaSource schemaSource,
      final Serializer<GenericRecord> avroSerializer,
      final OrderingObserver observer) {
    this.settings = settings;
    this.schemaSource = schemaSource;
    this.avroSerializer = avroSerializer;
    this.observer = observer;
  }

  /** The application's topology: both halves joined by the internal merge repartition topic. */
  public Topology build() {
    StreamsBuilder builder = new StreamsBuilder();
    KStream<Integer, MergeMessage> pairs = pairing(builder);
    KStream<Integer, MergeMessage> merged =
        pairs.repartition(
            Repartitioned.with(Serdes.Integer(), new MergeMessageSerde())
                .withName(MERGE_REPARTITION)
                .withNumberOfPartitions(1));
    mergeAndDecode(builder, merged);
    return builder.build();
  }

  /**
   * Stage 1 alone, writing its messages to {@code mergeTopic}: Kafka Streams runs the two halves as
   * separate sub-topologies anyway, and TopologyTestDriver (one partition per topic) needs them
   * apart to test several pumps: one driver per raw partition.
   */
  public Topology buildPairing(final String mergeTopic) {
    StreamsBuilder builder = new StreamsBuilder();
    pairing(builder)
        .to(
            mergeTopic,
            Produced.with(Serdes.Integer(), new MergeMessageSerde()).withName("merge-sink"));
    return builder.build();
  }

  /** Stages 2 and 3 alone, reading stage 1's messages from {@code mergeTopic}. */
  public Topology buildMergeAndDecode(final String mergeTopic) {
    StreamsBuilder builder = new StreamsBuilder();
    mergeAndDecode(
        builder,
        builder.stream(
            mergeTopic,
            Consumed.with(Serdes.Integer(), new MergeMessageSerde()).withName("merge-source")));
    return builder.build();
  }

  private KStream<Integer, MergeMessage> pairing(final StreamsBuilder builder) {
    PairingStage pairing = new PairingStage(settings, observer);
    addStores(builder, pairing.storeBuilders());
    KStream<byte[], byte[]> raw =
        builder.stream(
            List.of(settings.rawTopic(), settings.resolutionsTopic()),
            Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("raw-source"));
    return raw.process(
        pairing.supplier(), Named.as(PairingStage.PROCESSOR), names(pairing.storeBuilders()));
  }

  private void mergeAndDecode(
      final StreamsBuilder builder, final KStream<Integer, MergeMessage> fromPairing) {
    MergeStage merge = new MergeStage(settings, observer);
    DecodeStage decode = new DecodeStage(settings, schemaSource, observer);
    addStores(builder, merge.storeBuilders());
    addStores(builder, decode.storeBuilders());
    KStream<Integer, MergeInput> fromPumps =
        fromPairing.mapValues(m -> (MergeInput) m, Named.as("merge-input"));
    KStream<Integer, MergeInput> control =
        builder.stream(
                settings.controlTopic(),
                Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("control-source"))
            .map(
                (key, value) -> {
                  ControlMessage message = ControlMessage.parse(value);
                  return KeyValue.pair(message.partition(), (MergeInput) message);
                },
                Named.as("control-parse"));
    fromPumps
        .merge(control, Named.as("stage2-inputs"))
        .process(merge.supplier(), Named.as(MergeStage.PROCESSOR), names(merge.storeBuilders()))
        .process(decode.supplier(), Named.as(DecodeStage.PROCESSOR), names(decode.storeBuilders()))
        .to(
            (key, value, context) -> value.topic(),
            Produced.with(Serdes.ByteArray(), new OutputSerde(avroSerializer))
                .withStreamPartitioner(OutputSerde.partitioner())
                .withName("outputs"));
  }

  private static void addStores(final StreamsBuilder builder, final List<StoreBuilder<?>> stores) {
    stores.forEach(builder::addStateStore);
  }

  private static String[] names(final List<StoreBuilder<?>> stores) {
    return stores.stream().map(StoreBuilder::name).toArray(String[]::new);
  }
}
