package io.kafkabinlog.binlogctl.offline;

import io.kafkabinlog.common.concurrent.DaemonThreads;
import io.kafkabinlog.common.config.KafkaSection.KafkaSettings;
import io.kafkabinlog.common.error.BoundedWait;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.common.kafka.TopicNames;
import io.kafkabinlog.common.tso.TimestampOracle;
import io.kafkabinlog.pump.ingest.KafkaRawLog;
import io.kafkabinlog.pump.ingest.RawPosition;
import io.kafkabinlog.pump.ingest.RawTopics;
import io.kafkabinlog.pump.membership.ControlTopic;
import io.kafkabinlog.pump.metrics.PumpMetrics;
import io.kafkabinlog.schemas.binlog.Binlogs;
import io.kafkabinlog.schemas.raw.BinlogHeader;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes to a dead pump's topics in its place, with the pump's own classes, so the records are
 * exactly what its close writes: the final fake binlog L into its raw partition ({@link
 * KafkaRawLog}, {@code start_ts = commit_ts = L}) and LEAVE(L, offset) to the control topic ({@link
 * ControlTopic}). Never creates a topic: a dead pump that joined the merge left both behind.
 */
final class PumpStandIn implements AutoCloseable {
  private final KafkaSettings kafka;
  private final TopicNames names;
  private final Duration timeout;
  private final Duration quietWindow;
  private final PumpMetrics metrics = new PumpMetrics(new PrometheusRegistry());
  private Admin admin;

  /**
   * @param names the deployment's topics (prefix and cluster id)
   * @param timeout bound of each Kafka call and acknowledgement
   * @param quietWindow see {@link PumpQuietCheck}
   */
  PumpStandIn(
      final KafkaSettings kafka,
      final TopicNames names,
      final Duration timeout,
      final Duration quietWindow) {
    this.kafka = Objects.requireNonNull(kafka, "kafka");
    this.names = Objects.requireNonNull(names, "names");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.quietWindow = Objects.requireNonNull(quietWindow, "quietWindow");
  }

  TopicPartition rawPartition(final int partition) {
    return new TopicPartition(names.raw(), partition);
  }

  TopicPartition controlPartition() {
    return new TopicPartition(names.control(), 0);
  }

  /**
   * Checks that the raw topic has the partition and the control topic exists.
   *
   * @throws FatalBinlogException {@code CONFIG_INVALID} naming the flags to check
   */
  void checkTopics(final int partition) {
    final Map<String, TopicDescription> described;
    try {
      described =
          BoundedWait.await(
              admin().describeTopics(List.of(names.raw(), names.control())).allTopicNames(),
              timeout,
              ErrorCode.KAFKA_UNAVAILABLE,
              "Kafka at " + kafka.bootstrapServersString(),
              "describe " + names.raw() + " and " + names.control(),
              "-kafka.bootstrap-servers");
    } catch (RetriableBinlogException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        throw new FatalBinlogException(
            ErrorCode.CONFIG_INVALID,
            "topic "
                + names.raw()
                + " or "
                + names.control()
                + " does not exist at "
                + kafka.bootstrapServersString()
                + "; check -kafka.topic-prefix, -cluster-id (or -tso-urls) and"
                + " -kafka.bootstrap-servers",
            e);
      }
      throw e;
    }
    final int rawPartitions = described.get(names.raw()).partitions().size();
    if (partition >= rawPartitions) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          "the pump is bound to raw partition "
              + partition
              + " but "
              + names.raw()
              + " has "
              + rawPartitions
              + " partitions");
    }
  }

  /** See {@link PumpQuietCheck#verify}. */
  void verifyQuiet(final String nodeId, final int partition) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      new PumpQuietCheck(consumer, quietWindow, timeout)
          .verify(nodeId, rawPartition(partition), controlPartition());
    }
  }

  /** Appends the final fake binlog with TSO {@code finalTs} and waits for its acknowledgement. */
  RawPosition writeFinalFake(final int partition, final long finalTs) {
    final int limit = 1 << 20;
    try (KafkaRawLog raw =
        new KafkaRawLog(
            new KafkaProducer<>(
                KafkaRawLog.producerConfig(kafka, limit, timeout),
                new ByteArraySerializer(),
                new ByteArraySerializer()),
            names.raw(),
            partition,
            RawTopics.chunkBytes(limit, limit),
            timeout,
            metrics,
            (header, position) -> {})) {
      return BoundedWait.await(
          raw.append(BinlogHeader.fake(finalTs), Binlogs.fake(finalTs).toByteString()),
          timeout,
          ErrorCode.KAFKA_UNAVAILABLE,
          "raw topic " + names.raw(),
          "acknowledge the final fake binlog " + finalTs + " in partition " + partition,
          "-kafka.bootstrap-servers");
    }
  }

  /**
   * Writes LEAVE(finalTs, rawOffset) on the pump's behalf.
   *
   * @param tso the control topic's TSO source (unused by LEAVE itself, which carries L)
   * @return the LEAVE record's offset in the control topic
   */
  long writeLeave(
      final String nodeId,
      final int partition,
      final long finalTs,
      final long rawOffset,
      final TimestampOracle tso) {
    final ScheduledExecutorService unused =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("binlogctl-control"));
    try (ControlTopic control =
        new ControlTopic(
            new KafkaProducer<>(
                KafkaRawLog.producerConfig(kafka, 1 << 20, timeout),
                new ByteArraySerializer(),
                new ByteArraySerializer()),
            names.control(),
            nodeId,
            partition,
            tso,
            metrics,
            unused,
            timeout)) {
      return control.leave(finalTs, rawOffset);
    } finally {
      unused.shutdownNow();
    }
  }

  private Admin admin() {
    if (admin == null) {
      final Map<String, Object> props = new HashMap<>(kafka.clientProperties());
      props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServersString());
      props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
      props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
      try {
        admin = Admin.create(props);
      } catch (KafkaException e) {
        throw invalidBootstrap(e);
      }
    }
    return admin;
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    final Map<String, Object> props = new HashMap<>(kafka.clientProperties());
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServersString());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    try {
      return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    } catch (KafkaException e) {
      throw invalidBootstrap(e);
    }
  }

  private FatalBinlogException invalidBootstrap(final KafkaException e) {
    return new FatalBinlogException(
        ErrorCode.CONFIG_INVALID,
        "cannot use -kafka.bootstrap-servers=" + kafka.bootstrapServersString() + ": " + e,
        e);
  }

  @Override
  public void close() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
    }
  }
}
