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

  @Test
  void shouldHoldLivenessExclusivelyAndHandItOverOnClose() throws Exception {
    try (InMemoryNodeRegistry registry = new InMemoryNodeRegistry()) {
      final NodeLiveness first =
          registry.holdLivenessExclusively(
              NodeKind.PUMP, "p", Duration.ofSeconds(5), Duration.ZERO);

      assertThatThrownBy(
              () ->
                  registry.holdLivenessExclusively(
                      NodeKind.PUMP, "p", Duration.ofSeconds(5), Duration.ofMillis(50)))
          .isInstanceOf(FatalBinlogException.class)
          .hasMessageContaining("pump p is already live")
          .hasMessageContaining("must not share a node id");

      final Thread closer =
          new Thread(
              () -> {
                try {
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                first.close();
              });
      closer.start();
      final NodeLiveness second =
          registry.holdLivenessExclusively(
              NodeKind.PUMP, "p", Duration.ofSeconds(5), Duration.ofSeconds(10));
      closer.join();
      assertThat(first.isHeld()).isFalse();
      assertThat(second.isHeld()).isTrue();
      // Another node id is independent.
      registry
          .holdLivenessExclusively(NodeKind.PUMP, "q", Duration.ofSeconds(5), Duration.ZERO)
          .close();
      second.close();
    }
  }
}
