package io.kafkabinlog.ordering.merge;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A random cluster seen from stage 2, respecting the TiDB/pump protocol: one TSO; a prewrite is
 * written to a pump before its commit_ts is taken; stage 1 of each pump sends a transaction's
 * fragments when it reads the commit (or a resolution) and M_p = min(largest commit or fake ts it
 * read, smallest start_ts still pending), only when it grows; pumps JOIN (J taken before the JOIN
 * is written, online only after), heartbeat (a ts may be written a while after it was taken),
 * restart (JOIN again) and LEAVE (final fake L, then LEAVE(L); pending prewrites still resolve).
 * TiDB sometimes retries a prewrite on a second pump, whose copy is resolved later: an exact
 * duplicate. What it produces: the control topic and each pump's stage-1 stream, in write order.
 */
final class PumpWorld {
  private static final long TSO_MS = 1L << 18;

  enum State {
    NEW,
    JOINING,
    ONLINE,
    CLOSING
  }

  /** A transaction's prewrite; commitTs 0 while undecided, -1 when rolled back. */
  static final class Txn {
    final long startTs;
    final byte[] payload;
    long commitTs;

    Txn(final long startTs, final byte[] payload) {
      this.startTs = startTs;
      this.payload = payload;
    }
  }

  final class Pump {
    final int partition;
    final String node;
    State state = State.NEW;
    long joinTs;
    long maxSeen;
    long sentWatermark;
    long leaveTs;
    final Map<Long, Txn> primaries = new TreeMap<>();
    final Map<Long, Txn> copies = new TreeMap<>();
    final List<Long> delayedHeartbeats = new ArrayList<>();
    final List<MergeMessage> stream = new ArrayList<>();

    Pump(final int partition) {
      this.partition = partition;
      this.node = "pump-" + partition;
    }

    private long pendingMin() {
      long min = Long.MAX_VALUE;
      for (long s : primaries.keySet()) {
        min = Math.min(min, s);
      }
      for (long s : copies.keySet()) {
        min = Math.min(min, s);
      }
      return min;
    }

    void sendWatermark() {
      long m = Math.min(maxSeen, pendingMin());
      if (m > sentWatermark) {
        sentWatermark = m;
        stream.add(new MergeMessage.PumpWatermark(partition, m));
      }
    }

    void sendFragments(final Txn txn) {
      stream.addAll(MergeHarness.fragments(partition, txn.startTs, txn.commitTs, txn.payload));
    }
  }

  private final Random rnd;
  private long clock = 1_700_000_000_000L << 18;
  final List<Pump> pumps = new ArrayList<>();
  final List<ControlMessage> control = new ArrayList<>();

  /** Committed transactions by (commit_ts, start_ts), each once. */
  final Map<TxnId, byte[]> committed = new LinkedHashMap<>();

  int duplicatesSent;
  int joinedLate;
  int leaves;

  PumpWorld(final Random rnd, final int pumpCount) {
    this.rnd = rnd;
    for (int i = 0; i < pumpCount; i++) {
      pumps.add(new Pump(i));
    }
  }

  /** A fresh TSO; now and then minutes later than the last one (an idle cluster). */
  long tick() {
    if (rnd.nextInt(200) == 0) {
      clock += Duration.ofMinutes(3 + rnd.nextInt(10)).toMillis() * TSO_MS;
    }
    clock += 1 + rnd.nextInt((int) (3 * TSO_MS));
    return clock;
  }

  /** Pumps 0..initial-1 join before anything else. */
  void start(final int initial) {
    for (int i = 0; i < initial; i++) {
      Pump p = pumps.get(i);
      p.joinTs = tick();
      goOnline(p);
    }
  }

  /** One random step of the cluster. */
  void step() {
    int r = rnd.nextInt(100);
    if (r < 20) {
      begin();
    } else if (r < 38) {
      commit();
    } else if (r < 44) {
      resolveCopy();
    } else if (r < 52) {
      pick(State.ONLINE).ifPresent(p -> p.maxSeen = Math.max(p.maxSeen, tick()));
    } else if (r < 70) {
      watermark();
    } else if (r < 85) {
      heartbeat();
    } else if (r < 88) {
      flushHeartbeat();
    } else if (r < 91) {
      pick(State.NEW)
          .ifPresent(
              p -> {
                p.joinTs = tick();
                p.state = State.JOINING;
              });
    } else if (r < 94) {
      pick(State.JOINING)
          .ifPresent(
              p -> {
                joinedLate++;
                goOnline(p);
              });
    } else if (r < 96) {
      pick(State.ONLINE)
          .ifPresent(
              p -> {
                // A restart: JOIN again (a fresh J), pending prewrites stay.
                long j = tick();
                control.add(
                    new ControlMessage(ControlMessage.Kind.JOIN, p.node, p.partition, j, 0));
              });
    } else if (r < 97) {
      leave();
    } else {
      watermark();
    }
  }

  /** Settles everything so that W can pass every commit: the end of a run. */
  void finish() {
    for (Pump p : pumps) {
      if (p.state == State.JOINING) {
        goOnline(p);
      }
      p.delayedHeartbeats.forEach(
          h ->
              control.add(
                  new ControlMessage(ControlMessage.Kind.HEARTBEAT, p.node, p.partition, h, 0)));
      p.delayedHeartbeats.clear();
    }
    for (Pump p : pumps) {
      for (Txn txn : List.copyOf(p.primaries.values())) {
        decide(p, txn);
      }
    }
    for (Pump p : pumps) {
      for (Txn txn : List.copyOf(p.copies.values())) {
        resolveCopy(p, txn);
      }
    }
    Pump online = null;
    for (Pump p : pumps) {
      if (p.state == State.ONLINE) {
        p.maxSeen = Math.max(p.maxSeen, tick());
        online = p;
      }
      p.sendWatermark();
    }
    Pump hb = online;
    long h = tick();
    control.add(new ControlMessage(ControlMessage.Kind.HEARTBEAT, hb.node, hb.partition, h, 0));
  }

  /** The largest committed commit_ts (0 when none). */
  long maxCommit() {
    return committed.keySet().stream().mapToLong(TxnId::commitTs).max().orElse(0);
  }

  private void goOnline(final Pump p) {
    control.add(new ControlMessage(ControlMessage.Kind.JOIN, p.node, p.partition, p.joinTs, 0));
    p.state = State.ONLINE;
  }

  private void begin() {
    pick(State.ONLINE)
        .ifPresent(
            p -> {
              int length =
                  rnd.nextInt(8) == 0
                      ? rnd.nextInt(3 * MergeHarness.FRAGMENT_BYTES)
                      : rnd.nextInt(200);
              byte[] payload = new byte[length];
              rnd.nextBytes(payload);
              Txn txn = new Txn(tick(), payload);
              p.primaries.put(txn.startTs, txn);
              if (rnd.nextInt(8) == 0) {
                // TiDB timed out on p and wrote the prewrite to a second pump too.
                pick(State.ONLINE)
                    .filter(q -> q != p)
                    .ifPresent(q -> q.copies.put(txn.startTs, txn));
              }
            });
  }

  private void commit() {
    List<Pump> with = pumps.stream().filter(p -> !p.primaries.isEmpty()).toList();
    if (with.isEmpty()) {
      return;
    }
    Pump p = with.get(rnd.nextInt(with.size()));
    List<Txn> pending = List.copyOf(p.primaries.values());
    decide(p, pending.get(rnd.nextInt(pending.size())));
  }

  private void decide(final Pump p, final Txn txn) {
    p.primaries.remove(txn.startTs);
    if (rnd.nextInt(10) == 0) {
      txn.commitTs = -1;
      return;
    }
    txn.commitTs = tick();
    committed.put(new TxnId(txn.commitTs, txn.startTs), txn.payload);
    p.sendFragments(txn);
    if (p.state == State.ONLINE) {
      // The commit binlog itself; a closing pump's pending ones are settled by the resolver.
      p.maxSeen = Math.max(p.maxSeen, txn.commitTs);
    }
  }

  private void resolveCopy() {
    for (Pump p : pumps) {
      for (Txn txn : List.copyOf(p.copies.values())) {
        if (txn.commitTs != 0 && rnd.nextBoolean()) {
          resolveCopy(p, txn);
          return;
        }
      }
    }
  }

  private void resolveCopy(final Pump p, final Txn txn) {
    p.copies.remove(txn.startTs);
    if (txn.commitTs > 0) {
      duplicatesSent++;
      p.sendFragments(txn);
    }
  }

  private void watermark() {
    List<Pump> active =
        pumps.stream().filter(p -> p.state == State.ONLINE || p.state == State.CLOSING).toList();
    if (!active.isEmpty()) {
      active.get(rnd.nextInt(active.size())).sendWatermark();
    }
  }

  private void heartbeat() {
    pick(State.ONLINE)
        .ifPresent(
            p -> {
              long h = tick();
              if (rnd.nextInt(4) == 0) {
                p.delayedHeartbeats.add(h);
              } else {
                control.add(
                    new ControlMessage(ControlMessage.Kind.HEARTBEAT, p.node, p.partition, h, 0));
              }
            });
  }

  private void flushHeartbeat() {
    for (Pump p : pumps) {
      if (!p.delayedHeartbeats.isEmpty()) {
        long h = p.delayedHeartbeats.remove(0);
        control.add(new ControlMessage(ControlMessage.Kind.HEARTBEAT, p.node, p.partition, h, 0));
        return;
      }
    }
  }

  private void leave() {
    List<Pump> online = pumps.stream().filter(p -> p.state == State.ONLINE).toList();
    if (online.size() < 2) {
      return;
    }
    Pump p = online.get(rnd.nextInt(online.size()));
    leaves++;
    p.state = State.CLOSING;
    p.leaveTs = tick();
    p.maxSeen = Math.max(p.maxSeen, p.leaveTs);
    p.delayedHeartbeats.forEach(
        h ->
            control.add(
                new ControlMessage(ControlMessage.Kind.HEARTBEAT, p.node, p.partition, h, 0)));
    p.delayedHeartbeats.clear();
    control.add(new ControlMessage(ControlMessage.Kind.LEAVE, p.node, p.partition, p.leaveTs, 0));
  }

  private java.util.Optional<Pump> pick(final State state) {
    List<Pump> in = pumps.stream().filter(p -> p.state == state).toList();
    return in.isEmpty()
        ? java.util.Optional.empty()
        : java.util.Optional.of(in.get(rnd.nextInt(in.size())));
  }
}
