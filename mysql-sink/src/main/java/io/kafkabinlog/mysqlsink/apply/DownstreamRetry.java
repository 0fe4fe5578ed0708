package io.kafkabinlog.mysqlsink.apply;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.RetriableBinlogException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one downstream unit of work (one transaction, one DDL) with bounded retries: an error {@link
 * DownstreamErrors#isRetriable} accepts is retried after an exponential backoff until both {@code
 * maxAttempts} attempts were made and {@code retryFor} has passed since the first failure, then
 * reported as {@link RetriableBinlogException} DOWNSTREAM_UNAVAILABLE (the caller's supervisor
 * restarts from the checkpoint); any other error becomes the caller's fatal exception at once. The
 * unit must leave nothing behind when it fails (roll back).
 *
 * <p>The time bound is what rides out an outage: a refused connection fails in a millisecond, so
 * attempts alone (10 with backoff up to 5 s, about 25 s) gave up during a one-minute restart of the
 * downstream.
 */
public final class DownstreamRetry {
  private static final Logger LOG = LoggerFactory.getLogger(DownstreamRetry.class);

  /** One attempt of the work. */
  @FunctionalInterface
  public interface Work<T> {
    T run() throws SQLException;
  }

  /** Waits between attempts; tests pass one that does not sleep. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  /** How long the defaults retry a downstream that is away: a restart, a failover. */
  public static final Duration DEFAULT_RETRY_FOR = Duration.ofMinutes(5);

  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Sleeper sleeper;
  private final Runnable onRetry;
  private final Duration retryFor;
  private final LongSupplier nanoTime;

  public DownstreamRetry(
      final int maxAttempts,
      final Duration initialBackoff,
      final Duration maxBackoff,
      final Sleeper sleeper) {
    this(maxAttempts, initialBackoff, maxBackoff, sleeper, () -> {});
  }

  /**
   * @param onRetry called before each wait for another attempt (the retries metric)
   */
  public DownstreamRetry(
      final int maxAttempts,
      final Duration initialBackoff,
      final Duration maxBackoff,
      final Sleeper sleeper,
      final Runnable onRetry) {
    this(
        maxAttempts, initialBackoff, maxBackoff, sleeper, onRetry, Duration.ZERO, System::nanoTime);
  }

  /**
   * @param retryFor how long after the first failure retrying goes on, however many attempts that
   *     takes
   * @param nanoTime the clock of {@code retryFor} ({@link System#nanoTime} but in tests)
   */
  public DownstreamRetry(
      final int maxAttempts,
      final Duration initialBackoff,
      final Duration maxBackoff,
      final Sleeper sleeper,
      final Runnable onRetry,
      final Duration retryFor,
      final LongSupplier nanoTime) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1: " + maxAttempts);
    }
    this.maxAttempts = maxAttempts;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.sleeper = sleeper;
    this.onRetry = onRetry;
    this.retryFor = retryFor;
    this.nanoTime = nanoTime;
  }

  /** At least 10 attempts and 5 minutes, 100 ms doubling up to 5 s between attempts. */
  public static DownstreamRetry defaults() {
    return defaults(() -> {});
  }

  /** {@link #defaults()}, calling {@code onRetry} before each wait. */
  public static DownstreamRetry defaults(final Runnable onRetry) {
    return new DownstreamRetry(
        10,
        Duration.ofMillis(100),
        Duration.ofSeconds(5),
        d -> Thread.sleep(d.toMillis()),
        onRetry,
        DEFAULT_RETRY_FOR,
        System::nanoTime);
  }

  /**
   * Runs {@code work} until it succeeds, fails with a non-retriable error ({@code fatal} makes the
   * exception to throw) or runs out of attempts.
   */
  public <T> T run(
      final String what,
      final Work<T> work,
      final Function<SQLException, ? extends RuntimeException> fatal) {
    Duration backoff = initialBackoff;
    long firstFailure = 0;
    for (int attempt = 1; ; attempt++) {
      try {
        return work.run();
      } catch (SQLException e) {
        if (!DownstreamErrors.isRetriable(e)) {
          throw fatal.apply(e);
        }
        final long now = nanoTime.getAsLong();
        if (attempt == 1) {
          firstFailure = now;
        }
        final Duration failingFor = Duration.ofNanos(now - firstFailure);
        if (attempt >= maxAttempts && failingFor.compareTo(retryFor) >= 0) {
          throw new RetriableBinlogException(
              ErrorCode.DOWNSTREAM_UNAVAILABLE,
              what
                  + " failed "
                  + attempt
                  + " times in "
                  + failingFor.toSeconds()
                  + " s: "
                  + DownstreamErrors.describe(e),
              e);
        }
        LOG.warn(
            "{} failed (attempt {}, failing for {} s), retrying in {} ms: {}",
            what,
            attempt,
            failingFor.toSeconds(),
            backoff.toMillis(),
            DownstreamErrors.describe(e));
        onRetry.run();
        try {
          sleeper.sleep(backoff);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new RetriableBinlogException(
              ErrorCode.SHUTTING_DOWN, what + " interrupted while waiting to retry", interrupted);
        }
        backoff = backoff.multipliedBy(2);
        if (backoff.compareTo(maxBackoff) > 0) {
          backoff = maxBackoff;
        }
      }
    }
  }
}
