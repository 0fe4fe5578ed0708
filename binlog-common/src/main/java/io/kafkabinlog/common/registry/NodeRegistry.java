package io.kafkabinlog.common.registry;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The node registry (etcd inside PD in production). Writes keep the original's semantics: an entry
 * is created if absent and updated if present; no write ever deletes the compatible entry.
 */
public interface NodeRegistry extends AutoCloseable {
  /** Creates the entry if absent, otherwise overwrites it; returns the entry as stored. */
  RegisteredNode register(NodeKind kind, NodeStatus status);

  /**
   * Reads the entry, applies {@code change} and writes the result only if nobody wrote the entry in
   * between (compare-and-swap on its revision), retrying a bounded number of times.
   *
   * @throws io.kafkabinlog.common.error.FatalBinlogException if the node is not registered
   */
  RegisteredNode update(NodeKind kind, String nodeId, UnaryOperator<NodeStatus> change);

  Optional<RegisteredNode> get(NodeKind kind, String nodeId);

  /** Every node of a kind, ordered by node id. */
  List<RegisteredNode> list(NodeKind kind);

  /** Starts holding a liveness lease for the node with the given TTL. */
  NodeLiveness holdLiveness(NodeKind kind, String nodeId, Duration ttl);

  /**
   * Starts holding the node's liveness lease only if no other holder exists: the lease-bound key is
   * created only if absent. If it is present (another live process with this node id, or one killed
   * without closing whose lease has not expired yet), waits up to {@code waitForStale} for it to
   * disappear. This is what keeps two processes from acting as one node (for a pump: from writing
   * one raw partition).
   *
   * @throws io.kafkabinlog.common.error.FatalBinlogException with code {@code REGISTRY_CONFLICT} if
   *     the key is still held after {@code waitForStale}
   */
  NodeLiveness holdLivenessExclusively(
      NodeKind kind, String nodeId, Duration ttl, Duration waitForStale);

  @Override
  void close();
}
