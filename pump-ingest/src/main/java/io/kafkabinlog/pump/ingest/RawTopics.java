package io.kafkabinlog.pump.ingest;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.common.kafka.TopicAdmin;
import io.kafkabinlog.common.kafka.TopicNames;
import io.kafkabinlog.common.kafka.TopicReplication;
import io.kafkabinlog.pump.config.PumpConfig;
import io.kafkabinlog.schemas.raw.RawRecords;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the pump's topics exist and says how to write the raw one.
 *
 * <p>Created if absent: the raw topic with {@code [kafka] raw-partitions} partitions and {@code
 * max.message.bytes = [kafka] max-message-bytes}, the control topic with one partition; both with
 * {@code [kafka] replication-factor} (0: min(3, brokers)) and {@code min.insync.replicas} ({@code
 * [kafka] min-insync-replicas}, 0: min(2, replication factor)). Retention is left at the broker's
 * default ({@code log.retention.hours}, 7 days unless changed): the ordering stream must read a raw
 * record before it expires, so a deployment with a short broker default should raise the raw
 * topic's {@code retention.ms}. Another pump creating a topic at the same moment is fine ({@link
 * TopicExistsException} is ignored).
 *
 * <p>An existing topic is used as it is if it can work: a compacted raw topic cannot (compaction by
 * start_ts key would drop chunks and P/C pairs), nor a control topic with more than one partition
 * (its single total order is the point). The raw topic's effective {@code max.message.bytes} is
 * read back, and the chunk size is {@code min(max.message.bytes, producer max.request.size) -}
 * {@link RawRecords#RECORD_OVERHEAD_BOUND}; the producer's {@code max.request.size} is the topic's
 * limit unless {@code [kafka.client] max.request.size} says otherwise.
 */
public final class RawTopics {
  private static final Logger LOG = LoggerFactory.getLogger(RawTopics.class);

  /**
   * How the pump writes its topics.
   *
   * @param rawTopic the raw topic's name
   * @param controlTopic the control topic's name
   * @param rawPartitionCount partitions the raw topic actually has (most pumps it can serve)
   * @param maxRequestSize the producer's {@code max.request.size} to set
   * @param chunkBytes largest record value; larger binlogs are chunked
   */
  public record Layout(
      String rawTopic,
      String controlTopic,
      int rawPartitionCount,
      int maxRequestSize,
      int chunkBytes) {}

  private final TopicAdmin admin;

  public RawTopics(final Admin admin, final Duration timeout) {
    this.admin = new TopicAdmin(admin, timeout, "[kafka] bootstrap-servers");
  }

  /**
   * Creates what is missing, checks what exists, and returns the layout.
   *
   * @param clientProperties {@code [kafka.client]} pass-through (for {@code max.request.size})
   * @throws FatalBinlogException if an existing topic cannot be used (names the [kafka] key)
   * @throws RetriableBinlogException if Kafka did not answer in time
   */
  public Layout ensure(
      final TopicNames names,
      final PumpConfig.Topics topics,
      final Map<String, String> clientProperties) {
    final String raw = names.raw();
    final String control = names.control();
    final TopicReplication replication =
        admin.resolve(new TopicReplication(topics.replicationFactor(), topics.minInsyncReplicas()));
    final Map<String, String> common = replication.topicConfigs();
    final Map<String, String> rawConfig = new HashMap<>(common);
    rawConfig.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(topics.maxMessageBytes()));
    admin.createIfAbsent(
        new NewTopic(raw, topics.rawPartitions(), replication.factor()).configs(rawConfig));
    admin.createIfAbsent(new NewTopic(control, 1, replication.factor()).configs(common));

    final Map<String, TopicDescription> described = admin.describe(List.of(raw, control));
    final int controlPartitions = described.get(control).partitions().size();
    if (controlPartitions != 1) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          "control topic "
              + control
              + " has "
              + controlPartitions
              + " partitions but must have 1; delete it or choose another [kafka] topic-prefix");
    }
    final int rawPartitions = described.get(raw).partitions().size();

    final Config effective = admin.configs(List.of(raw)).get(raw);
    final String cleanup = TopicAdmin.value(effective, TopicConfig.CLEANUP_POLICY_CONFIG, "delete");
    if (cleanup.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          "raw topic "
              + raw
              + " has cleanup.policy="
              + cleanup
              + "; compaction would drop binlogs. Use cleanup.policy=delete or another [kafka]"
              + " topic-prefix");
    }
    final int topicMax =
        Integer.parseInt(
            TopicAdmin.value(
                effective,
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                Integer.toString(topics.maxMessageBytes())));
    final String requested = clientProperties.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    final int maxRequestSize = requested == null ? topicMax : Integer.parseInt(requested.trim());
    final int chunkBytes = chunkBytes(topicMax, maxRequestSize);
    if (chunkBytes <= 0) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          "raw topic "
              + raw
              + " allows messages of "
              + topicMax
              + " bytes and the producer requests of "
              + maxRequestSize
              + "; both must exceed "
              + RawRecords.RECORD_OVERHEAD_BOUND
              + " (see [kafka] max-message-bytes, [kafka.client] max.request.size)");
    }
    final Layout layout = new Layout(raw, control, rawPartitions, maxRequestSize, chunkBytes);
    LOG.info("raw-topic layout: {}", layout);
    return layout;
  }

  /** The largest record value: the smaller limit minus the record's own overhead. */
  public static int chunkBytes(final int topicMaxMessageBytes, final int maxRequestSize) {
    return Math.min(topicMaxMessageBytes, maxRequestSize) - RawRecords.RECORD_OVERHEAD_BOUND;
  }
}
