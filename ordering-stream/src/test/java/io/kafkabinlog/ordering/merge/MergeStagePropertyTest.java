package io.kafkabinlog.ordering.merge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random clusters ({@link PumpWorld}) read by stage 2 in random interleavings of the control topic
 * and the pumps' stage-1 streams (each in its own order), sometimes with task restarts: the output
 * is every committed transaction exactly once, in strictly increasing commit_ts, none at or below a
 * resolved ts already handed on, and nothing is ever late.
 */
class MergeStagePropertyTest {
  private static final int ITERATIONS = 200;
  private static final long SEED = 0x5eed_2024L;

  @TempDir Path stateDir;

  @Test
  void everyCommittedTransactionIsMergedOnceInCommitOrder() {
    int duplicatesSent = 0;
    int duplicatesDropped = 0;
    int joinedLate = 0;
    int left = 0;
    int restarts = 0;
    int transactions = 0;
    Feed totals = new Feed();
    for (int i = 0; i < ITERATIONS; i++) {
      long seed = SEED + i;
      Random rnd = new Random(seed);
      PumpWorld world = new PumpWorld(rnd, 2 + rnd.nextInt(3));
      world.start(1 + rnd.nextInt(world.pumps.size()));
      int steps = 80 + rnd.nextInt(160);
      for (int s = 0; s < steps; s++) {
        world.step();
      }
      world.finish();

      RecordingObserver observer = new RecordingObserver();
      try (MergeHarness stage =
          new MergeHarness(stateDir.resolve("run-" + i), new DurableStores(), observer)) {
        Feed fed = feed(world, stage, rnd);
        restarts += fed.restarts;
        totals.beforeJoin += fed.beforeJoin;
        check(world, stage.log());
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("iteration " + i + " (seed " + seed + "): " + e.getMessage(), e);
      }
      duplicatesSent += world.duplicatesSent;
      duplicatesDropped += observer.duplicates.size();
      joinedLate += world.joinedLate;
      left += observer.left.size();
      transactions += world.committed.size();
    }
    // The generator must have exercised what the test claims to cover.
    assertThat(transactions).isGreaterThan(20 * ITERATIONS);
    assertThat(duplicatesDropped).isEqualTo(duplicatesSent).isGreaterThan(50);
    assertThat(joinedLate).isGreaterThan(20);
    assertThat(left).isGreaterThan(20);
    assertThat(restarts).isGreaterThan(20);
    assertThat(totals.beforeJoin).as("fragments read before their pump's JOIN").isGreaterThan(20);
  }

  /** What a feed did besides piping. */
  private static final class Feed {
    int restarts;
    int beforeJoin;
  }

  /** Pipes the world's topics in a random interleaving. */
  private static Feed feed(final PumpWorld world, final MergeHarness stage, final Random rnd) {
    List<Deque<MergeInput>> queues = new ArrayList<>();
    queues.add(new ArrayDeque<>(world.control));
    for (PumpWorld.Pump p : world.pumps) {
      queues.add(new ArrayDeque<>(p.stream));
    }
    // Skewed read rates: some topics lag far behind others.
    double[] weights = new double[queues.size()];
    int total = 0;
    for (int q = 0; q < queues.size(); q++) {
      weights[q] = 0.05 + rnd.nextDouble();
      total += queues.get(q).size();
    }
    Set<Integer> restartAt = new HashSet<>();
    if (rnd.nextInt(3) == 0) {
      restartAt.add(rnd.nextInt(total));
      restartAt.add(rnd.nextInt(total));
    }
    Feed fed = new Feed();
    Set<Integer> joined = new HashSet<>();
    for (int n = 0; n < total; n++) {
      if (restartAt.contains(n)) {
        stage.restart();
        fed.restarts++;
      }
      MergeInput next = queues.get(pickQueue(queues, weights, rnd)).removeFirst();
      if (next instanceof ControlMessage c) {
        if (c.kind() == ControlMessage.Kind.JOIN) {
          joined.add(c.partition());
        }
        stage.control(c);
      } else {
        MergeMessage m = (MergeMessage) next;
        if (m instanceof MergeMessage.TxnFragment && !joined.contains(m.partition())) {
          fed.beforeJoin++;
        }
        stage.send(m);
      }
    }
    return fed;
  }

  private static int pickQueue(
      final List<Deque<MergeInput>> queues, final double[] weights, final Random rnd) {
    double sum = 0;
    for (int q = 0; q < queues.size(); q++) {
      sum += queues.get(q).isEmpty() ? 0 : weights[q];
    }
    double x = rnd.nextDouble() * sum;
    int last = -1;
    for (int q = 0; q < queues.size(); q++) {
      if (queues.get(q).isEmpty()) {
        continue;
      }
      last = q;
      x -= weights[q];
      if (x < 0) {
        return q;
      }
    }
    return last;
  }

  private static void check(final PumpWorld world, final List<MergeHarness.Event> log) {
    TreeSet<TxnId> pendingCommitted =
        new TreeSet<>(
            java.util.Comparator.comparingLong(TxnId::commitTs).thenComparingLong(TxnId::startTs));
    pendingCommitted.addAll(world.committed.keySet());
    Map<TxnId, byte[]> emitted = new HashMap<>();
    long lastCommit = 0;
    long resolved = 0;
    for (MergeHarness.Event event : log) {
      if (event instanceof MergeHarness.Emitted e) {
        TxnId id = new TxnId(e.commitTs(), e.startTs());
        assertThat(e.commitTs()).as("commit_ts order").isGreaterThan(lastCommit);
        assertThat(e.commitTs()).as("above the resolved ts handed on").isGreaterThan(resolved);
        assertThat(world.committed).as("a committed transaction").containsKey(id);
        assertThat(e.payload()).as("payload of " + id).isEqualTo(world.committed.get(id));
        assertThat(emitted.put(id, e.payload())).as("emitted once: " + id).isNull();
        pendingCommitted.remove(id);
        lastCommit = e.commitTs();
      } else {
        long ts = ((MergeHarness.Resolved) event).ts();
        assertThat(ts).as("resolved ts order").isGreaterThan(resolved);
        assertThat(pendingCommitted.isEmpty() || pendingCommitted.first().commitTs() > ts)
            .as("every transaction at or below resolved ts " + ts + " was handed on before it")
            .isTrue();
        resolved = ts;
      }
    }
    assertThat(emitted.keySet()).isEqualTo(world.committed.keySet());
    assertThat(resolved)
        .as("final W passes every commit")
        .isGreaterThanOrEqualTo(world.maxCommit());
  }
}
