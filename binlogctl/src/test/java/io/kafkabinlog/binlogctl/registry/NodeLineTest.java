package io.kafkabinlog.binlogctl.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.common.registry.NodeKind;
import io.kafkabinlog.common.registry.NodeState;
import io.kafkabinlog.common.registry.NodeStatus;
import io.kafkabinlog.common.registry.RegisteredNode;
import io.kafkabinlog.common.tso.Tso;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class NodeLineTest {
  // 2019-04-28 09:29:57.016 UTC, logical 1 (the original README's example time).
  private static final long UPDATE_TS =
      Tso.compose(Instant.parse("2019-04-28T09:29:57.016Z").toEpochMilli(), 1);

  private static RegisteredNode node(final boolean live) {
    return new RegisteredNode(
        NodeStatus.of("1.1.1.1:8250", "pump:8250", NodeState.ONLINE)
            .withHeartbeat(408012403141509121L, UPDATE_TS),
        live,
        7);
  }

  @Test
  void shouldPrintTheOriginalsLineWithAliveAdded() {
    assertThat(new NodeLine(ZoneId.of("UTC")).format(NodeKind.PUMP, node(true)))
        .isEqualTo(
            "[\"query node\"] [type=pump] [node=\"{NodeID: 1.1.1.1:8250, Addr: pump:8250, State:"
                + " online, MaxCommitTS: 408012403141509121, UpdateTime: 2019-04-28 09:29:57 +0000"
                + " UTC, Alive: true}\"]");
  }

  @Test
  void shouldShowTheUpdateTimeInTheGivenZoneAsGoDoes() {
    final String line =
        new NodeLine(ZoneId.of("Asia/Shanghai")).format(NodeKind.DRAINER, node(false));

    assertThat(line).startsWith("[\"query node\"] [type=drainer] [node=\"{NodeID: 1.1.1.1:8250");
    assertThat(line).contains("UpdateTime: 2019-04-28 17:29:57 +0800 CST, Alive: false}");
  }

  @Test
  void shouldShowANeverUpdatedNodeAtTheEpoch() {
    final RegisteredNode fresh =
        new RegisteredNode(NodeStatus.of("d", "h:1", NodeState.PAUSED), false, 1);

    assertThat(new NodeLine(ZoneId.of("UTC")).format(NodeKind.DRAINER, fresh))
        .contains("State: paused, MaxCommitTS: 0, UpdateTime: 1970-01-01 00:00:00 +0000 UTC");
  }

  @Test
  void shouldEscapeQuotesInsideTheQuotedField() {
    assertThat(NodeLine.quoted("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
  }
}
