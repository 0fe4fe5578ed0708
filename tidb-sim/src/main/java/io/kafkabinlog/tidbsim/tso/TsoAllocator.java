package io.kafkabinlog.tidbsim.tso;

import io.kafkabinlog.common.tso.Tso;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PD's timestamp algorithm ({@code server/tso}): a physical part that follows the wall clock and a
 * logical counter within it, bounded by a window saved before use.
 *
 * <ul>
 *   <li>Start (PD's {@code SyncTimestamp}): load the saved window end W; start at the clock, or at
 *       W + 1 ms if the clock is not past W (a clock that went backwards, or a restart within the
 *       window); save start + save-interval first.
 *   <li>Allocate (PD's {@code UpdateTimestamp} + {@code getTS}, done lazily under one lock): move
 *       the physical part to the clock when the clock is ahead; never move it back. When the
 *       logical part would pass 2^18 - 1, move the physical part one millisecond ahead, as PD's
 *       updater does when the logical part runs short. Before the physical part comes within 1 ms
 *       of W, save a new window (physical + save-interval); a failed save hands out nothing.
 * </ul>
 *
 * So every TSO is above every TSO handed out before, in this process and in any earlier one that
 * used the same store.
 */
public final class TsoAllocator {
  /** PD's {@code tso-save-interval}. */
  public static final Duration DEFAULT_SAVE_INTERVAL = Duration.ofSeconds(3);

  /** PD's {@code updateTimestampGuard}. */
  private static final long GUARD_MILLIS = 1;

  private static final Logger LOG = LoggerFactory.getLogger(TsoAllocator.class);

  private final TimestampWindowStore store;
  private final LongSupplier clockMillis;
  private final long saveIntervalMillis;
  private long physical;
  private long logical;
  private long windowEnd;

  private TsoAllocator(
      final TimestampWindowStore store,
      final LongSupplier clockMillis,
      final long saveIntervalMillis,
      final long physical,
      final long windowEnd) {
    this.store = store;
    this.clockMillis = clockMillis;
    this.saveIntervalMillis = saveIntervalMillis;
    this.physical = physical;
    this.windowEnd = windowEnd;
  }

  /** Starts on the system clock with PD's save interval. */
  public static TsoAllocator start(final TimestampWindowStore store) {
    return start(store, System::currentTimeMillis, DEFAULT_SAVE_INTERVAL);
  }

  /**
   * Loads the saved window, starts above it and saves the first window of this run.
   *
   * @param clockMillis wall clock in epoch milliseconds (tests move it, also backwards)
   * @param saveInterval how far ahead of the physical part each saved window reaches
   * @throws io.kafkabinlog.common.error.RetriableBinlogException when the store does not answer
   */
  public static TsoAllocator start(
      final TimestampWindowStore store,
      final LongSupplier clockMillis,
      final Duration saveInterval) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(clockMillis, "clockMillis");
    final long interval = saveInterval.toMillis();
    if (interval <= GUARD_MILLIS) {
      throw new IllegalArgumentException("save interval must exceed 1 ms: " + saveInterval);
    }
    final long last = store.load();
    long next = clockMillis.getAsLong();
    if (next - last < GUARD_MILLIS) {
      LOG.warn(
          "clock ({} ms) is not past the saved TSO window ({} ms): starting above the window;"
              + " TSOs run ahead of the clock until it catches up",
          next,
          last);
      next = last + GUARD_MILLIS;
    }
    final long window = next + interval;
    store.save(window);
    LOG.info("TSO starts at physical {} ms, window saved up to {} ms", next, window);
    return new TsoAllocator(store, clockMillis, interval, next, window);
  }

  /** One TSO. */
  public long allocate() {
    return allocate(1);
  }

  /**
   * {@code count} consecutive TSOs; returns the last, as PD answers a TsoRequest (the batch is
   * {@code last - count + 1 .. last}, all in one physical millisecond).
   *
   * @throws IllegalArgumentException unless {@code 1 <= count <= 2^18 - 1}
   * @throws io.kafkabinlog.common.error.RetriableBinlogException when a new window cannot be saved
   */
  public synchronized long allocate(final int count) {
    if (count < 1 || count > Tso.MAX_LOGICAL) {
      throw new IllegalArgumentException("TSO count must be in [1, 2^18 - 1]: " + count);
    }
    long nextPhysical = physical;
    long nextLogical = logical;
    final long now = clockMillis.getAsLong();
    if (now > physical) {
      nextPhysical = now;
      nextLogical = 0;
    }
    if (nextLogical + count > Tso.MAX_LOGICAL) {
      nextPhysical++;
      nextLogical = 0;
    }
    if (windowEnd - nextPhysical <= GUARD_MILLIS) {
      final long window = nextPhysical + saveIntervalMillis;
      store.save(window);
      windowEnd = window;
    }
    physical = nextPhysical;
    logical = nextLogical + count;
    return Tso.compose(physical, logical);
  }

  /** The saved bound this allocator stays below (epoch ms). */
  public synchronized long windowEnd() {
    return windowEnd;
  }
}
