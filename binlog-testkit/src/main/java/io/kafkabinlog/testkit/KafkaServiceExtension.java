package io.kafkabinlog.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Connects integration tests to the real local Kafka broker. Register it as
 * {@code @RegisterExtension static final KafkaServiceExtension KAFKA = new
 * KafkaServiceExtension();}; each test creates its topics with {@link #createTopic}, and they are
 * deleted after the test.
 */
public final class KafkaServiceExtension
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {
  private static final int MAX_TOPIC_LENGTH = 200;

  private final ServiceEndpoints endpoints;
  private final List<String> createdTopics = new ArrayList<>();
  private Admin admin;
  private String testName = "kafka-test";

  public KafkaServiceExtension() {
    this(ServiceEndpoints.fromEnvironment());
  }

  public KafkaServiceExtension(final ServiceEndpoints endpoints) {
    this.endpoints = endpoints;
  }

  @Override
  public void beforeAll(final ExtensionContext context) throws Exception {
    admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000));
    try {
      admin.describeCluster().nodes().get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      admin.close();
      admin = null;
      fail(ServiceEndpoints.unreachable("Kafka", endpoints.kafkaBootstrap(), e));
    }
  }

  @Override
  public void beforeEach(final ExtensionContext context) {
    testName = TestNames.unique(context, 120);
  }

  @Override
  public void afterEach(final ExtensionContext context) throws Exception {
    cleanUp();
  }

  @Override
  public void afterAll(final ExtensionContext context) {
    if (admin != null) {
      admin.close();
    }
  }

  public String bootstrapServers() {
    return endpoints.kafkaBootstrap();
  }

  /** The admin client, open between beforeAll and afterAll. */
  public Admin admin() {
    return admin;
  }

  /**
   * Creates a topic unique to the running test ({@code it.<class>-<method>-<random>.<name>}) and
   * returns its name; it is deleted after the test.
   */
  public String createTopic(final String name, final int partitions) throws Exception {
    String topic = "it." + testName + "." + name;
    if (topic.length() > MAX_TOPIC_LENGTH) {
      topic = topic.substring(0, MAX_TOPIC_LENGTH);
    }
    admin
        .createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
        .all()
        .get(30, TimeUnit.SECONDS);
    createdTopics.add(topic);
    return topic;
  }

  /** Deletes the topics created since the last clean-up; runs after each test. */
  public void cleanUp() throws Exception {
    if (!createdTopics.isEmpty()) {
      admin.deleteTopics(List.copyOf(createdTopics)).all().get(30, TimeUnit.SECONDS);
      createdTopics.clear();
    }
  }

  /** Producer settings for the broker: idempotent, acks=all, byte-array serialisers. */
  public Map<String, Object> producerConfig() {
    final Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
        "org.apache.kafka.common.serialization.ByteArraySerializer");
    config.put(
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
        "org.apache.kafka.common.serialization.ByteArraySerializer");
    return config;
  }

  /** Consumer settings with a group unique to the running test, reading from the beginning. */
  public Map<String, Object> consumerConfig() {
    final Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafkaBootstrap());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "it." + testName);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
        "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    config.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
        "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    return config;
  }
}
