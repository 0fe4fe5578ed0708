package io.kafkabinlog.common.registry;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A {@link NodeRegistry} in memory, for unit tests of the components that use a registry. Liveness
 * is held until closed; there is no TTL.
 */
public final class InMemoryNodeRegistry implements NodeRegistry {
  private final Map<String, RegisteredNode> nodes = new HashMap<>();
  private final Set<String> live = new HashSet<>();
  private long revision;

  @Override
  public synchronized RegisteredNode register(final NodeKind kind, final NodeStatus status) {
    return put(kind, status);
  }

  @Override
  public synchronized RegisteredNode update(
      final NodeKind kind, final String nodeId, final UnaryOperator<NodeStatus> change) {
    final RegisteredNode current = nodes.get(key(kind, nodeId));
    if (current == null) {
      throw new FatalBinlogException(
          ErrorCode.REGISTRY_CONFLICT, kind.folder() + " node '" + nodeId + "' is not registered");
    }
    return put(kind, change.apply(current.status()));
  }

  @Override
  public synchronized Optional<RegisteredNode> get(final NodeKind kind, final String nodeId) {
    return Optional.ofNullable(nodes.get(key(kind, nodeId))).map(n -> withLiveness(kind, n));
  }

  @Override
  public synchronized List<RegisteredNode> list(final NodeKind kind) {
    final List<RegisteredNode> out = new ArrayList<>();
    nodes.forEach(
        (key, node) -> {
          if (key.startsWith(kind.folder() + "/")) {
            out.add(withLiveness(kind, node));
          }
        });
    out.sort(Comparator.comparing(n -> n.status().nodeId()));
    return out;
  }

  @Override
  public synchronized NodeLiveness holdLiveness(
      final NodeKind kind, final String nodeId, final Duration ttl) {
    final String key = key(kind, nodeId);
    live.add(key);
    return liveness(key);
  }

  @Override
  public synchronized NodeLiveness holdLivenessExclusively(
      final NodeKind kind, final String nodeId, final Duration ttl, final Duration waitForStale) {
    final String key = key(kind, nodeId);
    final long deadline = System.nanoTime() + waitForStale.toNanos();
    // No TTL here: a held key goes away only when its holder closes it (which notifies).
    while (live.contains(key)) {
      final long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw RegistryConflicts.alreadyLive(kind, nodeId, "alive key " + key + " is held");
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RetriableBinlogException(
            ErrorCode.SHUTTING_DOWN, "interrupted while waiting for " + key, e);
      }
    }
    live.add(key);
    return liveness(key);
  }

  private NodeLiveness liveness(final String key) {
    return new NodeLiveness() {
      private boolean held = true;

      @Override
      public boolean isHeld() {
        synchronized (InMemoryNodeRegistry.this) {
          return held;
        }
      }

      @Override
      public void close() {
        synchronized (InMemoryNodeRegistry.this) {
          if (held) {
            held = false;
            live.remove(key);
            InMemoryNodeRegistry.this.notifyAll();
          }
        }
      }
    };
  }

  @Override
  public void close() {
    // Nothing held outside memory.
  }

  private RegisteredNode put(final NodeKind kind, final NodeStatus status) {
    final RegisteredNode node = new RegisteredNode(status, false, ++revision);
    nodes.put(key(kind, status.nodeId()), node);
    return withLiveness(kind, node);
  }

  private RegisteredNode withLiveness(final NodeKind kind, final RegisteredNode node) {
    return new RegisteredNode(
        node.status(), live.contains(key(kind, node.status().nodeId())), node.revision());
  }

  private static String key(final NodeKind kind, final String nodeId) {
    return kind.folder() + "/" + nodeId;
  }
}
