package io.kafkabinlog.tidbsim.tso;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.common.tso.Tso;
import io.kafkabinlog.testkit.ConcurrentCalls;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class TsoAllocatorTest {
  private static final long NOW = 1_714_000_000_000L;
  private static final Duration SAVE_INTERVAL = Duration.ofSeconds(3);

  private final InMemoryTimestampWindowStore store = new InMemoryTimestampWindowStore();
  private final AtomicLong clock = new AtomicLong(NOW);

  @Test
  void shouldBeStrictlyIncreasingAcrossAMillionCallsFromFourThreads() throws Exception {
    final TsoAllocator allocator = TsoAllocator.start(store);
    final long[] all =
        ConcurrentCalls.sortedDistinct(
            ConcurrentCalls.strictlyIncreasingPerThread(4, 250_000, allocator::allocate));
    assertThat(Tso.physicalMillis(all[all.length - 1])).isLessThan(store.load());
  }

  @Test
  void shouldStartAboveTheSavedWindowWhenTheClockWentBackwards() {
    final TsoAllocator first = TsoAllocator.start(store, clock::get, SAVE_INTERVAL);
    long last = 0;
    for (int i = 0; i < 1000; i++) {
      clock.addAndGet(7);
      last = first.allocate();
    }

    clock.set(NOW - 60_000);
    final TsoAllocator restarted = TsoAllocator.start(store, clock::get, SAVE_INTERVAL);
    final long next = restarted.allocate();

    assertThat(next).isGreaterThan(last);
    // Everything of the first run stayed below the window it saved; the restart starts above it.
    assertThat(Tso.physicalMillis(next)).isGreaterThan(store.saves().get(store.saves().size() - 2));
    assertThat(restarted.allocate()).isGreaterThan(next);
  }

  @Test
  void shouldStartAtTheClockWhenItIsPastTheSavedWindow() {
    TsoAllocator.start(store, clock::get, SAVE_INTERVAL).allocate();

    clock.addAndGet(60_000);
    final long next = TsoAllocator.start(store, clock::get, SAVE_INTERVAL).allocate();

    assertThat(next).isEqualTo(Tso.compose(NOW + 60_000, 1));
  }

  @Test
  void shouldSaveTheWindowBeforeUsingIt() {
    final TsoAllocator allocator = TsoAllocator.start(store, clock::get, SAVE_INTERVAL);
    assertThat(store.saves()).containsExactly(NOW + 3000);

    for (int step = 0; step < 10_000; step++) {
      clock.addAndGet(1);
      final long tso = allocator.allocate();
      assertThat(Tso.physicalMillis(tso)).isLessThan(store.load());
      assertThat(store.load() - Tso.physicalMillis(tso)).isGreaterThan(1);
    }
    // One save per ~3 s of clock, not one per call.
    assertThat(store.saves()).hasSizeBetween(4, 5);
  }

  @Test
  void shouldNotMoveBackWhenTheClockDoes() {
    final TsoAllocator allocator = TsoAllocator.start(store, clock::get, SAVE_INTERVAL);
    final long before = allocator.allocate();

    clock.addAndGet(-500);
    final long after = allocator.allocate();

    assertThat(after).isEqualTo(before + 1);
  }

  @Test
  void shouldMoveToTheNextMillisecondWhenTheLogicalPartRunsOut() {
    final TsoAllocator allocator = TsoAllocator.start(store, clock::get, SAVE_INTERVAL);
    final long full = allocator.allocate((int) Tso.MAX_LOGICAL);
    assertThat(full).isEqualTo(Tso.compose(NOW, Tso.MAX_LOGICAL));

    final long next = allocator.allocate(3);

    assertThat(next).isEqualTo(Tso.compose(NOW + 1, 3));
  }

  @Test
  void shouldReturnTheLastTsoOfABatch() {
    final TsoAllocator allocator = TsoAllocator.start(store, clock::get, SAVE_INTERVAL);

    assertThat(allocator.allocate(10)).isEqualTo(Tso.compose(NOW, 10));
    assertThat(allocator.allocate(5)).isEqualTo(Tso.compose(NOW, 15));
    assertThatThrownBy(() -> allocator.allocate(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldHandOutNothingWhenTheWindowCannotBeSaved() {
    final FailingStore failing = new FailingStore();
    final TsoAllocator allocator = TsoAllocator.start(failing, clock::get, SAVE_INTERVAL);
    final long before = allocator.allocate();

    failing.down = true;
    clock.addAndGet(10_000);
    assertThatThrownBy(allocator::allocate)
        .isInstanceOfSatisfying(
            RetriableBinlogException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.ETCD_UNAVAILABLE));

    failing.down = false;
    final long after = allocator.allocate();
    assertThat(after).isGreaterThan(before);
    assertThat(Tso.physicalMillis(after)).isLessThan(failing.load());
  }

  private static final class FailingStore implements TimestampWindowStore {
    private final InMemoryTimestampWindowStore saved = new InMemoryTimestampWindowStore();
    volatile boolean down;

    @Override
    public long load() {
      return saved.load();
    }

    @Override
    public void save(final long windowEndMillis) {
      if (down) {
        throw new RetriableBinlogException(ErrorCode.ETCD_UNAVAILABLE, "etcd is down");
      }
      saved.save(windowEndMillis);
    }
  }
}
