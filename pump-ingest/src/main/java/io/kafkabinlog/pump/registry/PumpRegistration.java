package io.kafkabinlog.pump.registry;

import io.kafkabinlog.common.error.BinlogException;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.Outage;
import io.kafkabinlog.common.registry.NodeKind;
import io.kafkabinlog.common.registry.NodeLiveness;
import io.kafkabinlog.common.registry.NodeRegistry;
import io.kafkabinlog.common.registry.NodeState;
import io.kafkabinlog.common.registry.NodeStatus;
import io.kafkabinlog.common.registry.RegisteredNode;
import io.kafkabinlog.common.tso.TimestampOracle;
import io.kafkabinlog.common.tso.Tso;
import io.kafkabinlog.pump.metrics.PumpMetrics;
import io.kafkabinlog.pump.watermark.WatermarkView;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pump's entry in the registry ({@code <root>/v1/pumps/<nodeId>}, the original's JSON) and its
 * lease-bound liveness key. The pump owns its state: every heartbeat writes the pump's own state
 * with {@code maxCommitTS} from the watermark (never below the previous entry's) and {@code
 * updateTS} from a fresh TSO, or, while PD is unreachable, the last TSO plus the time elapsed, as
 * the original.
 *
 * <p>Use: {@link #previous()} first (before anything is written), {@link #acquireLiveness()},
 * {@link #register}, {@link #startHeartbeats()}, {@link #setState} on transitions, {@link #close}.
 */
public final class PumpRegistration implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PumpRegistration.class);
  private static final Duration STALE_GRACE = Duration.ofSeconds(2);

  private final NodeRegistry registry;
  private final TimestampOracle tso;
  private final WatermarkView watermark;
  private final PumpMetrics metrics;
  private final String nodeId;
  private final String host;
  private final String statusAddr;
  private final Duration heartbeatInterval;
  private final Duration livenessTtl;
  private final ScheduledExecutorService scheduler;
  private final Outage heartbeatOutage = new Outage();

  // Guards every field below and serialises registry writes, so a heartbeat never lands a state
  // older than the one setState just wrote.
  private final Object lock = new Object();
  private Optional<NodeStatus> previous;
  private NodeState state;
  private long maxCommitFloor;
  private long lastTso;
  private long lastTsoNanos;
  private NodeLiveness liveness;
  private ScheduledFuture<?> heartbeats;
  private boolean leaseLossLogged;

  public PumpRegistration(
      final NodeRegistry registry,
      final TimestampOracle tso,
      final WatermarkView watermark,
      final PumpMetrics metrics,
      final String nodeId,
      final String host,
      final String statusAddr,
      final Duration heartbeatInterval,
      final Duration livenessTtl,
      final ScheduledExecutorService scheduler) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.tso = Objects.requireNonNull(tso, "tso");
    this.watermark = Objects.requireNonNull(watermark, "watermark");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.host = Objects.requireNonNull(host, "host");
    this.statusAddr = statusAddr;
    this.heartbeatInterval = Objects.requireNonNull(heartbeatInterval, "heartbeatInterval");
    this.livenessTtl = Objects.requireNonNull(livenessTtl, "livenessTtl");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
  }

  /**
   * The entry as it was before this process wrote anything (read once, then remembered); empty for
   * a new pump. Its state decides what starting means (the original: previous {@code offline} is a
   * new or re-added pump), its {@code maxCommitTS} is a floor for ours.
   */
  public Optional<NodeStatus> previous() {
    synchronized (lock) {
      if (previous == null) {
        previous = registry.get(NodeKind.PUMP, nodeId).map(RegisteredNode::status);
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
        throw new IllegalStateException("liveness of pump " + nodeId + " already held");
      }
      liveness =
          registry.holdLivenessExclusively(
              NodeKind.PUMP, nodeId, livenessTtl, livenessTtl.plus(STALE_GRACE));
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
              nodeId,
              host,
              newState,
              false,
              0,
              before.map(NodeStatus::label).orElse(null),
              maxCommit,
              updateTs,
              statusAddr);
      final NodeStatus written = registry.register(NodeKind.PUMP, status).status();
      state = newState;
      LOG.info(
          "pump {} registered {} (maxCommitTS {}, updateTS {})",
          nodeId,
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
        throw new IllegalStateException("pump " + nodeId + " is not registered yet");
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

  /** Rewrites the entry every heartbeat interval; failures are logged and counted, not fatal. */
  public void startHeartbeats() {
    synchronized (lock) {
      if (state == null) {
        throw new IllegalStateException("register before starting heartbeats");
      }
      if (heartbeats != null) {
        throw new IllegalStateException("heartbeats already started");
      }
      final long every = heartbeatInterval.toNanos();
      heartbeats =
          scheduler.scheduleAtFixedRate(this::heartbeat, every, every, TimeUnit.NANOSECONDS);
    }
  }

  private void heartbeat() {
    try {
      synchronized (lock) {
        if (heartbeats == null) {
          return; // closed meanwhile
        }
        checkLease();
        write(updateTs());
        if (heartbeatOutage.succeeded()) {
          LOG.info("registry heartbeats of pump {} succeed again", nodeId);
        }
      }
    } catch (RuntimeException e) {
      // Never rethrow: a scheduled task that throws is not run again.
      metrics.registryHeartbeatFailed();
      heartbeatOutage.failed(); // noted for the recovery message; every failure is warned about
      LOG.warn("registry heartbeat of pump {} failed: {}", nodeId, e.toString());
    }
  }

  private void checkLease() {
    if (liveness != null && !liveness.isHeld() && !leaseLossLogged) {
      leaseLossLogged = true;
      LOG.error(
          "pump {} lost its liveness lease: tools now see it as dead, and another process could"
              + " take its node id; restart this pump",
          nodeId);
    }
  }

  private NodeStatus write(final long updateTs) {
    final long maxCommit = maxCommit();
    final NodeState own = state;
    try {
      return registry
          .update(
              NodeKind.PUMP,
              nodeId,
              current ->
                  new NodeStatus(
                      nodeId,
                      host,
                      own,
                      current.isAlive(),
                      current.score(),
                      current.label(),
                      maxCommit,
                      updateTs,
                      statusAddr))
          .status();
    } catch (FatalBinlogException e) {
      if (e.code() != ErrorCode.REGISTRY_CONFLICT
          || registry.get(NodeKind.PUMP, nodeId).isPresent()) {
        throw e;
      }
      // Someone deleted the entry: write it again, as the original's update-or-create does.
      LOG.warn("registry entry of pump {} was deleted; writing it again", nodeId);
      return registry
          .register(
              NodeKind.PUMP,
              new NodeStatus(nodeId, host, own, false, 0, null, maxCommit, updateTs, statusAddr))
          .status();
    }
  }

  private long maxCommit() {
    // The registry's maxCommitTS never moves back, also not across a restart that starts at 0.
    maxCommitFloor = Math.max(maxCommitFloor, watermark.maxCommitTs());
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
      LOG.debug("no TSO for the heartbeat of {}; using the last plus {} ms", nodeId, elapsedMillis);
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
