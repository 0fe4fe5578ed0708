package io.kafkabinlog.common.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NodeStateTest {
  @Test
  void shouldUseTheOriginalStateStrings() {
    assertThat(NodeState.values())
        .extracting(NodeState::wireName)
        .containsExactly("online", "pausing", "paused", "closing", "offline");
    assertThat(NodeState.fromWireName("closing")).isEqualTo(NodeState.CLOSING);
    assertThatThrownBy(() -> NodeState.fromWireName("Online"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldAllowOnlyTheLifecycleTransitions() {
    assertThat(NodeState.ONLINE.canMoveTo(NodeState.PAUSING)).isTrue();
    assertThat(NodeState.ONLINE.canMoveTo(NodeState.CLOSING)).isTrue();
    assertThat(NodeState.PAUSING.canMoveTo(NodeState.PAUSED)).isTrue();
    assertThat(NodeState.CLOSING.canMoveTo(NodeState.OFFLINE)).isTrue();
    assertThat(NodeState.PAUSED.canMoveTo(NodeState.ONLINE)).isTrue();
    assertThat(NodeState.OFFLINE.canMoveTo(NodeState.ONLINE)).isTrue();
    // A closing pump must finish draining; it may not go back online or pause half-way.
    assertThat(NodeState.CLOSING.canMoveTo(NodeState.ONLINE)).isFalse();
    assertThat(NodeState.CLOSING.canMoveTo(NodeState.PAUSED)).isFalse();
    assertThat(NodeState.PAUSED.canMoveTo(NodeState.OFFLINE)).isFalse();
  }
}
