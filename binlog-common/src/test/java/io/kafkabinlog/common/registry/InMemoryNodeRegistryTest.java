package io.kafkabinlog.common.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.error.FatalBinlogException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class InMemoryNodeRegistryTest {
  @Test
  void shouldBehaveLikeTheEtcdRegistryForTheBasics() {
    try (InMemoryNodeRegistry registry = new InMemoryNodeRegistry()) {
      registry.register(NodeKind.PUMP, NodeStatus.of("b", "h:2", NodeState.ONLINE));
      registry.register(NodeKind.PUMP, NodeStatus.of("a", "h:1", NodeState.ONLINE));
      registry.register(NodeKind.DRAINER, NodeStatus.of("d", "h:3", NodeState.ONLINE));

      final NodeLiveness liveness =
          registry.holdLiveness(NodeKind.PUMP, "a", Duration.ofSeconds(5));
      registry.update(NodeKind.PUMP, "a", s -> s.withState(NodeState.PAUSED));

      assertThat(registry.list(NodeKind.PUMP))
          .extracting(
              n -> n.status().nodeId() + "/" + n.status().state().wireName() + "/" + n.live())
          .containsExactly("a/paused/true", "b/online/false");
      liveness.close();
      assertThat(registry.get(NodeKind.PUMP, "a").orElseThrow().live()).isFalse();
      assertThatThrownBy(() -> registry.update(NodeKind.PUMP, "zz", s -> s))
          .isInstanceOf(FatalBinlogException.class);
    }
  }
}
