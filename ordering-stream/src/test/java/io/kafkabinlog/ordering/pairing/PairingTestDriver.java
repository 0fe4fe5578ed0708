package io.kafkabinlog.ordering.pairing;

import io.kafkabinlog.common.kafka.TopicNames;
import io.kafkabinlog.ordering.merge.MergeMessage;
import io.kafkabinlog.ordering.merge.MergeMessageSerde;
import io.kafkabinlog.ordering.observe.OrderingObserver;
import io.kafkabinlog.ordering.topology.TopologySettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Stage 1 alone in a {@link TopologyTestDriver}: raw and resolutions -> {@link PairingStage} with
 * its stores -> the "merge" topic (Integer key, {@link MergeMessageSerde}). The driver runs one
 * task of partition 0.
 */
final class PairingTestDriver implements AutoCloseable {
  static final String MERGE = "merge";
  static final Instant START = Instant.parse("2026-03-01T00:00:00Z");

  final TopologySettings settings;
  final TopologyTestDriver driver;
  final TestInputTopic<byte[], byte[]> raw;
  final TestInputTopic<byte[], byte[]> resolutions;
  final TestOutputTopic<Integer, MergeMessage> merge;

  PairingTestDriver(
      final Path stateDir,
      final int fragmentBytes,
      final Duration watermarkInterval,
      final OrderingObserver observer) {
    this.settings =
        TopologySettings.defaults(new TopicNames("test", "c1"), 1)
            .withFragmentBytes(fragmentBytes)
            .withWatermarkInterval(watermarkInterval);
    this.driver = new TopologyTestDriver(topology(settings, observer), properties(stateDir), START);
    this.raw =
        driver.createInputTopic(
            settings.rawTopic(), new ByteArraySerializer(), new ByteArraySerializer());
    this.resolutions =
        driver.createInputTopic(
            settings.resolutionsTopic(), new ByteArraySerializer(), new ByteArraySerializer());
    this.merge =
        driver.createOutputTopic(
            MERGE, new IntegerDeserializer(), new MergeMessageSerde().deserializer());
  }

  static Topology topology(final TopologySettings settings, final OrderingObserver observer) {
    final PairingStage stage = new PairingStage(settings, observer);
    final Topology topology = new Topology();
    topology.addSource(
        "raw-source",
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer(),
        settings.rawTopic(),
        settings.resolutionsTopic());
    topology.addProcessor(PairingStage.PROCESSOR, stage.supplier(), "raw-source");
    for (final StoreBuilder<?> store : stage.storeBuilders()) {
      topology.addStateStore(store, PairingStage.PROCESSOR);
    }
    topology.addSink(
        "merge-sink",
        MERGE,
        new IntegerSerializer(),
        new MergeMessageSerde().serializer(),
        PairingStage.PROCESSOR);
    return topology;
  }

  static Properties properties(final Path stateDir) {
    final Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "stage1-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    // Kafka 4.x warns on every driver unless this is set; the driver has no global thread anyway.
    props.put("processing.exception.handler.global.enabled", "true");
    return props;
  }

  List<MergeMessage> read() {
    return merge.readValuesToList();
  }

  KeyValueStore<Bytes, byte[]> store(final String name) {
    return driver.getKeyValueStore(name);
  }

  long entries(final String name) {
    long n = 0;
    try (var all = store(name).all()) {
      while (all.hasNext()) {
        all.next();
        n++;
      }
    }
    return n;
  }

  @Override
  public void close() {
    driver.close();
  }
}
