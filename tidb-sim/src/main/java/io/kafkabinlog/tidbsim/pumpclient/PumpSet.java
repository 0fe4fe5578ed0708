package io.kafkabinlog.tidbsim.pumpclient;

import io.kafkabinlog.common.registry.NodeState;
import io.kafkabinlog.common.registry.NodeStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pumps the client knows ({@code PumpInfos} in TiDB), split into available (prewrites go there)
 * and unavailable (not online, or over the error threshold), plus the selector over the available
 * ones. Registry events and write outcomes move pumps between the two. Thread-safe.
 */
final class PumpSet {
  private static final Logger LOG = LoggerFactory.getLogger(PumpSet.class);
  private static final Comparator<KnownPump> BY_NODE_ID = Comparator.comparing(KnownPump::nodeId);

  private final Map<String, KnownPump> all = new HashMap<>();
  private final Map<String, KnownPump> available = new HashMap<>();
  private final Map<String, KnownPump> unavailable = new HashMap<>();
  private final PumpSelector<KnownPump> selector;
  private final int errorThreshold;
  private final Function<NodeStatus, KnownPump> newPump;

  /**
   * @param selector chooses among the available pumps
   * @param errorThreshold more consecutive errors than this make a pump unavailable
   * @param newPump creates the client's view of a newly registered pump
   */
  PumpSet(
      final PumpSelector<KnownPump> selector,
      final int errorThreshold,
      final Function<NodeStatus, KnownPump> newPump) {
    this.selector = selector;
    this.errorThreshold = errorThreshold;
    this.newPump = newPump;
  }

  /**
   * A registry entry was listed or written: an unknown pump is added (available if online); a known
   * one whose state became online is made available, one that left online unavailable.
   */
  synchronized void put(final NodeStatus status) {
    final KnownPump known = all.get(status.nodeId());
    if (known == null) {
      final KnownPump pump = newPump.apply(status);
      all.put(pump.nodeId(), pump);
      (pump.isOnline() ? available : unavailable).put(pump.nodeId(), pump);
      LOG.info("found pump {} at {} ({})", pump.nodeId(), status.host(), status.state().wireName());
      refreshSelector();
      notifyAll();
      return;
    }
    final NodeState previous = known.status().state();
    known.updateStatus(status);
    if (previous != status.state()) {
      LOG.info(
          "pump {} changed state {} -> {}",
          known.nodeId(),
          previous.wireName(),
          status.state().wireName());
      if (status.state() == NodeState.ONLINE) {
        setAvailable(known, true);
      } else if (available.containsKey(known.nodeId())) {
        setAvailable(known, false);
      }
    }
  }

  /** A registry entry was deleted. */
  synchronized void remove(final String nodeId) {
    final KnownPump pump = all.remove(nodeId);
    if (pump != null) {
      LOG.info("pump {} was removed from the registry", nodeId);
      pump.reset();
      available.remove(nodeId);
      unavailable.remove(nodeId);
      refreshSelector();
    }
  }

  /** A fresh listing after a lost watch: forgets pumps no longer listed, applies the others. */
  synchronized void reconcile(final Collection<NodeStatus> listed) {
    final Set<String> present = new HashSet<>();
    listed.forEach(s -> present.add(s.nodeId()));
    for (final String nodeId : List.copyOf(all.keySet())) {
      if (!present.contains(nodeId)) {
        remove(nodeId);
      }
    }
    listed.forEach(this::put);
  }

  /**
   * TiDB's {@code setPumpAvailable}: resets the pump (connection and error count) and moves it; a
   * pump no longer registered stays out of both sets.
   */
  synchronized void setAvailable(final KnownPump pump, final boolean usable) {
    pump.reset();
    final String nodeId = pump.nodeId();
    if (all.get(nodeId) != pump) {
      return;
    }
    final boolean changed;
    if (usable) {
      changed = unavailable.remove(nodeId) != null;
      available.put(nodeId, pump);
    } else {
      changed = available.remove(nodeId) != null;
      unavailable.put(nodeId, pump);
    }
    if (changed) {
      LOG.info("pump {} is now {}", nodeId, usable ? "available" : "unavailable");
      refreshSelector();
    }
  }

  /** TiDB's {@code checkPumpAvaliable}: available pumps that are no longer usable leave. */
  synchronized void demoteUnusable() {
    for (final KnownPump pump : List.copyOf(available.values())) {
      if (!pump.isUsable(errorThreshold)) {
        setAvailable(pump, false);
      }
    }
  }

  /** The pump for a prewrite, or {@code null} if none is available. */
  synchronized KnownPump select(final long startTs, final int retryTime) {
    return selector.select(startTs, retryTime);
  }

  synchronized int availableCount() {
    return available.size();
  }

  synchronized int size() {
    return all.size();
  }

  /** Every pump whose registry state is online, available or not, by node id. */
  synchronized List<KnownPump> online() {
    return all.values().stream().filter(KnownPump::isOnline).sorted(BY_NODE_ID).toList();
  }

  /** Unavailable pumps that are online in the registry: the ones worth probing. */
  synchronized List<KnownPump> probeCandidates() {
    return unavailable.values().stream().filter(KnownPump::isOnline).sorted(BY_NODE_ID).toList();
  }

  synchronized List<KnownPump> all() {
    return all.values().stream().sorted(BY_NODE_ID).toList();
  }

  synchronized List<PumpInfo> snapshot() {
    final List<PumpInfo> infos = new ArrayList<>();
    for (final KnownPump pump : all()) {
      final NodeStatus status = pump.status();
      infos.add(
          new PumpInfo(
              pump.nodeId(),
              status.host(),
              status.state(),
              available.containsKey(pump.nodeId()),
              pump.consecutiveErrors(),
              pump.acknowledged(),
              pump.failed()));
    }
    return List.copyOf(infos);
  }

  /** Waits until at least one pump is registered; false if none came within the timeout. */
  synchronized boolean awaitAny(final Duration timeout) throws InterruptedException {
    final long deadline = System.nanoTime() + timeout.toNanos();
    while (all.isEmpty()) {
      final long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }

  private void refreshSelector() {
    selector.setPumps(available.values().stream().sorted(BY_NODE_ID).toList());
  }
}
