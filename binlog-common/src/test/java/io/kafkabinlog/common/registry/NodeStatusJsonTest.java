package io.kafkabinlog.common.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The registry JSON must be byte-for-byte what Go's encoding/json writes for node.Status. */
class NodeStatusJsonTest {
  @Test
  void shouldWriteTheOriginalFieldNamesInGoFieldOrder() {
    final NodeStatus status =
        new NodeStatus(
            "pump1:8250", "10.0.0.1:8250", NodeState.ONLINE, false, 0, null, 412, 415, null);

    assertThat(EtcdNodeRegistry.toJson(status))
        .isEqualTo(
            "{\"nodeId\":\"pump1:8250\",\"host\":\"10.0.0.1:8250\",\"state\":\"online\","
                + "\"isAlive\":false,\"score\":0,\"label\":null,\"maxCommitTS\":412,\"updateTS\":415}");
  }

  @Test
  void shouldAppendTheStatusAddressAsAnExtraFieldOnlyWhenKnown() throws Exception {
    final NodeStatus status =
        NodeStatus.of("pump1:8250", "10.0.0.1:8250", NodeState.ONLINE)
            .withStatusAddr("10.0.0.1:8251");

    final String json = EtcdNodeRegistry.toJson(status);

    assertThat(json).endsWith(",\"updateTS\":0,\"statusAddr\":\"10.0.0.1:8251\"}");
    assertThat(EtcdNodeRegistry.fromJson(json)).isEqualTo(status);
  }

  @Test
  void shouldReadWhatTheGoToolsWriteIgnoringUnknownFields() throws Exception {
    final String fromGo =
        "{\"nodeId\":\"ip-1:8250\",\"host\":\"ip-1:8250\",\"state\":\"paused\",\"isAlive\":false,"
            + "\"score\":0,\"label\":{\"labels\":{\"zone\":\"a\"}},\"maxCommitTS\":409088,"
            + "\"updateTS\":409090,\"somethingNew\":[1,2]}";

    final NodeStatus status = EtcdNodeRegistry.fromJson(fromGo);

    assertThat(status.state()).isEqualTo(NodeState.PAUSED);
    assertThat(status.label().labels()).isEqualTo(Map.of("zone", "a"));
    assertThat(status.maxCommitTs()).isEqualTo(409088);
    assertThat(status.updateTs()).isEqualTo(409090);
  }

  @Test
  void shouldRejectAnUnknownState() {
    assertThatThrownBy(
            () ->
                EtcdNodeRegistry.fromJson(
                    "{\"nodeId\":\"a\",\"host\":\"h\",\"state\":\"sleeping\"}"))
        .isInstanceOf(JsonMappingException.class)
        .hasMessageContaining("sleeping");
  }

  @Test
  void shouldRejectNodeIdsThatWouldBreakTheKeyLayout() {
    assertThatThrownBy(() -> NodeStatus.of("a/b", "h:1", NodeState.ONLINE))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
