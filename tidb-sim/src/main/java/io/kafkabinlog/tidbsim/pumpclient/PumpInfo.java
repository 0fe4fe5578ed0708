package io.kafkabinlog.tidbsim.pumpclient;

import io.kafkabinlog.common.registry.NodeState;
import java.util.Objects;

/**
 * What the client knows about one pump, for status pages and logs.
 *
 * @param nodeId the pump's node id
 * @param host the address the client dials
 * @param state the pump's state in the registry
 * @param available true if prewrites may be sent to it (online and not over the error threshold)
 * @param consecutiveErrors failed RPCs since its last success or reset
 * @param acknowledged binlogs it acknowledged (probes not counted)
 * @param failed binlog writes it failed (probes not counted)
 */
public record PumpInfo(
    String nodeId,
    String host,
    NodeState state,
    boolean available,
    long consecutiveErrors,
    long acknowledged,
    long failed) {
  public PumpInfo {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(state, "state");
  }
}
