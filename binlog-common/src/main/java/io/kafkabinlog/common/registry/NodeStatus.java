package io.kafkabinlog.common.registry;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Map;
import java.util.Objects;

/**
 * A node's registry entry, with the original's JSON names ({@code pkg/node/node.go}), so that TiDB,
 * {@code SHOW PUMP STATUS} and the original binlogctl read it unchanged. Unknown fields written by
 * others are ignored, as Go does.
 *
 * @param nodeId node id, by default host:port
 * @param host the address clients dial (advertise-addr)
 * @param state lifecycle state
 * @param isAlive unused by the original; kept for the wire shape
 * @param score unused by the original (0)
 * @param label optional labels, {@code null} when none
 * @param maxCommitTs pump: every binlog with commit_ts up to this is stored; drainer: checkpoint
 * @param updateTs TSO of the last heartbeat
 * @param statusAddr our extra field: host:port of the node's status HTTP API (GET /status, PUT
 *     /state/...), which is not the gRPC {@code host}; {@code null} (and omitted) when unknown
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({
  "nodeId",
  "host",
  "state",
  "isAlive",
  "score",
  "label",
  "maxCommitTS",
  "updateTS",
  "statusAddr"
})
@JsonInclude(JsonInclude.Include.ALWAYS)
public record NodeStatus(
    @JsonProperty("nodeId") String nodeId,
    @JsonProperty("host") String host,
    @JsonProperty("state") NodeState state,
    @JsonProperty("isAlive") boolean isAlive,
    @JsonProperty("score") long score,
    @JsonProperty("label") Label label,
    @JsonProperty("maxCommitTS") long maxCommitTs,
    @JsonProperty("updateTS") long updateTs,
    @JsonProperty("statusAddr") @JsonInclude(JsonInclude.Include.NON_NULL) String statusAddr) {

  public NodeStatus {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(state, "state");
    if (nodeId.isBlank() || nodeId.contains("/")) {
      throw new IllegalArgumentException("node id must be non-blank and without '/': " + nodeId);
    }
  }

  /** A new entry in the given state, with no labels and zero timestamps. */
  public static NodeStatus of(final String nodeId, final String host, final NodeState state) {
    return new NodeStatus(nodeId, host, state, false, 0, null, 0, 0, null);
  }

  public NodeStatus withState(final NodeState newState) {
    return new NodeStatus(
        nodeId, host, newState, isAlive, score, label, maxCommitTs, updateTs, statusAddr);
  }

  public NodeStatus withHeartbeat(final long newMaxCommitTs, final long newUpdateTs) {
    return new NodeStatus(
        nodeId, host, state, isAlive, score, label, newMaxCommitTs, newUpdateTs, statusAddr);
  }

  public NodeStatus withStatusAddr(final String newStatusAddr) {
    return new NodeStatus(
        nodeId, host, state, isAlive, score, label, maxCommitTs, updateTs, newStatusAddr);
  }

  /**
   * Go's {@code Label{Labels map[string]string `json:"labels"`}}.
   *
   * @param labels key/value labels
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Label(@JsonProperty("labels") Map<String, String> labels) {
    public Label {
      labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
  }
}
