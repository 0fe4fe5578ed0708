package io.kafkabinlog.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("integration")
@Timeout(120)
class KafkaServiceExtensionIT {
  @RegisterExtension static final KafkaServiceExtension KAFKA = new KafkaServiceExtension();

  @Test
  void shouldProduceAndConsumeOnAUniqueTopicOfTheLocalBroker() throws Exception {
    final String topic = KAFKA.createTopic("events", 3);
    assertThat(topic).startsWith("it.kafkaserviceextensionit-shouldproduceandconsume");

    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KAFKA.producerConfig())) {
      for (int i = 0; i < 100; i++) {
        producer.send(new ProducerRecord<>(topic, i % 3, null, ("r" + i).getBytes())).get();
      }
    }
    final List<String> seen = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KAFKA.consumerConfig())) {
      consumer.subscribe(List.of(topic));
      final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (seen.size() < 100 && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          seen.add(new String(record.value()));
        }
      }
    }
    assertThat(seen).hasSize(100).doesNotHaveDuplicates().contains("r0", "r99");
  }

  @Test
  void shouldDeleteTheTestsTopicsOnCleanUp() throws Exception {
    final String topic = KAFKA.createTopic("doomed", 1);
    assertThat(KAFKA.admin().listTopics().names().get(30, TimeUnit.SECONDS)).contains(topic);

    KAFKA.cleanUp();

    // Deletion is asynchronous on the broker; the name disappears from the listing quickly.
    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    boolean gone = false;
    while (!gone && System.nanoTime() < deadline) {
      gone = !KAFKA.admin().listTopics().names().get(30, TimeUnit.SECONDS).contains(topic);
      if (!gone) {
        Thread.sleep(100);
      }
    }
    assertThat(gone).as("topic %s deleted", topic).isTrue();
  }
}
