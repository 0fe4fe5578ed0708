package io.kafkabinlog.tidbsim.pumpclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.config.ConfigValidationException;
import io.kafkabinlog.common.registry.RegistryKeys;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PumpClientConfigTest {

  @Test
  void shouldUseTidbsDefaults() {
    final PumpClientConfig config = PumpClientConfig.defaults(42);

    assertThat(config.clusterId()).isEqualTo(42);
    assertThat(config.writeTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(config.strategy()).isEqualTo(SelectionStrategy.RANGE);
    assertThat(config.errorThreshold()).isEqualTo(10);
    assertThat(config.probeInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.commitRetryInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.commitGiveUp()).isEqualTo(Duration.ofMinutes(10));
    assertThat(config.retrySleep()).isEqualTo(Duration.ofMillis(100));
    assertThat(config.waitForPumps()).isFalse();
    assertThat(config.maxMessageSize()).isEqualTo(Integer.MAX_VALUE);
    assertThat(config.registryKeys().root()).isEqualTo("/tidb-binlog");
  }

  @Test
  void shouldReportEveryInvalidSettingAtOnce() {
    assertThatThrownBy(
            () ->
                PumpClientConfig.builder(1)
                    .writeTimeout(Duration.ZERO)
                    .errorThreshold(-1)
                    .retrySleep(Duration.ofMillis(-1))
                    .maxMessageSize(0)
                    .strategy(null)
                    .build())
        .isInstanceOfSatisfying(
            ConfigValidationException.class,
            e ->
                assertThat(e.problems())
                    .hasSize(5)
                    .anySatisfy(p -> assertThat(p).startsWith(PumpClientConfig.WRITE_TIMEOUT))
                    .anySatisfy(p -> assertThat(p).startsWith(PumpClientConfig.ERROR_THRESHOLD))
                    .anySatisfy(p -> assertThat(p).startsWith(PumpClientConfig.RETRY_SLEEP))
                    .anySatisfy(p -> assertThat(p).startsWith(PumpClientConfig.MAX_MESSAGE_SIZE))
                    .anySatisfy(p -> assertThat(p).startsWith(PumpClientConfig.STRATEGY)));
  }

  @Test
  void shouldKeepEverySettingThroughToBuilder() {
    final PumpClientConfig config =
        PumpClientConfig.builder(7)
            .writeTimeout(Duration.ofSeconds(2))
            .strategy(SelectionStrategy.HASH)
            .errorThreshold(0)
            .waitForPumps(true)
            .waitForPumpsTimeout(Duration.ofSeconds(3))
            .registryKeys(new RegistryKeys("/it/x"))
            .build();

    assertThat(config.toBuilder().build()).isEqualTo(config);
  }
}
