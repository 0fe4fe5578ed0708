package io.kafkabinlog.common.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RegistryKeysTest {
  private final RegistryKeys keys = RegistryKeys.standard();

  @Test
  void shouldUseTheOriginalLayout() {
    assertThat(keys.node(NodeKind.PUMP, "pump1:8250"))
        .isEqualTo("/tidb-binlog/v1/pumps/pump1:8250");
    assertThat(keys.node(NodeKind.DRAINER, "d:8249")).isEqualTo("/tidb-binlog/v1/drainers/d:8249");
  }

  @Test
  void shouldKeepLivenessKeysOutsideThePrefixesTidbParses() {
    final String alive = keys.alive(NodeKind.PUMP, "pump1:8250");
    assertThat(alive).isEqualTo("/tidb-binlog/v1/kafka/alive/pumps/pump1:8250");
    // TiDB lists "/tidb-binlog/v1/pumps" as a plain prefix, without the trailing slash.
    assertThat(alive)
        .doesNotStartWith("/tidb-binlog/v1/pumps")
        .doesNotStartWith("/tidb-binlog/v1/drainers");
  }

  @Test
  void shouldPutOurOwnKeysUnderTheKafkaPrefix() {
    assertThat(keys.kafkaPrefix()).isEqualTo("/tidb-binlog/v1/kafka/");
    assertThat(keys.alivePrefix(NodeKind.PUMP)).startsWith(keys.kafkaPrefix());
  }

  @Test
  void shouldExtractNodeIdsOnlyFromDirectChildren() {
    assertThat(keys.nodeIdOf(NodeKind.PUMP, "/tidb-binlog/v1/pumps/p1")).isEqualTo("p1");
    assertThat(keys.nodeIdOf(NodeKind.PUMP, "/tidb-binlog/v1/pumps/p1/extra")).isNull();
    assertThat(keys.nodeIdOf(NodeKind.PUMP, "/tidb-binlog/v1/drainers/d1")).isNull();
  }

  @Test
  void shouldRejectMalformedRoots() {
    assertThatThrownBy(() -> new RegistryKeys("tidb-binlog"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RegistryKeys("/tidb-binlog/"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
