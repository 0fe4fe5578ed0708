package io.kafkabinlog.drainer.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * What the drainer reports at one moment, for {@code GET /status}.
 *
 * @param nodeId the drainer's node id
 * @param state its lifecycle state ({@code online}, {@code pausing}, ...)
 * @param checkpointTs the sink's checkpoint commit_ts (0 before it is known)
 * @param ordering the ordering stream's own {@code /status} document
 * @param sink the mysql-sink's own {@code /status} document
 * @param sinkIdle true when the sink has nothing in flight and has not failed
 * @param registryLive true while the liveness lease is held
 * @param heartbeatFailures registry heartbeats that failed in a row up to now
 */
public record DrainerStatus(
    String nodeId,
    String state,
    long checkpointTs,
    ObjectNode ordering,
    ObjectNode sink,
    boolean sinkIdle,
    boolean registryLive,
    int heartbeatFailures) {

  public DrainerStatus {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(ordering, "ordering");
    Objects.requireNonNull(sink, "sink");
  }
}
