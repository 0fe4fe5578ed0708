package io.kafkabinlog.ordering.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.common.kafka.TopicNames;
import io.kafkabinlog.testkit.KafkaServiceExtension;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("integration")
@Timeout(120)
class OrderingTopicsIT {
  @RegisterExtension static final KafkaServiceExtension KAFKA = new KafkaServiceExtension();

  private final String prefix = "it-ordtopics-" + UUID.randomUUID().toString().substring(0, 8);
  private final TopicNames names = new TopicNames(prefix, "42");

  private static OrderingTopics.Spec spec(final int rawPartitions, final int rowsPartitions) {
    return new OrderingTopics.Spec(
        rawPartitions,
        (short) 0,
        0,
        512 * 1024,
        rowsPartitions,
        OrderingTopics.recordMaxBytes(256 * 1024, 512 * 1024));
  }

  private OrderingTopics topics() {
    return new OrderingTopics(KAFKA.admin(), Duration.ofSeconds(30));
  }

  @AfterEach
  void deleteTopics() throws Exception {
    final List<String> mine =
        KAFKA.admin().listTopics().names().get(30, TimeUnit.SECONDS).stream()
            .filter(t -> t.startsWith(prefix + "."))
            .toList();
    if (!mine.isEmpty()) {
      KAFKA.admin().deleteTopics(mine).all().get(30, TimeUnit.SECONDS);
    }
  }

  private static void create(final String topic, final int partitions, final Map<String, String> c)
      throws Exception {
    KAFKA
        .admin()
        .createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(c)))
        .all()
        .get(30, TimeUnit.SECONDS);
  }

  private static Map<String, TopicDescription> describe(final List<String> topics)
      throws Exception {
    return KAFKA.admin().describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
  }

  private static Config config(final String topic) throws Exception {
    final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    return KAFKA
        .admin()
        .describeConfigs(List.of(resource))
        .all()
        .get(30, TimeUnit.SECONDS)
        .get(resource);
  }

  @Test
  void createsEveryTopicOnceAsThePumpWouldAndSizesTheOutputs() throws Exception {
    final OrderingTopics.Layout layout = topics().ensure(names, spec(4, 3));
    assertThat(layout)
        .isEqualTo(
            new OrderingTopics.Layout(
                names.raw(),
                names.resolutions(),
                names.control(),
                names.txn(),
                names.rows(),
                names.deadLetter(),
                4,
                3,
                (short) 1, // min(3, brokers) on the local single broker
                1, // min(2, replication)
                1 << 20)); // Kafka's default covers 512 KiB + overhead
    final Map<String, TopicDescription> described =
        describe(
            List.of(
                names.raw(),
                names.resolutions(),
                names.control(),
                names.txn(),
                names.rows(),
                names.deadLetter()));
    assertThat(described.get(names.raw()).partitions()).hasSize(4);
    assertThat(described.get(names.resolutions()).partitions()).hasSize(4);
    assertThat(described.get(names.control()).partitions()).hasSize(1);
    assertThat(described.get(names.txn()).partitions()).hasSize(1);
    assertThat(described.get(names.rows()).partitions()).hasSize(3);
    assertThat(described.get(names.deadLetter()).partitions()).hasSize(1);
    assertThat(config(names.raw()).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value())
        .isEqualTo(String.valueOf(512 * 1024));
    assertThat(config(names.resolutions()).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value())
        .isEqualTo(String.valueOf(512 * 1024));
    assertThat(config(names.txn()).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value())
        .isEqualTo(String.valueOf(1 << 20));
    assertThat(config(names.rows()).get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value())
        .isEqualTo("1");

    // A second start (other settings for raw) takes the topics as they are.
    assertThat(topics().ensure(names, spec(16, 3))).isEqualTo(layout);
  }

  @Test
  void largeRecordsGetTopicsThatTakeThem() throws Exception {
    final int record = OrderingTopics.recordMaxBytes(256 * 1024, 4 << 20);
    final OrderingTopics.Layout layout =
        topics().ensure(names, new OrderingTopics.Spec(2, (short) 0, 0, 1 << 20, 2, record));
    assertThat(layout.maxMessageBytes()).isEqualTo((4 << 20) + OrderingTopics.RECORD_OVERHEAD);
    for (final String topic : List.of(names.txn(), names.rows(), names.deadLetter())) {
      assertThat(config(topic).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value())
          .as(topic)
          .isEqualTo(String.valueOf(layout.maxMessageBytes()));
    }
  }

  @Test
  void resolutionsFollowAnExistingRawTopicsPartitionCount() throws Exception {
    create(names.raw(), 2, Map.of()); // a pump came first
    final OrderingTopics.Layout layout = topics().ensure(names, spec(16, 3));
    assertThat(layout.rawPartitions()).isEqualTo(2);
    assertThat(describe(List.of(names.resolutions())).get(names.resolutions()).partitions())
        .hasSize(2);
  }

  @Test
  void refusesResolutionsNotCoPartitionedWithRaw() throws Exception {
    create(names.raw(), 2, Map.of());
    create(names.resolutions(), 3, Map.of());
    assertThatThrownBy(() -> topics().ensure(names, spec(2, 3)))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining(names.resolutions())
        .hasMessageContaining("has 3 partitions")
        .hasMessageContaining(names.raw() + " has 2");
  }

  @Test
  void refusesARowsTopicOfAnotherSizeNamingRowsPartitions() throws Exception {
    create(names.rows(), 4, Map.of());
    assertThatThrownBy(() -> topics().ensure(names, spec(2, 6)))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining(names.rows())
        .hasMessageContaining("rows-partitions is 6")
        .hasMessageContaining("rows-partitions = 4");
  }

  @Test
  void refusesControlOrTxnTopicsWithSeveralPartitions() throws Exception {
    create(names.control(), 3, Map.of());
    assertThatThrownBy(() -> topics().ensure(names, spec(2, 3)))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining(names.control())
        .hasMessageContaining("must have 1");
    deleteTopics();
    create(names.txn(), 2, Map.of());
    assertThatThrownBy(() -> topics().ensure(names, spec(2, 3)))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining(names.txn())
        .hasMessageContaining("must have 1");
  }

  @Test
  void refusesAnOutputTopicTooSmallForItsRecords() throws Exception {
    create(names.txn(), 1, Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "100000"));
    assertThatThrownBy(() -> topics().ensure(names, spec(2, 3)))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining(names.txn())
        .hasMessageContaining("max.message.bytes=100000")
        .hasMessageContaining("output-max-bytes");
  }

  @Test
  void refusesACompactedResolutionsTopic() throws Exception {
    create(names.raw(), 2, Map.of());
    create(
        names.resolutions(),
        2,
        Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    assertThatThrownBy(() -> topics().ensure(names, spec(2, 3)))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining(names.resolutions())
        .hasMessageContaining("cleanup.policy=compact");
  }

  @Test
  void anUnreachableKafkaIsReportedNamingTheSettingWithinTheBound() throws Exception {
    final int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort(); // free once closed: nobody answers there
    }
    final Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + port));
    try {
      final long start = System.nanoTime();
      assertThatThrownBy(
              () -> new OrderingTopics(admin, Duration.ofSeconds(2)).ensure(names, spec(2, 3)))
          .isInstanceOfSatisfying(
              RetriableBinlogException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.KAFKA_UNAVAILABLE))
          .hasMessageContaining("kafka.bootstrap-servers");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    } finally {
      admin.close(Duration.ofSeconds(1));
    }
  }
}
