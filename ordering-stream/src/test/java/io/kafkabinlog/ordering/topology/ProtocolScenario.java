package io.kafkabinlog.ordering.topology;

import io.kafkabinlog.ordering.merge.ControlMessage;
import io.kafkabinlog.schemas.binlog.Binlogs;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Several pumps' records as TiDB, the pumps and the resolver write them, generated from one
 * timestamp oracle so that the TiDB protocol holds: a prewrite is in its pump's partition before
 * the transaction's commit_ts is taken; a commit goes to the prewrite's pump (or, when TiDB's call
 * failed over, to another pump, the first pump's prewrite then being resolved by the resolver); a
 * pump writes JOIN(J) before its first binlog, heartbeats at any time, and on leaving a final fake
 * binlog L then LEAVE(L). Each source (a raw partition, its resolutions partition, the control
 * topic) keeps its own order; {@link #replay} interleaves the sources at random, as consumers of
 * different partitions progress at different speeds.
 */
final class ProtocolScenario {
  /** One record for one source. */
  sealed interface Event {}

  record RawEvent(int partition, Binlog binlog) implements Event {}

  record ResolutionEvent(int partition, Binlog binlog) implements Event {}

  record ControlEvent(ControlMessage message) implements Event {}

  private final Random random;
  private final TestUpstream upstream;
  private long tso;
  private long rowId;
  private final List<ArrayDeque<Event>> raw = new ArrayList<>();
  private final List<ArrayDeque<Event>> resolutions = new ArrayList<>();
  private final ArrayDeque<Event> control = new ArrayDeque<>();
  private final Map<Long, Long> committed = new TreeMap<>();
  private int rollbacks;
  private int duplicates;

  /** A transaction in flight: its pumps (the prewrite's, and the one TiDB failed over to). */
  private record Open(long startTs, int pump, int failoverPump) {}

  ProtocolScenario(final Random random, final TestUpstream upstream, final long firstTs) {
    this.random = random;
    this.upstream = upstream;
    this.tso = firstTs;
  }

  private long next() {
    tso += 1 + random.nextInt(3);
    return tso;
  }

  /** Generates {@code transactions} transactions over {@code pumps} pumps. */
  ProtocolScenario generate(final int pumps, final int transactions) {
    for (int p = 0; p < pumps; p++) {
      raw.add(new ArrayDeque<>());
      resolutions.add(new ArrayDeque<>());
    }
    final List<Integer> online = new ArrayList<>();
    // The last pump joins a third of the way through; pump 0 leaves at two thirds (with >= 3).
    final int joinAt = pumps >= 2 ? transactions / 3 : -1;
    final int leaveAt = pumps >= 3 ? 2 * transactions / 3 : -1;
    for (int p = 0; p < (pumps >= 2 ? pumps - 1 : pumps); p++) {
      join(p, online);
    }
    final List<Open> open = new ArrayList<>();
    final List<long[]> toResolve = new ArrayList<>(); // {pump, startTs, commitTs}
    int started = 0;
    while (started < transactions || !open.isEmpty() || !toResolve.isEmpty()) {
      if (started == joinAt) {
        join(pumps - 1, online);
        started++; // the slot is spent on the join
        continue;
      }
      if (started == leaveAt && online.contains(0)) {
        // A closing pump waits for the commits of its prewrites before its final fake.
        finishAll(open, toResolve, 0);
        resolveAll(toResolve, 0);
        final long l = next();
        raw.get(0).add(new RawEvent(0, Binlogs.fake(l)));
        control.add(
            new ControlEvent(new ControlMessage(ControlMessage.Kind.LEAVE, "pump-0", 0, l, 0)));
        online.remove(Integer.valueOf(0));
      }
      final int action = random.nextInt(100);
      if (started < transactions && (action < 30 || open.isEmpty())) {
        final int pump = online.get(random.nextInt(online.size()));
        final long startTs = next();
        raw.get(pump).add(new RawEvent(pump, upstream.insert(startTs, ++rowId)));
        int failover = -1;
        if (online.size() > 1 && random.nextInt(10) == 0) {
          // TiDB's call timed out on `pump` but the prewrite landed; it retried on another pump.
          failover = online.get(random.nextInt(online.size()));
          if (failover == pump) {
            failover = -1;
          } else {
            raw.get(failover).add(new RawEvent(failover, upstream.insert(startTs, rowId)));
          }
        }
        open.add(new Open(startTs, pump, failover));
        started++;
      } else if (action < 65 && !open.isEmpty()) {
        finish(open.remove(random.nextInt(open.size())), toResolve, random.nextInt(8) != 0);
      } else if (action < 75 && !toResolve.isEmpty()) {
        resolve(toResolve.remove(random.nextInt(toResolve.size())));
      } else if (action < 88) {
        final int pump = online.get(random.nextInt(online.size()));
        raw.get(pump).add(new RawEvent(pump, Binlogs.fake(next())));
      } else {
        final int pump = online.get(random.nextInt(online.size()));
        heartbeat(pump);
      }
      if (started >= transactions && random.nextInt(4) == 0) {
        if (!open.isEmpty()) {
          finish(open.remove(0), toResolve, true);
        } else if (!toResolve.isEmpty()) {
          resolve(toResolve.remove(0));
        }
      }
    }
    // Everything is decided: a fake on every online pump and a heartbeat above all of it.
    for (int p : online) {
      raw.get(p).add(new RawEvent(p, Binlogs.fake(next())));
    }
    heartbeat(online.get(0));
    return this;
  }

  private void join(final int pump, final List<Integer> online) {
    control.add(
        new ControlEvent(
            new ControlMessage(ControlMessage.Kind.JOIN, "pump-" + pump, pump, next(), -1)));
    online.add(pump);
  }

  private void heartbeat(final int pump) {
    control.add(
        new ControlEvent(
            new ControlMessage(ControlMessage.Kind.HEARTBEAT, "pump-" + pump, pump, next(), -1)));
  }

  private void finish(final Open txn, final List<long[]> toResolve, final boolean commit) {
    if (!commit) {
      raw.get(txn.pump()).add(new RawEvent(txn.pump(), Binlogs.rollback(txn.startTs())));
      if (txn.failoverPump() >= 0) {
        raw.get(txn.failoverPump())
            .add(new RawEvent(txn.failoverPump(), Binlogs.rollback(txn.startTs())));
      }
      rollbacks++;
      return;
    }
    final long commitTs = next();
    committed.put(commitTs, txn.startTs());
    if (txn.failoverPump() >= 0) {
      // The commit goes where the retried prewrite was acknowledged; the first pump's copy waits
      // for the resolver, which finds the transaction committed.
      raw.get(txn.failoverPump())
          .add(new RawEvent(txn.failoverPump(), Binlogs.commit(txn.startTs(), commitTs)));
      toResolve.add(new long[] {txn.pump(), txn.startTs(), commitTs});
      duplicates++;
    } else {
      raw.get(txn.pump()).add(new RawEvent(txn.pump(), Binlogs.commit(txn.startTs(), commitTs)));
    }
  }

  private void finishAll(final List<Open> open, final List<long[]> toResolve, final int pump) {
    for (Open txn : List.copyOf(open)) {
      if (txn.pump() == pump || txn.failoverPump() == pump) {
        open.remove(txn);
        finish(txn, toResolve, true);
      }
    }
  }

  private void resolveAll(final List<long[]> toResolve, final int pump) {
    for (long[] r : List.copyOf(toResolve)) {
      if (r[0] == pump) {
        toResolve.remove(r);
        resolve(r);
      }
    }
  }

  private void resolve(final long[] r) {
    final int pump = (int) r[0];
    resolutions.get(pump).add(new ResolutionEvent(pump, Binlogs.commit(r[1], r[2])));
  }

  /** commit_ts -> start_ts of every committed transaction. */
  Map<Long, Long> committed() {
    return committed;
  }

  int rollbacks() {
    return rollbacks;
  }

  int duplicates() {
    return duplicates;
  }

  /**
   * Feeds every event to {@code driver}, choosing at each step at random which source moves next (a
   * raw partition, a resolutions partition, the control topic, or the merge topic between stage 1
   * and stage 2), each source keeping its order.
   */
  void replay(final OrderingDriver driver) {
    driver.autoDeliver(false);
    final List<ArrayDeque<Event>> sources = new ArrayList<>(raw);
    sources.addAll(resolutions);
    sources.add(control);
    final Map<ArrayDeque<Event>, Integer> weights = new HashMap<>();
    sources.forEach(s -> weights.put(s, 1 + random.nextInt(5)));
    // The resolver writes a resolution only for a prewrite it found pending in stage 1's store,
    // so a resolution never moves before its prewrite was read.
    final java.util.Set<String> prewritesRead = new java.util.HashSet<>();
    while (sources.stream().anyMatch(s -> !s.isEmpty()) || driver.queued() > 0) {
      if (driver.queued() > 0 && random.nextInt(3) == 0) {
        driver.deliver(1 + random.nextInt(4));
        continue;
      }
      final List<ArrayDeque<Event>> ready =
          sources.stream()
              .filter(s -> !s.isEmpty())
              .filter(
                  s ->
                      !(s.peek() instanceof ResolutionEvent r)
                          || prewritesRead.contains(r.partition() + ":" + r.binlog().getStartTs()))
              .toList();
      if (ready.isEmpty()) {
        driver.deliver(Integer.MAX_VALUE);
        continue;
      }
      int total = ready.stream().mapToInt(weights::get).sum();
      int pick = random.nextInt(total);
      ArrayDeque<Event> source = ready.get(0);
      for (ArrayDeque<Event> s : ready) {
        pick -= weights.get(s);
        if (pick < 0) {
          source = s;
          break;
        }
      }
      final Event event = source.poll();
      if (event instanceof RawEvent r) {
        driver.binlog(r.partition(), r.binlog());
        prewritesRead.add(r.partition() + ":" + r.binlog().getStartTs());
      } else if (event instanceof ResolutionEvent r) {
        driver.resolution(r.partition(), r.binlog());
      } else {
        driver.control(((ControlEvent) event).message());
      }
    }
  }
}
