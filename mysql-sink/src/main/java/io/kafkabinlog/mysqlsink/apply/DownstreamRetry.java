package io.kafkabinlog.mysqlsink.apply;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.RetriableBinlogException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one downstream unit of work (one transaction, one DDL) with bounded retries: an error {@link
 * DownstreamErrors#isRetriable} accepts is retried after an exponential backoff, up to {@code
 * maxAttempts}, then reported as {@link RetriableBinlogException} DOWNSTREAM_UNAVAILABLE (the
 * caller's supervisor restarts from the checkpoint); any other error becomes the caller's fatal
 * exception at once. The unit must leave nothing behind when it fails (roll back).
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

  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Sleeper sleeper;
  private final Runnable onRetry;

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
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1: " + maxAttempts);
    }
    this.maxAttempts = maxAttempts;
    this.initialBackoff = initialBackoff;
    this.maxBackoff = maxBackoff;
    this.sleeper = sleeper;
    this.onRetry = onRetry;
  }

  /** 10 attempts, 100 ms doubling up to 5 s (about 20 s in all). */
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
        onRetry);
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
    for (int attempt = 1; ; attempt++) {
      try {
        return work.run();
      } catch (SQLException e) {
        if (!DownstreamErrors.isRetriable(e)) {
          throw fatal.apply(e);
        }
        if (attempt >= maxAttempts) {
          throw new RetriableBinlogException(
              ErrorCode.DOWNSTREAM_UNAVAILABLE,
              what + " failed " + attempt + " times: " + DownstreamErrors.describe(e),
              e);
        }
        LOG.warn(
            "{} failed (attempt {} of {}), retrying in {} ms: {}",
            what,
            attempt,
            maxAttempts,
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
