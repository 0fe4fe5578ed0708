package io.kafkabinlog.ordering.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.kafkabinlog.common.config.SettingOrigin;
import io.kafkabinlog.common.config.Settings;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.ordering.config.OrderingConfig;
import io.kafkabinlog.ordering.config.OrderingConfigLoader;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {
  private static OrderingConfig config(final Map<String, String> values) {
    return OrderingConfigLoader.from(
        Settings.of(values, new SettingOrigin(SettingOrigin.Kind.FLAG, "test")));
  }

  private static final OrderingTopics.Layout LAYOUT =
      new OrderingTopics.Layout(
          "b.1.raw",
          "b.1.resolutions",
          "b.1.control",
          "b.1.txn",
          "b.1.rows",
          "b.1.dead-letter",
          4,
          6,
          (short) 3,
          2,
          3 << 20);

  @Test
  void streamsRunExactlyOnceUnderTheApplicationIdWithTopicsSizedForFragments() {
    final Properties p =
        KafkaClients.streams(
            config(
                Map.of(
                    "state-dir", "/var/ordering",
                    "kafka.bootstrap-servers", "k1:9092,k2:9092",
                    "kafka.client.security.protocol", "SASL_SSL",
                    "kafka.streams.num.stream.threads", "3",
                    "kafka.streams.max.task.idle.ms", "5")),
            "binlog.1.ordering-stream",
            LAYOUT);
    assertThat(p)
        .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "binlog.1.ordering-stream")
        .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "k1:9092,k2:9092")
        .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2")
        .containsEntry(StreamsConfig.STATE_DIR_CONFIG, "/var/ordering")
        .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, 3)
        .containsEntry("topic.min.insync.replicas", "2")
        .containsEntry("topic.max.message.bytes", String.valueOf(3 << 20))
        .containsEntry("producer.max.request.size", 3 << 20)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("num.stream.threads", "3")
        .containsEntry(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "5"); // [kafka.streams] wins
    // Kafka Streams accepts the whole set.
    final StreamsConfig parsed = new StreamsConfig(p);
    assertThat(parsed.getInt(StreamsConfig.NUM_STREAM_THREADS_CONFIG)).isEqualTo(3);
    assertThat(
            KafkaClients.streams(config(Map.of()), "a", LAYOUT)
                .get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG))
        .isEqualTo(KafkaClients.MAX_TASK_IDLE_MS);
  }

  @Test
  void anUnresolvableBrokerIsAConfigErrorNamingTheSetting() {
    final OrderingConfig c = config(Map.of("kafka.bootstrap-servers", "no-such-host.invalid:9092"));
    final FatalBinlogException e =
        catchThrowableOfType(
            FatalBinlogException.class, () -> KafkaClients.openAdmin(c.kafka()).close());
    assertThat(e).isNotNull();
    assertThat(e.code()).isEqualTo(ErrorCode.CONFIG_INVALID);
    assertThat(e).hasMessageContaining("kafka.bootstrap-servers=no-such-host.invalid:9092");
  }

  @Test
  void theFailureMessageIsTheStagesOwnNotStreamsWrapper() {
    final Throwable wrapped =
        new StreamsException(
            "Exception caught in process. taskId=0_0, processor=stage3-decode",
            new FatalBinlogException(
                ErrorCode.MALFORMED_INPUT, "commit_ts 4242 table test.t1: cannot decode column 3"));
    assertThat(OrderingApp.describe(wrapped))
        .isEqualTo("commit_ts 4242 table test.t1: cannot decode column 3");
    assertThat(
            OrderingApp.describe(
                new StreamsException("wrapper", new IllegalStateException("root cause"))))
        .isEqualTo("root cause");
  }
}
