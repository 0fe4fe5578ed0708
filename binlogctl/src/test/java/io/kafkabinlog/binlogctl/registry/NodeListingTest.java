package io.kafkabinlog.binlogctl.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.common.registry.InMemoryNodeRegistry;
import io.kafkabinlog.common.registry.NodeKind;
import io.kafkabinlog.common.registry.NodeLiveness;
import io.kafkabinlog.common.registry.NodeState;
import io.kafkabinlog.common.registry.NodeStatus;
import java.time.Duration;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class NodeListingTest {
  private final InMemoryNodeRegistry registry = new InMemoryNodeRegistry();
  private final NodeListing listing = new NodeListing(registry, new NodeLine(ZoneId.of("UTC")));

  @Test
  void shouldHideOfflineNodesUnlessAskedAndListByNodeId() {
    registry.register(NodeKind.PUMP, NodeStatus.of("pump-b", "b:8250", NodeState.ONLINE));
    registry.register(NodeKind.PUMP, NodeStatus.of("pump-a", "a:8250", NodeState.PAUSED));
    registry.register(NodeKind.PUMP, NodeStatus.of("pump-c", "c:8250", NodeState.OFFLINE));
    registry.register(NodeKind.DRAINER, NodeStatus.of("drainer", "d:8249", NodeState.ONLINE));

    assertThat(listing.lines(NodeKind.PUMP, false))
        .hasSize(2)
        .satisfiesExactly(
            a -> assertThat(a).contains("NodeID: pump-a,").contains("State: paused"),
            b -> assertThat(b).contains("NodeID: pump-b,").contains("State: online"));
    assertThat(listing.lines(NodeKind.PUMP, true))
        .hasSize(3)
        .last()
        .asString()
        .contains("NodeID: pump-c,")
        .contains("State: offline");
    assertThat(listing.lines(NodeKind.DRAINER, false))
        .singleElement()
        .asString()
        .startsWith("[\"query node\"] [type=drainer]");
  }

  @Test
  void shouldShowWhetherTheNodeHoldsItsLivenessKey() {
    registry.register(NodeKind.PUMP, NodeStatus.of("pump-a", "a:8250", NodeState.ONLINE));
    try (NodeLiveness alive =
        registry.holdLiveness(NodeKind.PUMP, "pump-a", Duration.ofSeconds(5))) {
      assertThat(alive.isHeld()).isTrue();
      assertThat(listing.lines(NodeKind.PUMP, false))
          .singleElement()
          .asString()
          .contains("Alive: true}");
    }
    assertThat(listing.lines(NodeKind.PUMP, false))
        .singleElement()
        .asString()
        .contains("Alive: false}");
  }
}
