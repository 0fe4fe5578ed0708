package io.kafkabinlog.common.registry;

import io.kafkabinlog.common.error.BinlogException;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.Outage;
import io.kafkabinlog.common.tso.TimestampOracle;
import io.kafkabinlog.common.tso.Tso;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's entry in the registry ({@code <root>/v1/pumps/<nodeId>} or {@code .../drainers/...}, the
 * original's JSON) and its lease-bound liveness key. The node owns its state: every heartbeat
 * writes the node's own state with {@code maxCommitTS} from the node (a pump's watermark, a
 * drainer's checkpoint; never below the previous entry's) and {@code updateTS} from a fresh TSO,
 * or, while PD is unreachable, the last TSO plus the time elapsed, as the original.
 *
 * <p>Use: {@link #previous()} first (before anything is written), {@link #acquireLiveness()},
 * {@link #register}, {@link #startHeartbeats()}, {@link #setState} on transitions, {@link #close}.
 */
public final class NodeRegistration implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(NodeRegistration.class);
  private static final Duration STALE_GRACE = Duration.ofSeconds(2);

  /**
   * Who the entry is about.
   *
   * @param kind pump or drainer
   * @param nodeId the key under the kind's folder
   * @param host the {@code host} field: the address clients dial (advertise-addr)
   * @param statusAddr our {@code statusAddr} field (the status HTTP API); null to leave it out
   */
  public record Node(NodeKind kind, String nodeId, String host, String statusAddr) {
    public Node {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(nodeId, "nodeId");
      Objects.requireNonNull(host, "host");
    }

    String name() {
      return kind.name().toLowerCase(Locale.ROOT) + " " + nodeId;
    }
  }

  /**
   * How often the entry is rewritten and how long the liveness key outlives a killed process.
   *
   * @param heartbeatInterval between two heartbeat writes
   * @param livenessTtl TTL of the lease behind the liveness key
   */
  public record Timing(Duration heartbeatInterval, Duration livenessTtl) {
    public Timing {
      Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
      Objects.requireNonNull(livenessTtl, "livenessTtl");
    }
  }

  /** Told of each heartbeat's outcome, on the scheduler's thread. */
  @FunctionalInterface
  public interface HeartbeatListener {
    /**
     * A heartbeat failed (it was logged).
     *
     * @param consecutive failures in a row, this one included
     */
    void failed(int consecutive, RuntimeException error);
  }

  private final NodeRegistry registry;
  private final TimestampOracle tso;
  private final Node node;
  private final LongSupplier maxCommitTs;
  private final Timing timing;
  private final ScheduledExecutorService scheduler;
  private final HeartbeatListener listener;
  private final Outage heartbeatOutage = new Outage();

  // Guards every field below and serialises registry writes, so a heartbeat never lands a state
  // older than the one setState just wrote.
  private final Object lock = new Object();
  private Optional<NodeStatus> previous;
  private NodeState state;
  private long maxCommitFloor;
  private long lastTso;
  private long lastTsoNanos;
  private int consecutiveFailures;
  private NodeLiveness liveness;
  private ScheduledFuture<?> heartbeats;
  private boolean leaseLossLogged;

  /**
   * @param maxCommitTs the node's {@code maxCommitTS} now (read at every write)
   * @param scheduler runs the heartbeats; the caller owns and shuts it down
   */
  public NodeRegistration(
      final NodeRegistry registry,
      final TimestampOracle tso,
      final Node node,
      final LongSupplier maxCommitTs,
      final Timing timing,
      final ScheduledExecutorService scheduler,
      final HeartbeatListener listener) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.tso = Objects.requireNonNull(tso, "tso");
    this.node = Objects.requireNonNull(node, "node");
    this.maxCommitTs = Objects.requireNonNull(maxCommitTs, "maxCommitTs");
    this.timing = Objects.requireNonNull(timing, "timing");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * The entry as it was before this process wrote anything (read once, then remembered); empty for
   * a new node. Its state decides what starting means (the original: a pump previously {@code
   * offline} is new or re-added), its {@code maxCommitTS} is a floor for ours.
   */
  public Optional<NodeStatus> previous() {
    synchronized (lock) {
      if (previous == null) {
        previous = registry.get(node.kind(), node.nodeId()).map(RegisteredNode::status);
        maxCommitFloor = Math.max(maxCommitFloor, previous.map(NodeStatus::maxCommitTs).orElse(0L));
      }
      return previous;
    }
  }

  /**
   * Takes the node's liveness key exclusively, waiting up to the TTL + 2 s for the key of a killed
   * predecessor to expire.
   *
   * @throws io.kafkabinlog.common.error.FatalBinlogException {@code REGISTRY_CONFLICT} if another
   *     live process has this node id
   */
  public void acquireLiveness() {
    synchronized (lock) {
      if (liveness != null) {
        throw new IllegalStateException("liveness of " + node.name() + " already held");
      }
      liveness =
          registry.holdLivenessExclusively(
              node.kind(),
              node.nodeId(),
              timing.livenessTtl(),
              timing.livenessTtl().plus(STALE_GRACE));
      leaseLossLogged = false;
    }
  }

  /** Writes the entry (created if absent, overwritten if present) in {@code newState}. */
  public NodeStatus register(final NodeState newState) {
    Objects.requireNonNull(newState, "newState");
    synchronized (lock) {
      final Optional<NodeStatus> before = previous();
      final long maxCommit = maxCommit();
      final long updateTs = freshTso();
      final NodeStatus status =
          new NodeStatus(
              node.nodeId(),
              node.host(),
              newState,
              false,
              0,
              before.map(NodeStatus::label).orElse(null),
              maxCommit,
              updateTs,
              node.statusAddr());
      final NodeStatus written = registry.register(node.kind(), status).status();
      state = newState;
      LOG.info(
          "{} registered {} (maxCommitTS {}, updateTS {})",
          node.name(),
          newState.wireName(),
          maxCommit,
          updateTs);
      return written;
    }
  }

  /** Writes {@code newState} now (the next heartbeats keep it). */
  public NodeStatus setState(final NodeState newState) {
    Objects.requireNonNull(newState, "newState");
    synchronized (lock) {
      if (state == null) {
        throw new IllegalStateException(node.name() + " is not registered yet");
      }
      state = newState;
      return write(freshTso());
    }
  }

  /** The state this process last wrote, or empty before {@link #register}. */
  public Optional<NodeState> state() {
    synchronized (lock) {
      return Optional.ofNullable(state);
    }
  }

  /** True while the liveness lease is held. */
  public boolean isLive() {
    synchronized (lock) {
      return liveness != null && liveness.isHeld();
    }
  }

  /** Heartbeats that failed in a row up to now (0 after a success). */
  public int consecutiveFailures() {
    synchronized (lock) {
      return consecutiveFailures;
    }
  }

  /**
   * Rewrites the entry every heartbeat interval; a failure is logged, counted and reported to the
   * listener, and the next heartbeat tries again.
   */
  public void startHeartbeats() {
    synchronized (lock) {
      if (state == null) {
        throw new IllegalStateException("register before starting heartbeats");
      }
      if (heartbeats != null) {
        throw new IllegalStateException("heartbeats already started");
      }
      final long every = timing.heartbeatInterval().toNanos();
      heartbeats =
          scheduler.scheduleAtFixedRate(this::heartbeat, every, every, TimeUnit.NANOSECONDS);
    }
  }

  private void heartbeat() {
    final int failures;
    final RuntimeException error;
    synchronized (lock) {
      if (heartbeats == null) {
        return; // closed meanwhile
      }
      try {
        checkLease();
        write(updateTs());
        consecutiveFailures = 0;
        if (heartbeatOutage.succeeded()) {
          LOG.info("registry heartbeats of {} succeed again", node.name());
        }
        return;
      } catch (RuntimeException e) {
        // Never rethrow: a scheduled task that throws is not run again.
        consecutiveFailures++;
        heartbeatOutage.failed(); // noted for the recovery message; every failure is warned about
        LOG.warn(
            "registry heartbeat of {} failed ({} in a row): {}",
            node.name(),
            consecutiveFailures,
            e.toString());
        failures = consecutiveFailures;
        error = e;
      }
    }
    // Outside the lock: a listener that stops the node calls setState from another thread.
    listener.failed(failures, error);
  }

  private void checkLease() {
    if (liveness != null && !liveness.isHeld() && !leaseLossLogged) {
      leaseLossLogged = true;
      LOG.error(
          "{} lost its liveness lease: tools now see it as dead, and another process could take"
              + " its node id; restart it",
          node.name());
    }
  }

  private NodeStatus write(final long updateTs) {
    final long maxCommit = maxCommit();
    final NodeState own = state;
    try {
      return registry
          .update(
              node.kind(),
              node.nodeId(),
              current ->
                  new NodeStatus(
                      node.nodeId(),
                      node.host(),
                      own,
                      current.isAlive(),
                      current.score(),
                      current.label(),
                      maxCommit,
                      updateTs,
                      node.statusAddr()))
          .status();
    } catch (FatalBinlogException e) {
      if (e.code() != ErrorCode.REGISTRY_CONFLICT
          || registry.get(node.kind(), node.nodeId()).isPresent()) {
        throw e;
      }
      // Someone deleted the entry: write it again, as the original's update-or-create does.
      LOG.warn("registry entry of {} was deleted; writing it again", node.name());
      return registry
          .register(
              node.kind(),
              new NodeStatus(
                  node.nodeId(),
                  node.host(),
                  own,
                  false,
                  0,
                  null,
                  maxCommit,
                  updateTs,
                  node.statusAddr()))
          .status();
    }
  }

  private long maxCommit() {
    // The registry's maxCommitTS never moves back, also not across a restart that starts at 0.
    maxCommitFloor = Math.max(maxCommitFloor, maxCommitTs.getAsLong());
    return maxCommitFloor;
  }

  private long freshTso() {
    final long ts = tso.getTimestamp();
    lastTso = ts;
    lastTsoNanos = System.nanoTime();
    return ts;
  }

  // The original's updateTS while PD is away: the last TSO plus the time elapsed since.
  private long updateTs() {
    try {
      return freshTso();
    } catch (BinlogException e) {
      if (lastTso == 0) {
        throw e;
      }
      final long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastTsoNanos);
      LOG.debug("no TSO for the heartbeat of {}; using the last plus {} ms", node, elapsedMillis);
      return Tso.compose(Tso.physicalMillis(lastTso) + elapsedMillis, Tso.logical(lastTso));
    }
  }

  /** Stops the heartbeats and releases the liveness key; the entry itself stays. */
  @Override
  public void close() {
    synchronized (lock) {
      if (heartbeats != null) {
        heartbeats.cancel(false);
        heartbeats = null;
      }
      if (liveness != null) {
        liveness.close();
        liveness = null;
      }
    }
  }
}
