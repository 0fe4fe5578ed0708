package io.kafkabinlog.drainer.registry;

import io.kafkabinlog.common.registry.NodeKind;
import io.kafkabinlog.common.registry.NodeRegistration;
import io.kafkabinlog.common.registry.NodeRegistry;
import io.kafkabinlog.common.registry.NodeState;
import io.kafkabinlog.common.registry.NodeStatus;
import io.kafkabinlog.common.tso.TimestampOracle;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The drainer's entry {@code <root>/v1/drainers/<nodeID>} as the original writes it: {@code online}
 * while it runs, rewritten every heartbeat with {@code maxCommitTS} = the sink's checkpoint (every
 * transaction at or below it is applied downstream) and {@code updateTS}; {@code host} (and our
 * {@code statusAddr}) is the drainer's HTTP API, where binlogctl sends {@code PUT /state/...}.
 * Beside it, the liveness key, held exclusively: a second drainer with the same node id is refused,
 * and a killed one reads as not alive once the lease expires (its entry stays {@code online}, as
 * the original's).
 *
 * <p>As the original, {@value #MAX_HEARTBEAT_FAILURES} heartbeats failing in a row mean the drainer
 * has lost the registry: {@code onLost} is told once, with the last error, and the drainer stops.
 */
public final class DrainerRegistration implements AutoCloseable {
  /** Consecutive failed heartbeats after which the drainer stops (the original's 20). */
  public static final int MAX_HEARTBEAT_FAILURES = 20;

  private final NodeRegistration node;
  private final Consumer<String> onLost;
  private final AtomicBoolean lost = new AtomicBoolean();

  /**
   * @param advertised host:port of the drainer's HTTP API (its {@code advertise-addr})
   * @param checkpointTs the sink's checkpoint commit_ts now; negative while not known
   * @param onLost told once, with a message naming the last error, after {@value
   *     #MAX_HEARTBEAT_FAILURES} failed heartbeats in a row
   */
  public DrainerRegistration(
      final NodeRegistry registry,
      final TimestampOracle tso,
      final String nodeId,
      final String advertised,
      final LongSupplier checkpointTs,
      final NodeRegistration.Timing timing,
      final ScheduledExecutorService scheduler,
      final Consumer<String> onLost) {
    Objects.requireNonNull(checkpointTs, "checkpointTs");
    this.onLost = Objects.requireNonNull(onLost, "onLost");
    this.node =
        new NodeRegistration(
            registry,
            tso,
            new NodeRegistration.Node(NodeKind.DRAINER, nodeId, advertised, advertised),
            () -> Math.max(0, checkpointTs.getAsLong()),
            timing,
            scheduler,
            this::heartbeatFailed);
  }

  /**
   * Reads the previous entry and takes the liveness key, before anything else is written.
   *
   * @return the entry a previous run left, if any
   * @throws io.kafkabinlog.common.error.FatalBinlogException {@code REGISTRY_CONFLICT} if a live
   *     drainer has this node id
   */
  public Optional<NodeStatus> acquire() {
    final Optional<NodeStatus> previous = node.previous();
    node.acquireLiveness();
    return previous;
  }

  /** Writes the entry {@code online} and starts the heartbeats. */
  public NodeStatus online() {
    final NodeStatus written = node.register(NodeState.ONLINE);
    node.startHeartbeats();
    return written;
  }

  /** Writes {@code state} now, with the checkpoint as it is now; the heartbeats keep it. */
  public NodeStatus setState(final NodeState state) {
    return node.setState(state);
  }

  /** The state this process last wrote; empty before {@link #online()}. */
  public Optional<NodeState> state() {
    return node.state();
  }

  /** Heartbeats that failed in a row up to now. */
  public int consecutiveFailures() {
    return node.consecutiveFailures();
  }

  /** True while the liveness lease is held. */
  public boolean isLive() {
    return node.isLive();
  }

  private void heartbeatFailed(final int consecutive, final RuntimeException error) {
    if (consecutive >= MAX_HEARTBEAT_FAILURES && lost.compareAndSet(false, true)) {
      onLost.accept(
          consecutive
              + " registry heartbeats failed in a row (etcd at pd-urls unreachable?); last: "
              + error.getMessage());
    }
  }

  /** Stops the heartbeats and releases the liveness key; the entry stays as last written. */
  @Override
  public void close() {
    node.close();
  }
}
