package io.kafkabinlog.ordering.app;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.common.kafka.TopicAdmin;
import io.kafkabinlog.common.kafka.TopicNames;
import io.kafkabinlog.common.kafka.TopicReplication;
import io.kafkabinlog.ordering.config.OrderingConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the ordering stream's topics exist and fit before it starts.
 *
 * <p>Created if absent, with {@code [kafka] replication-factor} (0: min(3, brokers)) and {@code
 * min.insync.replicas} ({@code [kafka] min-insync-replicas}, 0: min(2, replication factor)):
 *
 * <ul>
 *   <li>raw ({@code [kafka] raw-partitions}, 16, {@code max.message.bytes = [kafka]
 *       max-message-bytes}) and control (1 partition): the same as a pump creates them, so it does
 *       not matter which starts first;
 *   <li>resolutions: exactly the raw topic's partition count (stage 1 reads the two
 *       co-partitioned), raw's {@code max.message.bytes};
 *   <li>txn (1 partition), rows ({@code rows-partitions}), dead-letter (1 partition), each with
 *       {@code max.message.bytes} of at least {@link #maxMessageBytes}.
 * </ul>
 *
 * An existing topic is used as it is if it can work, and refused otherwise, naming the topic and
 * the setting: control or txn with more than one partition (their single order is the point),
 * resolutions not matching raw, rows not matching {@code rows-partitions}, a compacted raw or
 * resolutions topic (compaction by start_ts key would drop binlogs), an output topic whose {@code
 * max.message.bytes} is below the largest record the stream writes. Another process creating a
 * topic at the same moment is fine.
 */
public final class OrderingTopics {
  private static final Logger LOG = LoggerFactory.getLogger(OrderingTopics.class);

  /** Room for a published record's envelope around its row data (Avro fields, headers). */
  static final int RECORD_OVERHEAD = 64 << 10;

  /** Kafka's own default {@code max.message.bytes}; topics the stream creates get at least it. */
  static final int KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;

  /**
   * What the stream wants.
   *
   * @param rawPartitions partitions of a raw topic it creates
   * @param replicationFactor 0: min(3, brokers)
   * @param minInsyncReplicas 0: min(2, replication)
   * @param rawMaxMessageBytes max.message.bytes of a raw or resolutions topic it creates
   * @param rowsPartitions partitions the rows topic must have
   * @param recordMaxBytes the largest record the stream writes (outputs, internal topics)
   */
  public record Spec(
      int rawPartitions,
      short replicationFactor,
      int minInsyncReplicas,
      int rawMaxMessageBytes,
      int rowsPartitions,
      int recordMaxBytes) {

    public static Spec of(final OrderingConfig config) {
      return new Spec(
          config.topics().rawPartitions(),
          config.topics().replicationFactor(),
          config.topics().minInsyncReplicas(),
          config.topics().rawMaxMessageBytes(),
          config.rowsPartitions(),
          OrderingTopics.recordMaxBytes(
              config.stages().fragmentBytes(), config.stages().outputMaxBytes()));
    }
  }

  /**
   * The topics as they are.
   *
   * @param rawPartitions partitions of raw and resolutions
   * @param replicationFactor what topics the stream creates get (also for Streams' internal ones)
   * @param minInsyncReplicas likewise
   * @param maxMessageBytes max.message.bytes of the output topics the stream creates, and the
   *     producer's max.request.size
   */
  public record Layout(
      String raw,
      String resolutions,
      String control,
      String txn,
      String rows,
      String deadLetter,
      int rawPartitions,
      int rowsPartitions,
      short replicationFactor,
      int minInsyncReplicas,
      int maxMessageBytes) {}

  private final TopicAdmin admin;

  /**
   * @param timeout bound of each request to Kafka
   */
  public OrderingTopics(final Admin admin, final Duration timeout) {
    this.admin = new TopicAdmin(admin, timeout, "kafka.bootstrap-servers");
  }

  /** The largest record: row data of one published record (or one fragment) plus overhead. */
  public static int recordMaxBytes(final int fragmentBytes, final int outputMaxBytes) {
    return Math.max(fragmentBytes, outputMaxBytes) + RECORD_OVERHEAD;
  }

  /** max.message.bytes of an output topic the stream creates, and the producers' request size. */
  public static int maxMessageBytes(final int recordMaxBytes) {
    return Math.max(KAFKA_DEFAULT_MAX_MESSAGE_BYTES, recordMaxBytes);
  }

  /**
   * Creates what is missing, checks what exists, and returns the layout.
   *
   * @throws FatalBinlogException CONFIG_INVALID if an existing topic cannot be used (names the
   *     topic and the setting)
   * @throws RetriableBinlogException KAFKA_UNAVAILABLE if Kafka did not answer in time (names
   *     kafka.bootstrap-servers)
   */
  public Layout ensure(final TopicNames names, final Spec spec) {
    final TopicReplication resolved =
        admin.resolve(new TopicReplication(spec.replicationFactor(), spec.minInsyncReplicas()));
    final short replication = resolved.factor();
    final Map<String, String> common = resolved.topicConfigs();
    final Map<String, String> rawConfig =
        with(common, TopicConfig.MAX_MESSAGE_BYTES_CONFIG, spec.rawMaxMessageBytes());
    admin.createIfAbsent(
        new NewTopic(names.raw(), spec.rawPartitions(), replication).configs(rawConfig));
    admin.createIfAbsent(new NewTopic(names.control(), 1, replication).configs(common));
    final int rawPartitions =
        admin.describe(List.of(names.raw())).get(names.raw()).partitions().size();

    final int maxMessageBytes = maxMessageBytes(spec.recordMaxBytes());
    final Map<String, String> outputConfig =
        with(common, TopicConfig.MAX_MESSAGE_BYTES_CONFIG, maxMessageBytes);
    admin.createIfAbsent(
        new NewTopic(names.resolutions(), rawPartitions, replication).configs(rawConfig));
    admin.createIfAbsent(new NewTopic(names.txn(), 1, replication).configs(outputConfig));
    admin.createIfAbsent(
        new NewTopic(names.rows(), spec.rowsPartitions(), replication).configs(outputConfig));
    admin.createIfAbsent(new NewTopic(names.deadLetter(), 1, replication).configs(outputConfig));

    final Layout layout =
        new Layout(
            names.raw(),
            names.resolutions(),
            names.control(),
            names.txn(),
            names.rows(),
            names.deadLetter(),
            rawPartitions,
            spec.rowsPartitions(),
            replication,
            resolved.minInsyncReplicas(),
            maxMessageBytes);
    check(layout, spec);
    LOG.info("ordering topics: {}", layout);
    return layout;
  }

  private void check(final Layout layout, final Spec spec) {
    final Map<String, TopicDescription> described =
        admin.describe(
            List.of(
                layout.raw(),
                layout.resolutions(),
                layout.control(),
                layout.txn(),
                layout.rows(),
                layout.deadLetter()));
    partitions(described, layout.control(), 1, "[kafka] topic-prefix");
    partitions(described, layout.txn(), 1, "[kafka] topic-prefix");
    final int resolutions = described.get(layout.resolutions()).partitions().size();
    if (resolutions != layout.rawPartitions()) {
      throw invalid(
          "resolutions topic "
              + layout.resolutions()
              + " has "
              + resolutions
              + " partitions but the raw topic "
              + layout.raw()
              + " has "
              + layout.rawPartitions()
              + "; stage 1 reads them co-partitioned, so they must match (add partitions to the"
              + " smaller one with kafka-topics.sh --alter --partitions, or use another [kafka]"
              + " topic-prefix)");
    }
    final int rows = described.get(layout.rows()).partitions().size();
    if (rows != spec.rowsPartitions()) {
      throw invalid(
          "rows topic "
              + layout.rows()
              + " has "
              + rows
              + " partitions but rows-partitions is "
              + spec.rowsPartitions()
              + "; set rows-partitions = "
              + rows
              + " (the sinks read the topic as it is) or use another [kafka] topic-prefix");
    }

    final Map<String, Config> configs =
        admin.configs(
            List.of(
                layout.raw(),
                layout.resolutions(),
                layout.txn(),
                layout.rows(),
                layout.deadLetter()));
    for (final String topic : List.of(layout.raw(), layout.resolutions())) {
      final String cleanup =
          TopicAdmin.value(configs.get(topic), TopicConfig.CLEANUP_POLICY_CONFIG, "delete");
      if (cleanup.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
        throw invalid(
            "topic "
                + topic
                + " has cleanup.policy="
                + cleanup
                + "; compaction would drop binlogs. Use cleanup.policy=delete or another [kafka]"
                + " topic-prefix");
      }
    }
    for (final String topic : List.of(layout.txn(), layout.rows(), layout.deadLetter())) {
      final String limit =
          TopicAdmin.value(configs.get(topic), TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "");
      if (!limit.isEmpty() && Long.parseLong(limit) < spec.recordMaxBytes()) {
        throw invalid(
            "topic "
                + topic
                + " has max.message.bytes="
                + limit
                + " but the stream writes records of up to "
                + spec.recordMaxBytes()
                + " bytes (the larger of output-max-bytes and fragment-bytes, plus "
                + RECORD_OVERHEAD
                + "); raise the topic's max.message.bytes or lower output-max-bytes and"
                + " fragment-bytes");
      }
    }
  }

  private static void partitions(
      final Map<String, TopicDescription> described,
      final String topic,
      final int expected,
      final String setting) {
    final int actual = described.get(topic).partitions().size();
    if (actual != expected) {
      throw invalid(
          "topic "
              + topic
              + " has "
              + actual
              + " partitions but must have "
              + expected
              + " (one total order); delete it or choose another "
              + setting);
    }
  }

  private static FatalBinlogException invalid(final String message) {
    return new FatalBinlogException(ErrorCode.CONFIG_INVALID, message);
  }

  private static Map<String, String> with(
      final Map<String, String> base, final String key, final int value) {
    final Map<String, String> out = new HashMap<>(base);
    out.put(key, Integer.toString(value));
    return Map.copyOf(out);
  }
}
