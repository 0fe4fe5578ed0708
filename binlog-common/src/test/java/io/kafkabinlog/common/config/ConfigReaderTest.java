package io.kafkabinlog.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

class ConfigReaderTest {
  private static final SettingOrigin FILE = new SettingOrigin(SettingOrigin.Kind.FILE, "pump.toml");

  /** A pump-like definition: the shape every component's config takes. */
  private static ConfigDef definition() {
    final ConfigDef def =
        new ConfigDef()
            .define("addr", ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "listen address")
            .define(
                "heartbeat-interval",
                ConfigDef.Type.STRING,
                "2",
                DurationValidator.atLeast(Duration.ofMillis(100), ChronoUnit.SECONDS),
                ConfigDef.Importance.MEDIUM,
                "heartbeat")
            .define(
                "worker-count",
                ConfigDef.Type.INT,
                16,
                ConfigDef.Range.between(1, 1024),
                ConfigDef.Importance.MEDIUM,
                "workers")
            .define("password", ConfigDef.Type.PASSWORD, "", ConfigDef.Importance.LOW, "secret");
    KafkaSection.define(def);
    PdSection.define(def);
    return def;
  }

  private static ConfigReader reader(final Map<String, ?> values) {
    return new ConfigReader(
        "pump", definition(), Settings.of(values, FILE), Set.of(KafkaSection.CLIENT_PREFIX));
  }

  @Test
  void shouldTypeValidSettingsAndApplyDefaults() {
    final ConfigReader reader =
        reader(
            Map.of(
                "addr", "0.0.0.0:8250",
                "heartbeat-interval", "500ms",
                "kafka.bootstrap-servers", List.of("a:9092", "b:9093"),
                "kafka.client.security.protocol", "SASL_SSL",
                "pd-urls", "http://pd1:2379,http://pd2:2379"));

    assertThat(reader.getString("addr")).isEqualTo("0.0.0.0:8250");
    assertThat(reader.getDuration("heartbeat-interval", ChronoUnit.SECONDS))
        .isEqualTo(Duration.ofMillis(500));
    assertThat(reader.getInt("worker-count")).isEqualTo(16);
    assertThat(KafkaSection.read(reader).bootstrapServersString()).isEqualTo("a:9092,b:9093");
    assertThat(KafkaSection.read(reader).topicPrefix()).isEqualTo("binlog");
    assertThat(KafkaSection.read(reader).clientProperties())
        .containsOnly(Map.entry("security.protocol", "SASL_SSL"));
    assertThat(PdSection.read(reader))
        .containsExactly(URI.create("http://pd1:2379"), URI.create("http://pd2:2379"));
    reader.throwIfInvalid();
  }

  @Test
  void shouldCountPlainDurationsInTheOriginalsUnit() {
    assertThat(
            reader(Map.of("addr", "x:1", "heartbeat-interval", "3"))
                .getDuration("heartbeat-interval", ChronoUnit.SECONDS))
        .isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void shouldReportEveryProblemAtOnceNamingKeyAndOrigin() {
    final ConfigReader reader =
        reader(
            Map.of(
                "heartbeat-interval", "soon",
                "worker-count", "0",
                "kafka.bootstrap-servers", "no-port",
                "kafka.topic-prefix", "Bad_Prefix",
                "pd-urls", "etcd:2379",
                "adr", "typo"));
    reader.check(false, "worker-count", "cross-key check also collected");

    assertThatThrownBy(reader::throwIfInvalid)
        .isInstanceOf(ConfigValidationException.class)
        .satisfies(
            e -> {
              final ConfigValidationException error = (ConfigValidationException) e;
              assertThat(error.problems()).hasSize(8);
              assertThat(error.getMessage()).startsWith("pump configuration has 8 problems:");
            })
        .hasMessageContaining("adr (file pump.toml): unknown key")
        .hasMessageContaining("addr: required but not set")
        .hasMessageContaining("heartbeat-interval (file pump.toml)")
        .hasMessageContaining("not a duration: 'soon'")
        .hasMessageContaining("worker-count (file pump.toml)")
        .hasMessageContaining("'no-port' is not host:port")
        .hasMessageContaining("kafka.topic-prefix (file pump.toml)")
        .hasMessageContaining("'etcd:2379' must look like http://host:port")
        .hasMessageContaining("cross-key check also collected");
  }

  @Test
  void shouldNeverPrintASecretInProblems() {
    final ConfigReader reader = reader(Map.of("addr", "x:1", "password", "hunter2"));
    assertThat(reader.getPassword("password").value()).isEqualTo("hunter2");
    assertThat(reader.getPassword("password").toString()).doesNotContain("hunter2");
  }

  @Test
  void shouldRefuseToReadAKeyWithTheWrongType() {
    assertThatThrownBy(() -> reader(Map.of("addr", "x:1")).getInt("addr"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("addr is STRING");
  }
}
