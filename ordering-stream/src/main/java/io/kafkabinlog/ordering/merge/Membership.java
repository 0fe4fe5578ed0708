package io.kafkabinlog.ordering.merge;

import io.kafkabinlog.ordering.observe.OrderingObserver;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pumps stage 2 knows: which are members (gate W) and each partition's watermark M_p, kept in
 * memory and written through to the pumps store.
 */
final class Membership {
  private static final Logger LOG = LoggerFactory.getLogger(Membership.class);

  private final KeyValueStore<Integer, PumpState> store;
  private final OrderingObserver observer;
  private final Map<Integer, PumpState> pumps = new TreeMap<>();

  Membership(final KeyValueStore<Integer, PumpState> store, final OrderingObserver observer) {
    this.store = store;
    this.observer = observer;
    try (KeyValueIterator<Integer, PumpState> all = store.all()) {
      while (all.hasNext()) {
        KeyValue<Integer, PumpState> e = all.next();
        pumps.put(e.key, e.value);
        report(e.key, e.value);
      }
    }
  }

  /** Stage 1 of {@code partition} sent M_p = ts (kept for members and non-members alike). */
  void watermark(final int partition, final long ts) {
    PumpState old = pumps.get(partition);
    PumpState next = old == null ? PumpState.watermarkOnly(ts) : old.withWatermark(ts);
    update(partition, old, leaveIfDone(partition, next));
  }

  /** JOIN: a new member, or a member's restart (keeps its state, cancels a pending LEAVE). */
  void join(final ControlMessage join) {
    int partition = join.partition();
    PumpState old = pumps.get(partition);
    if (old == null) {
      old = new PumpState("", false, PumpState.NONE, PumpState.NONE, PumpState.NONE);
    }
    if (!old.nodeId().isEmpty() && !old.nodeId().equals(join.nodeId())) {
      LOG.warn(
          "raw partition {} was pump {}, now JOIN from pump {}",
          partition,
          old.nodeId(),
          join.nodeId());
    }
    PumpState next = old.joined(join.nodeId(), join.ts());
    if (old.member()) {
      LOG.info("pump {} (raw partition {}) joined again (restart)", join.nodeId(), partition);
    } else {
      LOG.info(
          "pump {} (raw partition {}) joined the merge at J={}",
          join.nodeId(),
          partition,
          join.ts());
    }
    update(partition, old, next);
  }

  /** LEAVE: the member goes once its M_p >= L (at once if it already is). */
  void leave(final ControlMessage leave) {
    int partition = leave.partition();
    PumpState old = pumps.get(partition);
    if (old == null || !old.member()) {
      LOG.info(
          "LEAVE from pump {} (raw partition {}), which is not a member: nothing to do",
          leave.nodeId(),
          partition);
      return;
    }
    LOG.info(
        "pump {} (raw partition {}) leaves the merge once its watermark reaches L={}",
        old.nodeId(),
        partition,
        leave.ts());
    update(partition, old, leaveIfDone(partition, old.leavingAt(leave.ts())));
  }

  /** W may advance to min(H, every member's M_p or J); with no members, to H. */
  long gate(final long heartbeatTs) {
    long gate = heartbeatTs;
    for (PumpState p : pumps.values()) {
      if (p.member()) {
        gate = Math.min(gate, p.effectiveTs());
      }
    }
    return gate;
  }

  /** The node id of the pump of {@code partition}, when a JOIN named it. */
  Optional<String> nodeId(final int partition) {
    PumpState p = pumps.get(partition);
    return p == null || p.nodeId().isEmpty() ? Optional.empty() : Optional.of(p.nodeId());
  }

  private PumpState leaveIfDone(final int partition, final PumpState state) {
    if (!state.readyToLeave()) {
      return state;
    }
    LOG.info(
        "pump {} (raw partition {}) left the merge: its watermark {} reached L={}",
        state.nodeId(),
        partition,
        state.watermark(),
        state.leaveTs());
    observer.memberLeft(partition, state.nodeId());
    return state.left();
  }

  private void update(final int partition, final PumpState old, final PumpState next) {
    if (next.equals(old)) {
      return;
    }
    pumps.put(partition, next);
    store.put(partition, next);
    report(partition, next);
  }

  private void report(final int partition, final PumpState state) {
    if (state.member()) {
      observer.member(partition, state.nodeId(), state.effectiveTs(), state.leaving());
    }
  }
}
