package io.kafkabinlog.common.registry;

import java.util.Objects;

/**
 * A registry entry as read, with whether its lease-bound liveness key exists. The original could
 * not tell a crashed pump (still {@code online}) from a live one; {@code live} can.
 *
 * @param status the compatible entry
 * @param live true if the node holds a live lease
 * @param revision etcd mod revision of the entry, for compare-and-swap updates
 */
public record RegisteredNode(NodeStatus status, boolean live, long revision) {
  public RegisteredNode {
    Objects.requireNonNull(status, "status");
  }
}
