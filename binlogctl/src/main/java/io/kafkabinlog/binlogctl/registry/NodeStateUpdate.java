package io.kafkabinlog.binlogctl.registry;

import io.kafkabinlog.common.registry.NodeKind;
import io.kafkabinlog.common.registry.NodeRegistry;
import io.kafkabinlog.common.registry.NodeState;
import io.kafkabinlog.common.registry.NodeStatus;
import java.util.Objects;

/**
 * {@code -cmd update-pump} and {@code -cmd update-drainer}: sets the state in the registry
 * (compare-and-swap on the entry's revision) without contacting the node, as the original. Meant
 * for repairing the state of a dead node: a live one rewrites its own state on its next heartbeat.
 */
public final class NodeStateUpdate {
  private final NodeRegistry registry;

  public NodeStateUpdate(final NodeRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /**
   * @return the entry as written
   * @throws io.kafkabinlog.common.error.FatalBinlogException {@code REGISTRY_CONFLICT} if the node
   *     is not registered
   */
  public NodeStatus apply(final NodeKind kind, final String nodeId, final NodeState state) {
    return registry.update(kind, nodeId, current -> current.withState(state)).status();
  }
}
