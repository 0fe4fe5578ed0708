package io.kafkabinlog.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Persists the registry's events to a single-partition compacted Kafka topic (like Confluent's
 * {@code _schemas}): key = what the event is about ({@code schema/<subject>/<version>}, {@code
 * config/<subject>}), value = the JSON event. Deletions are events too (never tombstones), so ids
 * stay resolvable after compaction. {@link #replayInto} rebuilds a store at start-up. One registry
 * process per topic: there is no leader election.
 */
public final class KafkaEventLog implements SchemaStore.EventLog, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long TIMEOUT_MS = 30_000;

  private final String bootstrap;
  private final String topic;
  private final KafkaProducer<String, String> producer;

  public KafkaEventLog(final String bootstrap, final String topic) {
    this.bootstrap = bootstrap;
    this.topic = topic;
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                TIMEOUT_MS,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                (int) TIMEOUT_MS,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                15_000,
                ProducerConfig.CLIENT_ID_CONFIG,
                "schema-registry-" + topic),
            new StringSerializer(),
            new StringSerializer());
  }

  /** Creates the topic (1 partition, compacted) if it is missing. */
  public void ensureTopic() {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                15_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) TIMEOUT_MS))) {
      NewTopic t =
          new NewTopic(topic, 1, (short) 1)
              .configs(
                  Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      admin.createTopics(List.of(t)).all().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException(
            "cannot create the schemas topic "
                + topic
                + " on Kafka "
                + bootstrap
                + ": "
                + e.getCause(),
            e.getCause());
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "Kafka at "
              + bootstrap
              + " did not answer within "
              + TIMEOUT_MS
              + " ms (schemas topic "
              + topic
              + ")",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Applies every event in the topic, from the beginning up to its current end; returns count. */
  public int replayInto(final SchemaStore store) {
    ensureTopic();
    TopicPartition tp = new TopicPartition(topic, 0);
    int count = 0;
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) TIMEOUT_MS),
            new StringDeserializer(),
            new StringDeserializer())) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      long deadline = System.currentTimeMillis() + 2 * TIMEOUT_MS;
      while (consumer.position(tp) < end) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException(
              "replaying the schemas topic " + topic + " did not reach offset " + end + " in time");
        }
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.value() != null) {
            store.apply(JSON.readTree(r.value()));
            count++;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("a record of the schemas topic " + topic + " is not JSON", e);
    }
    return count;
  }

  @Override
  public void append(final String key, final JsonNode event) {
    try {
      producer
          .send(new ProducerRecord<>(topic, 0, key, event.toString()))
          .get(TIMEOUT_MS + 5_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "writing to the schemas topic " + topic + " on " + bootstrap + " failed: " + e.getCause(),
          e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "writing to the schemas topic " + topic + " on " + bootstrap + " timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
