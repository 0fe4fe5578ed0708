package io.kafkabinlog.pump.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.pump.metrics.PumpMetrics;
import io.kafkabinlog.pump.testing.SwitchableClockTso;
import io.kafkabinlog.schemas.proto.control.PumpControl;
import io.kafkabinlog.testkit.KafkaServiceExtension;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("integration")
@Timeout(90)
class ControlTopicIT {
  @RegisterExtension static final KafkaServiceExtension KAFKA = new KafkaServiceExtension();

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final SwitchableClockTso tso = new SwitchableClockTso();
  private final PrometheusRegistry prometheus = new PrometheusRegistry();
  private final PumpMetrics metrics = new PumpMetrics(prometheus);

  @AfterEach
  void tearDown() {
    scheduler.shutdownNow();
  }

  @Test
  void shouldWriteJoinHeartbeatsAndLeaveInOrder() throws Exception {
    final String topic = KAFKA.createTopic("control", 1);
    final long joinTs;
    final long leaveOffset;
    try (ControlTopic control = controlTopic(topic, KAFKA.producerConfig())) {
      joinTs = control.join();
      control.startHeartbeats(Duration.ofMillis(20));
      await().atMost(Duration.ofSeconds(20)).until(() -> heartbeats() >= 5);
      final long finalTs = tso.getTimestamp();
      leaveOffset = control.leave(finalTs, 4242);

      final List<PumpControl> records = readAll(topic, leaveOffset + 1);
      assertThat(records).hasSizeGreaterThanOrEqualTo(7);
      assertThat(records.get(0).getKind()).isEqualTo(PumpControl.Kind.JOIN);
      assertThat(records.get(0).getTs()).isEqualTo(joinTs);
      assertThat(records.get(0).getRawOffset()).isEqualTo(-1);
      final PumpControl leave = records.get(records.size() - 1);
      assertThat(leave.getKind()).isEqualTo(PumpControl.Kind.LEAVE);
      assertThat(leave.getTs()).isEqualTo(finalTs);
      assertThat(leave.getRawOffset()).isEqualTo(4242);
      final List<PumpControl> beats = records.subList(1, records.size() - 1);
      assertThat(beats)
          .allSatisfy(
              r -> {
                assertThat(r.getKind()).isEqualTo(PumpControl.Kind.HEARTBEAT);
                assertThat(r.getRawOffset()).isEqualTo(-1);
              });
      assertThat(records)
          .allSatisfy(
              r -> {
                assertThat(r.getNodeId()).isEqualTo("pump-1:8250");
                assertThat(r.getPartition()).isEqualTo(3);
              });
      // JOIN and heartbeats in TSO order, every one fresh; L was taken before LEAVE.
      final List<Long> ts = new ArrayList<>();
      records.subList(0, records.size() - 1).forEach(r -> ts.add(r.getTs()));
      assertThat(ts).isSorted().doesNotHaveDuplicates();
      assertThat(heartbeats()).isGreaterThanOrEqualTo(beats.size());
    }
    // Nothing after LEAVE: the heartbeats stopped first.
    Thread.sleep(200);
    assertThat(endOffset(topic)).isEqualTo(leaveOffset + 1);
  }

  @Test
  void shouldKeyRecordsByNodeIdAndReturnTheLeaveOffset() throws Exception {
    final String topic = KAFKA.createTopic("control", 1);
    try (ControlTopic first = controlTopic(topic, KAFKA.producerConfig());
        ControlTopic second =
            new ControlTopic(
                new KafkaProducer<>(KAFKA.producerConfig()),
                topic,
                "pump-2:8250",
                5,
                tso,
                metrics,
                scheduler)) {
      first.join();
      second.join();
      assertThat(second.leave(tso.getTimestamp(), 7)).isEqualTo(2);
      assertThat(first.leave(tso.getTimestamp(), 8)).isEqualTo(3);
    }
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KAFKA.consumerConfig())) {
      final TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      final List<String> keys = new ArrayList<>();
      final long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (keys.size() < 4 && System.nanoTime() < deadline) {
        for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          keys.add(new String(r.key(), StandardCharsets.UTF_8));
        }
      }
      assertThat(keys).containsExactly("pump-1:8250", "pump-2:8250", "pump-2:8250", "pump-1:8250");
    }
  }

  @Test
  void shouldSkipHeartbeatsWhileTheTsoIsUnavailableAndResume() throws Exception {
    final String topic = KAFKA.createTopic("control", 1);
    try (ControlTopic control = controlTopic(topic, KAFKA.producerConfig())) {
      control.join();
      tso.setAvailable(false);
      control.startHeartbeats(Duration.ofMillis(20));
      Thread.sleep(300);
      assertThat(heartbeats()).isZero();
      tso.setAvailable(true);
      await().atMost(Duration.ofSeconds(20)).until(() -> heartbeats() >= 3);
    }
  }

  @Test
  void shouldFailJoinWithAMessageNamingTheTopicWhenKafkaIsUnreachable() {
    final Map<String, Object> config = KAFKA.producerConfig();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 500);
    try (ControlTopic control =
        new ControlTopic(
            new KafkaProducer<>(config),
            "it.nowhere.control",
            "pump-1:8250",
            3,
            tso,
            metrics,
            scheduler,
            Duration.ofSeconds(2))) {
      assertThatThrownBy(control::join)
          .isInstanceOf(RetriableBinlogException.class)
          .hasMessageContaining("control topic it.nowhere.control")
          .hasMessageContaining("JOIN");
    }
  }

  private ControlTopic controlTopic(final String topic, final Map<String, Object> config) {
    return new ControlTopic(
        new KafkaProducer<>(config), topic, "pump-1:8250", 3, tso, metrics, scheduler);
  }

  private double heartbeats() {
    return prometheus.scrape().stream()
        .filter(s -> s.getMetadata().getName().startsWith("binlog_pump_control_heartbeat"))
        .map(CounterSnapshot.class::cast)
        .flatMap(s -> s.getDataPoints().stream())
        .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
        .sum();
  }

  private static List<PumpControl> readAll(final String topic, final long upTo) throws Exception {
    final List<PumpControl> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KAFKA.consumerConfig())) {
      final TopicPartition partition = new TopicPartition(topic, 0);
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      final long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (out.size() < upTo && System.nanoTime() < deadline) {
        for (final ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          assertThat(r.offset()).isEqualTo(out.size());
          out.add(PumpControl.parseFrom(r.value()));
        }
      }
    }
    return out;
  }

  private static long endOffset(final String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KAFKA.consumerConfig())) {
      final TopicPartition partition = new TopicPartition(topic, 0);
      return consumer.endOffsets(List.of(partition)).get(partition);
    }
  }
}
