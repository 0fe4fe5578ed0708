package io.kafkabinlog.common.kafka;

import io.kafkabinlog.common.error.BoundedWait;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.RetriableBinlogException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a component does with Kafka's {@link Admin} to make sure its topics exist, each call bounded
 * by a timeout: create a topic unless it exists (another process creating it at the same moment is
 * fine), describe topics just created (waiting for their metadata to reach the broker answering),
 * read their effective configs. A late or failed call is a {@link RetriableBinlogException}
 * KAFKA_UNAVAILABLE naming the setting that says where Kafka is.
 */
public final class TopicAdmin {
  private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);

  private final Admin admin;
  private final Duration timeout;
  private final String bootstrapSetting;

  /**
   * @param timeout bound of each request to Kafka
   * @param bootstrapSetting how errors name the setting to check, e.g. {@code
   *     "kafka.bootstrap-servers"}
   */
  public TopicAdmin(final Admin admin, final Duration timeout, final String bootstrapSetting) {
    this.admin = Objects.requireNonNull(admin, "admin");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.bootstrapSetting = Objects.requireNonNull(bootstrapSetting, "bootstrapSetting");
  }

  /** {@code configured} with its defaults applied for the cluster's number of brokers. */
  public TopicReplication resolve(final TopicReplication configured) {
    return configured.resolvedFor(
        await(admin.describeCluster().nodes(), "describe the cluster").size());
  }

  /** Creates {@code topic}; one that exists already is left as it is. */
  public void createIfAbsent(final NewTopic topic) {
    try {
      await(admin.createTopics(List.of(topic)).all(), "create topic " + topic.name());
      LOG.info(
          "created topic {} ({} partitions, replication {}, {})",
          topic.name(),
          topic.numPartitions(),
          topic.replicationFactor(),
          topic.configs());
    } catch (RetriableBinlogException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
  }

  /** Describes topics just created, waiting for their metadata to reach the broker answering. */
  public Map<String, TopicDescription> describe(final List<String> topics) {
    final String what = "describe topics " + topics;
    final long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        return await(admin.describeTopics(topics).allTopicNames(), what);
      } catch (RetriableBinlogException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw e;
        }
      }
      pause(what);
    }
  }

  /** The topics' effective configs, by topic name. */
  public Map<String, Config> configs(final List<String> topics) {
    final List<ConfigResource> resources =
        topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
    final Map<ConfigResource, Config> described =
        await(admin.describeConfigs(resources).all(), "describe topic configs " + topics);
    final Map<String, Config> byTopic = new HashMap<>();
    described.forEach((resource, config) -> byTopic.put(resource.name(), config));
    return byTopic;
  }

  /**
   * {@code e} as a component's start reports it: a KAFKA_UNAVAILABLE one says which brokers did not
   * answer within {@code timeout} (any other is returned as it is).
   */
  public static RetriableBinlogException namingBrokers(
      final RetriableBinlogException e, final String bootstrapServers, final Duration timeout) {
    if (e.code() != ErrorCode.KAFKA_UNAVAILABLE) {
      return e;
    }
    return new RetriableBinlogException(
        ErrorCode.KAFKA_UNAVAILABLE,
        "Kafka at kafka.bootstrap-servers="
            + bootstrapServers
            + " did not answer within "
            + timeout.toSeconds()
            + " s; check the brokers and the setting ("
            + e.getMessage()
            + ")",
        e);
  }

  /** The value of {@code name} in {@code config}, or {@code fallback} if it has none. */
  public static String value(final Config config, final String name, final String fallback) {
    final ConfigEntry entry = config == null ? null : config.get(name);
    return entry == null || entry.value() == null ? fallback : entry.value();
  }

  private static void pause(final String what) {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriableBinlogException(
          ErrorCode.SHUTTING_DOWN, "interrupted while waiting for Kafka to " + what, e);
    }
  }

  private <T> T await(final KafkaFuture<T> future, final String what) {
    return BoundedWait.await(
        future, timeout, ErrorCode.KAFKA_UNAVAILABLE, "Kafka", what, bootstrapSetting);
  }
}
