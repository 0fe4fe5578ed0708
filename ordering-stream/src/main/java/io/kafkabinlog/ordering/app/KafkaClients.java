package io.kafkabinlog.ordering.app;

import io.kafkabinlog.common.config.KafkaSection.KafkaSettings;
import io.kafkabinlog.common.error.Causes;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.ordering.config.OrderingConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka client settings of the ordering stream, in one place. */
final class KafkaClients {
  /**
   * A short wait for the other input of a task (resolutions next to raw, control next to the merge
   * topic) keeps Streams' timestamp order across them; a long one would add to the merge's latency.
   * The stages do not depend on it: their order comes from watermarks.
   */
  static final long MAX_TASK_IDLE_MS = 20;

  /**
   * Bound of one Kafka transaction of the stream. A committed transaction is handed from stage 1 to
   * the merge topic, and from stage 2 through stage 3 to the outputs, within single process calls,
   * so the largest upstream transaction has to fit in one Kafka transaction: 1 GiB took about a
   * minute here, against Streams' default of 10 s. Kept below the broker's default maximum
   * (transaction.max.timeout.ms, 15 min). A stream killed and restarted on the same state directory
   * fences its old transaction at once (same transactional id); on a new one, read_committed
   * consumers of its outputs wait up to this long for the dead transaction to expire.
   */
  static final int TRANSACTION_TIMEOUT_MS = 300_000;

  /**
   * Input records Streams holds per partition before it pauses fetching it: its default of 1000
   * raw-topic chunks or merge-topic fragments (up to 1 MiB each) is a heap's worth while a 1 GiB
   * transaction passes; 32 keeps a big binlog's partition at about 32 MiB and is still plenty of
   * small binlogs per fetch.
   */
  static final int BUFFERED_RECORDS_PER_PARTITION = 32;

  private KafkaClients() {}

  /**
   * An admin client; an unusable {@code bootstrap-servers} (an unresolvable host) fails here,
   * naming the setting.
   */
  static Admin openAdmin(final KafkaSettings kafka) {
    final Map<String, Object> props = new HashMap<>(kafka.clientProperties());
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServersString());
    try {
      return Admin.create(props);
    } catch (KafkaException e) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          "cannot use kafka.bootstrap-servers="
              + kafka.bootstrapServersString()
              + ": "
              + Causes.root(e).getMessage(),
          e);
    }
  }

  /** The resolver's producer: idempotent, acks=all, each write bounded by the produce timeout. */
  static Map<String, Object> resolutionProducer(
      final KafkaSettings kafka, final Duration produceTimeout) {
    final Map<String, Object> props = new HashMap<>(kafka.clientProperties());
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServersString());
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) produceTimeout.toMillis());
    props.put(
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
        (int) Math.min(produceTimeout.toMillis(), 30_000));
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "ordering-stream-resolver");
    return props;
  }

  /**
   * Kafka Streams' properties: {@code [kafka.client]} for every client, our defaults, then {@code
   * [kafka.streams]}, then what the stream decides itself (the loader refuses overrides of those).
   */
  static Properties streams(
      final OrderingConfig config, final String applicationId, final OrderingTopics.Layout layout) {
    final Properties props = new Properties();
    props.putAll(config.kafka().clientProperties());
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) layout.replicationFactor());
    props.put(
        StreamsConfig.topicPrefix(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG),
        Integer.toString(layout.minInsyncReplicas()));
    // Changelogs and the merge topic carry whole fragments; outputs carry up to the record size.
    props.put(
        StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG),
        Integer.toString(layout.maxMessageBytes()));
    props.put(
        StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
        layout.maxMessageBytes());
    props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, MAX_TASK_IDLE_MS);
    props.put(
        StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
        TRANSACTION_TIMEOUT_MS);
    props.put(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG, BUFFERED_RECORDS_PER_PARTITION);
    props.putAll(config.streamsProperties());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServersString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
    return props;
  }
}
