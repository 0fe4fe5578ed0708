package io.kafkabinlog.mysqlsink.causality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.mysqlsink.causality.CausalityScheduler.Assigned;
import io.kafkabinlog.mysqlsink.model.RowChange;
import io.kafkabinlog.mysqlsink.model.RowChange.ChangeType;
import io.kafkabinlog.mysqlsink.model.SinkTxn;
import io.kafkabinlog.mysqlsink.model.SinkTxn.SinkDdl;
import io.kafkabinlog.mysqlsink.model.TableKeys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CausalitySchedulerTest {
  private static final Map<String, TableKeys> TABLES =
      Map.of(
          "users",
          new TableKeys(
              "app",
              "users",
              List.of("id", "email"),
              List.of(List.of("id"), List.of("email")),
              Set.of("email")),
          "log",
          new TableKeys("app", "log", List.of("msg"), List.of(), Set.of("msg")));
  private final ConflictKeys conflictKeys = new ConflictKeys((db, t) -> TABLES.get(t));

  private static SinkTxn txn(final long ts, final RowChange... rows) {
    return new SinkTxn(ts, ts - 1, List.of(rows), null);
  }

  private static RowChange insertUser(final long id, final String email) {
    final Map<String, Object> after = new HashMap<>();
    after.put("id", id);
    after.put("email", email);
    return new RowChange("app", "users", ChangeType.INSERT, null, after);
  }

  private static RowChange updateEmail(final long id, final String from, final String to) {
    final Map<String, Object> before = new HashMap<>();
    before.put("id", id);
    before.put("email", from);
    final Map<String, Object> after = new HashMap<>(before);
    after.put("email", to);
    return new RowChange("app", "users", ChangeType.UPDATE, before, after);
  }

  private static RowChange log(final String msg) {
    return new RowChange("app", "log", ChangeType.INSERT, null, Map.of("msg", msg));
  }

  private void submit(final CausalityScheduler s, final SinkTxn t) {
    s.submit(t, conflictKeys.of(t));
  }

  private static long next(final CausalityScheduler s) {
    return s.nextRunnable().orElseThrow().group().lastCommitTs();
  }

  @Test
  void aResolvedTsMovesTheWatermarkOnlyOnceNothingSubmittedIsUnfinished() {
    final CausalityScheduler s = new CausalityScheduler(4, 5);
    s.resolved(8);
    assertThat(s.watermark()).as("idle: the marker alone").isEqualTo(8);

    submit(s, txn(10, insertUser(1, "a")));
    submit(s, txn(20, insertUser(2, "b")));
    s.resolved(25);
    assertThat(s.watermark()).as("10 and 20 are not applied yet").isEqualTo(8);
    assertThat(next(s)).isEqualTo(10);
    assertThat(next(s)).isEqualTo(20);
    s.complete(20);
    assertThat(s.watermark()).as("10 is still running").isEqualTo(8);
    s.complete(10);
    assertThat(s.watermark()).isEqualTo(25);

    s.resolved(22);
    assertThat(s.watermark()).as("an older marker changes nothing").isEqualTo(25);
    assertThatThrownBy(() -> submit(s, txn(24, insertUser(3, "c"))))
        .as("a transaction at or below a marker breaks the topic's order")
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void samePrimaryKeyWaitsForTheEarlierTxn() {
    final CausalityScheduler s = new CausalityScheduler(4, 0);
    submit(s, txn(10, insertUser(1, "a")));
    submit(s, txn(20, updateEmail(1, "a", "b")));
    assertThat(next(s)).isEqualTo(10);
    assertThat(s.nextRunnable()).as("20 conflicts with running 10").isEmpty();
    s.complete(10);
    assertThat(next(s)).isEqualTo(20);
  }

  @Test
  void uniqueKeyInTheBeforeImageConflictsWithALaterInsert() {
    final CausalityScheduler s = new CausalityScheduler(4, 0);
    // 10 frees email "a" (row 1 moves to "b"); 20 takes "a" for row 2: 20 must not go first.
    submit(s, txn(10, updateEmail(1, "a", "b")));
    submit(s, txn(20, insertUser(2, "a")));
    submit(s, txn(30, insertUser(3, "c")));
    assertThat(next(s)).isEqualTo(10);
    assertThat(next(s)).as("30 is independent").isEqualTo(30);
    assertThat(s.nextRunnable()).isEmpty();
    s.complete(10);
    assertThat(next(s)).isEqualTo(20);
  }

  @Test
  void uniqueKeyInTheAfterImageConflictsWithALaterUpdate() {
    final CausalityScheduler s = new CausalityScheduler(4, 0);
    submit(s, txn(10, insertUser(1, "a")));
    submit(s, txn(20, updateEmail(2, "x", "a")));
    assertThat(next(s)).isEqualTo(10);
    assertThat(s.nextRunnable()).isEmpty();
  }

  @Test
  void keylessTableSerializes() {
    final CausalityScheduler s = new CausalityScheduler(4, 0);
    submit(s, txn(10, log("x")));
    submit(s, txn(20, log("y")));
    submit(s, txn(30, insertUser(1, "a")));
    assertThat(next(s)).isEqualTo(10);
    assertThat(next(s)).isEqualTo(30);
    assertThat(s.nextRunnable()).isEmpty();
    s.complete(10);
    assertThat(next(s)).isEqualTo(20);
  }

  @Test
  void independentTxnsRunInParallelUpToTheWorkerCount() {
    final CausalityScheduler s = new CausalityScheduler(2, 0);
    submit(s, txn(10, insertUser(1, "a")));
    submit(s, txn(20, insertUser(2, "b")));
    submit(s, txn(30, insertUser(3, "c")));
    final Assigned a = s.nextRunnable().orElseThrow();
    final Assigned b = s.nextRunnable().orElseThrow();
    assertThat(List.of(a.group().lastCommitTs(), b.group().lastCommitTs()))
        .containsExactly(10L, 20L);
    assertThat(a.worker()).isNotEqualTo(b.worker());
    assertThat(s.nextRunnable()).as("both workers busy").isEmpty();
    s.complete(20);
    final Assigned c = s.nextRunnable().orElseThrow();
    assertThat(c.group().lastCommitTs()).isEqualTo(30);
    assertThat(c.worker()).isEqualTo(b.worker());
  }

  @Test
  void downstreamDdlIsABarrierButSchemaOnlyDdlIsNot() {
    final CausalityScheduler s = new CausalityScheduler(4, 0);
    submit(s, txn(10, insertUser(1, "a")));
    s.submit(
        new SinkTxn(
            20, 20, List.of(), new SinkDdl("alter table t add c int", 1, "app", "t", false)),
        Set.of());
    submit(s, txn(30, insertUser(2, "b")));
    s.submit(
        new SinkTxn(40, 40, List.of(), new SinkDdl("create table z(i int)", 2, "app", "z", true)),
        Set.of());
    assertThat(s.hasPendingBarrier()).isTrue();
    assertThat(next(s)).isEqualTo(10);
    assertThat(s.nextRunnable()).as("DDL waits for 10, 30 waits for the DDL").isEmpty();
    s.complete(10);
    assertThat(next(s)).isEqualTo(20);
    assertThat(s.nextRunnable()).isEmpty();
    s.complete(20);
    assertThat(s.hasPendingBarrier()).isFalse();
    assertThat(next(s)).isEqualTo(30);
    assertThat(next(s)).as("a schema-only DDL only waits for the barrier").isEqualTo(40);
  }

  @Test
  void watermarkIsTheHighestCommitTsBelowWhichEverythingFinished() {
    final CausalityScheduler s = new CausalityScheduler(4, 5);
    assertThat(s.watermark()).isEqualTo(5);
    assertThat(s.lowestUnfinished()).isEmpty();
    submit(s, txn(10, insertUser(1, "a")));
    submit(s, txn(20, insertUser(2, "b")));
    submit(s, txn(30, insertUser(3, "c")));
    s.nextRunnable();
    s.nextRunnable();
    s.nextRunnable();
    s.complete(20);
    s.complete(30);
    assertThat(s.watermark()).as("10 still running").isEqualTo(5);
    assertThat(s.lowestUnfinished()).hasValue(10);
    s.complete(10);
    assertThat(s.watermark()).isEqualTo(30);
    assertThat(s.lowestUnfinished()).isEmpty();
    assertThat(s.inFlight()).isZero();
  }

  @Test
  void rejectsOutOfOrderSubmitsAndUnknownCompletions() {
    final CausalityScheduler s = new CausalityScheduler(1, 5);
    assertThatThrownBy(() -> submit(s, txn(5, insertUser(1, "a"))))
        .isInstanceOf(IllegalArgumentException.class);
    submit(s, txn(10, insertUser(1, "a")));
    assertThatThrownBy(() -> s.complete(10))
        .as("not started")
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> s.complete(11)).isInstanceOf(IllegalStateException.class);
  }

  /**
   * Random transactions over a small key space and random schedules: conflicting transactions never
   * overlap and complete in commit order, no worker runs two at once, everything finishes, and the
   * watermark is exactly the highest commit_ts with everything at or below it finished.
   */
  @Test
  void randomSchedulesKeepConflictingTxnsInCommitOrder() {
    for (long seed = 1; seed <= 200; seed++) {
      final Random random = new Random(seed);
      final int workers = 1 + random.nextInt(6);
      final CausalityScheduler s = new CausalityScheduler(workers, 0);
      final int count = 20 + random.nextInt(60);
      final List<Set<String>> keysByIndex = new ArrayList<>();
      final List<Boolean> barrier = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        final Set<String> keys = new HashSet<>();
        final int n = random.nextInt(4);
        for (int k = 0; k < n; k++) {
          keys.add("k" + random.nextInt(12));
        }
        final boolean ddl = random.nextInt(25) == 0;
        keysByIndex.add(keys);
        barrier.add(ddl);
        s.submit(
            new SinkTxn(
                ts(i), ts(i), List.of(), ddl ? new SinkDdl("ddl", i, "d", "t", false) : null),
            keys);
      }
      final Map<Integer, Integer> running = new HashMap<>(); // index -> worker
      final Set<Integer> done = new HashSet<>();
      final List<Integer> completionOrder = new ArrayList<>();
      while (done.size() < count) {
        // Start a random number of runnable txns, then complete a random running one.
        int starts = random.nextInt(workers + 1);
        Optional<Assigned> a;
        while (starts-- > 0 && (a = s.nextRunnable()).isPresent()) {
          final int i = index(a.get().group().lastCommitTs());
          assertThat(running.values())
              .as("seed %d: worker reused", seed)
              .doesNotContain(a.get().worker());
          for (int j : running.keySet()) {
            assertThat(conflict(keysByIndex, barrier, i, j))
                .as("seed %d: %d started while conflicting %d runs", seed, i, j)
                .isFalse();
          }
          for (int j = 0; j < i; j++) {
            if (conflict(keysByIndex, barrier, i, j)) {
              assertThat(done).as("seed %d: %d started before %d", seed, i, j).contains(j);
            }
          }
          running.put(i, a.get().worker());
        }
        if (running.isEmpty()) {
          final Optional<Assigned> forced = s.nextRunnable();
          assertThat(forced).as("seed %d: stuck with nothing running", seed).isPresent();
          running.put(index(forced.get().group().lastCommitTs()), forced.get().worker());
        }
        assertThat(running).hasSizeLessThanOrEqualTo(workers);
        final List<Integer> candidates = new ArrayList<>(running.keySet());
        final int finished = candidates.get(random.nextInt(candidates.size()));
        running.remove(finished);
        s.complete(ts(finished));
        done.add(finished);
        completionOrder.add(finished);
        int expected = -1;
        while (done.contains(expected + 1)) {
          expected++;
        }
        assertThat(s.watermark()).as("seed %d", seed).isEqualTo(expected < 0 ? 0 : ts(expected));
      }
      for (int x = 0; x < completionOrder.size(); x++) {
        for (int y = x + 1; y < completionOrder.size(); y++) {
          final int i = completionOrder.get(x);
          final int j = completionOrder.get(y);
          if (conflict(keysByIndex, barrier, i, j)) {
            assertThat(i)
                .as("seed %d: conflicting txns completed out of order", seed)
                .isLessThan(j);
          }
        }
      }
      assertThat(s.inFlight()).isZero();
      assertThat(s.hasPendingBarrier()).isFalse();
    }
  }

  private static boolean conflict(
      final List<Set<String>> keys, final List<Boolean> barrier, final int i, final int j) {
    if (barrier.get(i) || barrier.get(j)) {
      return true;
    }
    for (String k : keys.get(i)) {
      if (keys.get(j).contains(k)) {
        return true;
      }
    }
    return false;
  }

  private static long ts(final int index) {
    return 100L * (index + 1);
  }

  private static int index(final long ts) {
    return (int) (ts / 100 - 1);
  }
}
