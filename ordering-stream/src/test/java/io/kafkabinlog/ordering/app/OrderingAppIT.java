package io.kafkabinlog.ordering.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkabinlog.common.config.SettingOrigin;
import io.kafkabinlog.common.config.Settings;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.txnstatus.TxnStatusResolver;
import io.kafkabinlog.ordering.config.OrderingConfig;
import io.kafkabinlog.ordering.config.OrderingConfigLoader;
import io.kafkabinlog.ordering.decode.SchemaSource;
import io.kafkabinlog.ordering.observe.OrderingObserver;
import io.kafkabinlog.ordering.pairing.ResolutionWriter;
import io.kafkabinlog.ordering.topology.TopologySettings;
import io.kafkabinlog.testkit.KafkaServiceExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application's lifecycle in-process against the real broker: topics, exactly-once Streams
 * under the application id the pumps wait on, the status API, the resolver's thread, a fatal error
 * and a graceful close. The stages are not part of it (they are tested on their own): a small
 * stand-in topology copies the control topic to the txn topic and fails on a record saying
 * "poison", and the resolver's pass only counts.
 */
@Tag("integration")
@Timeout(180)
class OrderingAppIT {
  @RegisterExtension static final KafkaServiceExtension KAFKA = new KafkaServiceExtension();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String POISON = "poison";

  @TempDir Path stateDir;

  private final String prefix = "it-ordapp-" + UUID.randomUUID().toString().substring(0, 8);
  private final AtomicInteger passes = new AtomicInteger();
  private final List<OrderingApp> started = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  /** Copies control to txn, failing like a stage on poison; the resolver only counts passes. */
  private final class StandIn implements OrderingWiring {
    private final IntSupplier pass;

    StandIn(final IntSupplier pass) {
      this.pass = pass;
    }

    @Override
    public Topology topology(
        final TopologySettings settings,
        final SchemaSource schemaSource,
        final Serializer<GenericRecord> avro,
        final OrderingObserver observer) {
      final StreamsBuilder builder = new StreamsBuilder();
      builder.stream(settings.controlTopic(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
          .mapValues(
              value -> {
                if (POISON.equals(new String(value, StandardCharsets.UTF_8))) {
                  throw new FatalBinlogException(
                      ErrorCode.MALFORMED_INPUT, "commit_ts 4242 table test.t1: poison record");
                }
                observer.published(1, 0, 1, false);
                return value;
              })
          .to(settings.txnTopic(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
      return builder.build();
    }

    @Override
    public IntSupplier resolver(
        final KafkaStreams streams,
        final TxnStatusResolver status,
        final ResolutionWriter writer,
        final Duration resolveAfter,
        final OrderingObserver observer) {
      return pass;
    }
  }

  private OrderingConfig config() {
    return OrderingConfigLoader.from(
        Settings.of(
            Map.of(
                "cluster-id", "42",
                "state-dir", stateDir.toString(),
                "status-addr", "127.0.0.1:0",
                "rows-partitions", "2",
                "close-timeout", "20s",
                "kafka.bootstrap-servers", KAFKA.bootstrapServers(),
                "kafka.topic-prefix", prefix,
                "kafka.raw-partitions", "2",
                "resolver.resolve-interval", "50ms"),
            new SettingOrigin(SettingOrigin.Kind.FLAG, "test")));
  }

  private OrderingApp start(final IntSupplier pass) {
    final OrderingApp app = OrderingApp.start(config(), new StandIn(pass));
    started.add(app);
    return app;
  }

  @AfterEach
  void cleanUp() throws Exception {
    started.forEach(app -> app.close(Duration.ofSeconds(10)));
    final List<String> mine =
        KAFKA.admin().listTopics().names().get(30, TimeUnit.SECONDS).stream()
            .filter(t -> t.startsWith(prefix + "."))
            .toList();
    if (!mine.isEmpty()) {
      KAFKA.admin().deleteTopics(mine).all().get(30, TimeUnit.SECONDS);
    }
    if (!started.isEmpty()) {
      try {
        // A closed Streams client stays a member until its session times out: best effort.
        KAFKA
            .admin()
            .deleteConsumerGroups(List.of(started.get(0).applicationId()))
            .all()
            .get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        // GroupNotEmptyException: it expires with the broker's offsets retention
      }
    }
  }

  private void produce(final String topic, final String... values) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KAFKA.producerConfig())) {
      for (final String value : values) {
        producer.send(new ProducerRecord<>(topic, value.getBytes(StandardCharsets.UTF_8))).get();
      }
    }
  }

  private List<String> readCommitted(final String topic, final int count) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KAFKA.consumerConfig())) {
      consumer.subscribe(List.of(topic));
      final List<String> values = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                for (final ConsumerRecord<byte[], byte[]> r :
                    consumer.poll(Duration.ofMillis(200))) {
                  values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
                return values.size() >= count;
              });
      return values;
    }
  }

  /** Everything committed in {@code topic} now: read until the consumer reaches its end. */
  private List<String> allCommitted(final String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KAFKA.consumerConfig())) {
      final TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      final long end = consumer.endOffsets(List.of(partition)).get(partition);
      final List<String> values = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                for (final ConsumerRecord<byte[], byte[]> r :
                    consumer.poll(Duration.ofMillis(200))) {
                  values.add(new String(r.value(), StandardCharsets.UTF_8));
                }
                return consumer.position(partition) >= end;
              });
      return values;
    }
  }

  private JsonNode status(final OrderingApp app) throws Exception {
    final HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.statusPort() + "/status"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  @Test
  void runsExactlyOnceUnderThePumpsGroupServesStatusAndClosesCleanly() throws Exception {
    final OrderingApp app = start(passes::incrementAndGet);
    assertThat(app.clusterId()).isEqualTo("42");
    assertThat(app.applicationId()).isEqualTo(prefix + ".42.ordering-stream");
    assertThat(app.topics().rawPartitions()).isEqualTo(2);
    assertThat(app.topics().rowsPartitions()).isEqualTo(2);
    await().atMost(Duration.ofSeconds(60)).until(() -> app.state() == KafkaStreams.State.RUNNING);

    produce(app.topics().control(), "a", "b", "c");
    assertThat(readCommitted(app.topics().txn(), 3)).containsExactly("a", "b", "c");
    // The closing pump's check: the group's committed offset on the control topic is past them.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              final Map<TopicPartition, OffsetAndMetadata> offsets =
                  KAFKA
                      .admin()
                      .listConsumerGroupOffsets(app.applicationId())
                      .partitionsToOffsetAndMetadata()
                      .get(10, TimeUnit.SECONDS);
              assertThat(offsets.get(new TopicPartition(app.topics().control(), 0)))
                  .isNotNull()
                  .extracting(OffsetAndMetadata::offset)
                  .isEqualTo(3L);
            });

    await().atMost(Duration.ofSeconds(10)).until(() -> passes.get() > 0);
    final JsonNode ordering = status(app).get("ordering");
    assertThat(ordering.get("streams").get("state").asText()).isEqualTo("RUNNING");
    assertThat(ordering.get("applicationId").asText()).isEqualTo(app.applicationId());
    assertThat(ordering.get("topics").get("txn").asText()).isEqualTo(app.topics().txn());
    assertThat(ordering.get("published").get("txns").asLong()).isEqualTo(3);
    assertThat(ordering.get("resolver").get("passes").asLong()).isPositive();

    assertThat(app.close(Duration.ofSeconds(20))).isTrue();
    assertThat(app.awaitExit(Duration.ofSeconds(1))).isTrue();
    assertThat(app.state()).isEqualTo(KafkaStreams.State.NOT_RUNNING);
    assertThat(app.failure()).isEmpty();
    assertThat(app.exitCode()).isZero();
  }

  @Test
  void aFailingRecordStopsTheStreamWithTheStagesMessageAndExitCode1() throws Exception {
    final OrderingApp app = start(passes::incrementAndGet);
    await().atMost(Duration.ofSeconds(60)).until(() -> app.state() == KafkaStreams.State.RUNNING);
    produce(app.topics().control(), "fine");
    assertThat(readCommitted(app.topics().txn(), 1)).containsExactly("fine");
    produce(app.topics().control(), "also fine", POISON, "never");

    assertThat(app.awaitExit(Duration.ofSeconds(60))).isTrue();
    assertThat(app.failure()).contains("commit_ts 4242 table test.t1: poison record");
    await().atMost(Duration.ofSeconds(30)).until(() -> app.state() == KafkaStreams.State.ERROR);
    final JsonNode streams = status(app).get("ordering").get("streams");
    assertThat(streams.get("state").asText()).isEqualTo("ERROR");
    assertThat(streams.get("error").asText()).contains("poison record");
    app.close(Duration.ofSeconds(20));
    assertThat(app.exitCode()).isEqualTo(1);
    // Exactly once: the transaction the poison was in aborted, with what it had produced; only
    // what an earlier commit covered is visible.
    assertThat(allCommitted(app.topics().txn())).containsExactly("fine");
  }

  @Test
  void aResolverFailureRetryingCannotFixStopsTheApp() throws Exception {
    final OrderingApp app =
        start(
            () -> {
              throw new IllegalStateException("pending store of partition 1 is unreadable");
            });
    assertThat(app.awaitExit(Duration.ofSeconds(60))).isTrue();
    assertThat(app.failure()).contains("pending store of partition 1 is unreadable");
    app.close(Duration.ofSeconds(20));
    assertThat(app.exitCode()).isEqualTo(1);
  }
}
