package io.kafkabinlog.pump.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.kafka.TopicNames;
import io.kafkabinlog.pump.config.PumpConfig;
import io.kafkabinlog.schemas.raw.RawRecords;
import io.kafkabinlog.testkit.KafkaServiceExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("integration")
class RawTopicsIT {
  @RegisterExtension static final KafkaServiceExtension KAFKA = new KafkaServiceExtension();

  private final TopicNames names =
      new TopicNames("it-rawtopics-" + UUID.randomUUID().toString().substring(0, 8), "42");

  private static PumpConfig.Topics topics(final int partitions, final int maxMessageBytes) {
    return new PumpConfig.Topics(
        partitions, (short) 0, 0, maxMessageBytes, Duration.ofSeconds(30), Optional.empty());
  }

  @AfterEach
  void deleteTopics() throws Exception {
    final var existing = KAFKA.admin().listTopics().names().get(30, TimeUnit.SECONDS);
    final List<String> mine =
        List.of(names.raw(), names.control()).stream().filter(existing::contains).toList();
    if (!mine.isEmpty()) {
      KAFKA.admin().deleteTopics(mine).all().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void createsBothTopicsOnceAndComputesTheChunkSize() throws Exception {
    final RawTopics rawTopics = new RawTopics(KAFKA.admin(), Duration.ofSeconds(30));
    final RawTopics.Layout layout = rawTopics.ensure(names, topics(4, 512 * 1024), Map.of());
    assertThat(layout.rawTopic()).isEqualTo(names.raw());
    assertThat(layout.controlTopic()).isEqualTo(names.control());
    assertThat(layout.rawPartitionCount()).isEqualTo(4);
    assertThat(layout.maxRequestSize()).isEqualTo(512 * 1024);
    assertThat(layout.chunkBytes()).isEqualTo(512 * 1024 - RawRecords.RECORD_OVERHEAD_BOUND);
    final var described =
        KAFKA
            .admin()
            .describeTopics(List.of(names.raw(), names.control()))
            .allTopicNames()
            .get(30, TimeUnit.SECONDS);
    assertThat(described.get(names.control()).partitions()).hasSize(1);
    final ConfigResource raw = new ConfigResource(ConfigResource.Type.TOPIC, names.raw());
    final var config =
        KAFKA.admin().describeConfigs(List.of(raw)).all().get(30, TimeUnit.SECONDS).get(raw);
    assertThat(config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).value()).isEqualTo("1");

    // A second pump (other settings) uses the topics as they are, smaller producer limit wins.
    final RawTopics.Layout again =
        rawTopics.ensure(names, topics(16, 2 << 20), Map.of("max.request.size", "100000"));
    assertThat(again.rawPartitionCount()).isEqualTo(4);
    assertThat(again.chunkBytes()).isEqualTo(100_000 - RawRecords.RECORD_OVERHEAD_BOUND);
  }

  @Test
  void refusesAControlTopicWithSeveralPartitions() throws Exception {
    KAFKA
        .admin()
        .createTopics(List.of(new NewTopic(names.control(), 3, (short) 1)))
        .all()
        .get(30, TimeUnit.SECONDS);
    final RawTopics rawTopics = new RawTopics(KAFKA.admin(), Duration.ofSeconds(30));
    assertThatThrownBy(() -> rawTopics.ensure(names, topics(2, 1 << 20), Map.of()))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining(names.control())
        .hasMessageContaining("[kafka] topic-prefix");
  }

  @Test
  void refusesACompactedRawTopic() throws Exception {
    KAFKA
        .admin()
        .createTopics(
            List.of(
                new NewTopic(names.raw(), 2, (short) 1)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, "compact"))))
        .all()
        .get(30, TimeUnit.SECONDS);
    final RawTopics rawTopics = new RawTopics(KAFKA.admin(), Duration.ofSeconds(30));
    assertThatThrownBy(() -> rawTopics.ensure(names, topics(2, 1 << 20), Map.of()))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining("cleanup.policy=compact");
  }
}
