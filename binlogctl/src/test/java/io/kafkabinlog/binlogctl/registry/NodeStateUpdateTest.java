package io.kafkabinlog.binlogctl.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.registry.InMemoryNodeRegistry;
import io.kafkabinlog.common.registry.NodeKind;
import io.kafkabinlog.common.registry.NodeState;
import io.kafkabinlog.common.registry.NodeStatus;
import org.junit.jupiter.api.Test;

class NodeStateUpdateTest {
  private final InMemoryNodeRegistry registry = new InMemoryNodeRegistry();

  @Test
  void shouldUpdateOnlyTheStateOfTheNamedNode() {
    final NodeStatus before =
        NodeStatus.of("drainer-1", "d:8249", NodeState.ONLINE)
            .withHeartbeat(400, 500)
            .withStatusAddr("d:8250");
    registry.register(NodeKind.DRAINER, before);
    registry.register(NodeKind.DRAINER, NodeStatus.of("drainer-2", "e:8249", NodeState.ONLINE));

    final NodeStatus written =
        new NodeStateUpdate(registry).apply(NodeKind.DRAINER, "drainer-1", NodeState.OFFLINE);

    assertThat(written).isEqualTo(before.withState(NodeState.OFFLINE));
    assertThat(registry.get(NodeKind.DRAINER, "drainer-1").orElseThrow().status())
        .isEqualTo(written);
    assertThat(registry.get(NodeKind.DRAINER, "drainer-2").orElseThrow().status().state())
        .isEqualTo(NodeState.ONLINE);
  }

  @Test
  void shouldRefuseToUpdateANodeThatIsNotRegistered() {
    assertThatThrownBy(
            () -> new NodeStateUpdate(registry).apply(NodeKind.PUMP, "ghost", NodeState.PAUSED))
        .isInstanceOfSatisfying(
            FatalBinlogException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.REGISTRY_CONFLICT))
        .hasMessageContaining("ghost");
  }
}
