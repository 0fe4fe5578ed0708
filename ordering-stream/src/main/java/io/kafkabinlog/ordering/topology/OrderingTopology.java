package io.kafkabinlog.ordering.topology;

import io.kafkabinlog.ordering.decode.DecodeStage;
import io.kafkabinlog.ordering.decode.SchemaSource;
import io.kafkabinlog.ordering.merge.ControlMessage;
import io.kafkabinlog.ordering.merge.MergeInput;
import io.kafkabinlog.ordering.merge.MergeMessageSerde;
import io.kafkabinlog.ordering.merge.MergeStage;
import io.kafkabinlog.ordering.observe.OrderingObserver;
import io.kafkabinlog.ordering.output.OutputRecord;
import io.kafkabinlog.ordering.output.OutputSerde;
import io.kafkabinlog.ordering.pairing.PairingStage;
import java.util.List;
import java.util.stream.Stream;
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

  public Topology build() {
    PairingStage pairing = new PairingStage(settings, observer);
    MergeStage merge = new MergeStage(settings, observer);
    DecodeStage decode = new DecodeStage(settings, schemaSource, observer);

    StreamsBuilder builder = new StreamsBuilder();
    addStores(builder, pairing.storeBuilders());
    addStores(builder, merge.storeBuilders());
    addStores(builder, decode.storeBuilders());

    KStream<byte[], byte[]> raw =
        builder.stream(
            List.of(settings.rawTopic(), settings.resolutionsTopic()),
            Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("raw-source"));
    KStream<Integer, MergeInput> fromPumps =
        raw.process(
                pairing.supplier(),
                Named.as(PairingStage.PROCESSOR),
                names(pairing.storeBuilders()))
            .repartition(
                Repartitioned.with(Serdes.Integer(), new MergeMessageSerde())
                    .withName(MERGE_REPARTITION)
                    .withNumberOfPartitions(1))
            .mapValues(m -> (MergeInput) m, Named.as("merge-input"));
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
            Produced.with(
                    Serdes.ByteArray(),
                    (org.apache.kafka.common.serialization.Serde<OutputRecord>)
                        new OutputSerde(avroSerializer))
                .withStreamPartitioner(OutputSerde.partitioner())
                .withName("outputs"));
    return builder.build();
  }

  private static void addStores(final StreamsBuilder builder, final List<StoreBuilder<?>> stores) {
    stores.forEach(builder::addStateStore);
  }

  private static String[] names(final List<StoreBuilder<?>> stores) {
    return stores.stream().map(StoreBuilder::name).toArray(String[]::new);
  }

  /** Every store name of the topology (status, tests). */
  public static Stream<String> storeNames(final List<StoreBuilder<?>> stores) {
    return stores.stream().map(StoreBuilder::name);
  }
}
