package io.kafkabinlog.pump.membership;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.pump.membership.OrderingProgress.Progress;
import io.kafkabinlog.pump.membership.OrderingProgress.State;
import io.kafkabinlog.testkit.KafkaServiceExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("integration")
@Timeout(90)
class OrderingProgressIT {
  @RegisterExtension static final KafkaServiceExtension KAFKA = new KafkaServiceExtension();

  @Test
  void shouldTellNoGroupFromBehindFromPassed() throws Exception {
    final String raw = KAFKA.createTopic("raw", 2);
    final String control = KAFKA.createTopic("control", 1);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KAFKA.producerConfig())) {
      for (int i = 0; i < 10; i++) {
        producer.send(new ProducerRecord<>(raw, 1, null, new byte[] {(byte) i}));
        producer.send(new ProducerRecord<>(control, 0, null, new byte[] {(byte) i}));
      }
      producer.flush();
    }
    final Map<String, Object> config = KAFKA.consumerConfig();
    final String group = (String) config.get(ConsumerConfig.GROUP_ID_CONFIG);
    final OrderingProgress progress =
        new OrderingProgress(KAFKA.admin(), group, Duration.ofSeconds(15));
    final TopicPartition rawPartition = new TopicPartition(raw, 1);
    final TopicPartition controlPartition = new TopicPartition(control, 0);
    // The pump's final fake binlog at raw offset 5, its LEAVE at control offset 7.
    final Map<TopicPartition, Long> closing = Map.of(rawPartition, 5L, controlPartition, 7L);

    try {
      assertThat(progress.check(closing)).isEqualTo(new Progress(State.NO_GROUP, 0));

      try (KafkaConsumer<byte[], byte[]> stream = new KafkaConsumer<>(config)) {
        stream.assign(List.of(rawPartition, controlPartition));
        // Read up to the fake binlog but not the LEAVE.
        stream.commitSync(
            Map.of(
                rawPartition,
                new OffsetAndMetadata(6),
                controlPartition,
                new OffsetAndMetadata(4)));
        assertThat(progress.check(closing)).isEqualTo(new Progress(State.BEHIND, 4));
        // Only the raw partition asked: passed.
        assertThat(progress.check(Map.of(rawPartition, 5L)).state()).isEqualTo(State.PASSED);
        // The record at the position itself was not read yet: committed offset == position.
        stream.commitSync(Map.of(controlPartition, new OffsetAndMetadata(7)));
        assertThat(progress.check(closing)).isEqualTo(new Progress(State.BEHIND, 1));

        stream.commitSync(Map.of(controlPartition, new OffsetAndMetadata(8)));
        assertThat(progress.check(closing)).isEqualTo(new Progress(State.PASSED, 0));

        // A partition the group never committed counts as behind from its start.
        final TopicPartition otherRaw = new TopicPartition(raw, 0);
        assertThat(progress.check(Map.of(rawPartition, 5L, otherRaw, 2L)))
            .isEqualTo(new Progress(State.BEHIND, 3));
      }
    } finally {
      KAFKA.admin().deleteConsumerGroups(List.of(group)).all().get(30, TimeUnit.SECONDS);
    }
  }
}
