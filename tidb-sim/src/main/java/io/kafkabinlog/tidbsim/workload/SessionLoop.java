package io.kafkabinlog.tidbsim.workload;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a workload's sessions: {@code threads} loops, each with its own seeded random and its own
 * share of the transaction budget (so how many steps a session runs does not depend on how fast the
 * others are), sharing the deadline and the rate limit of the options. A step that fails with a
 * retriable error (PD or every pump unreachable for a while, a transaction that kept losing races)
 * is run again after a pause, as an application retries a failed transaction, for up to {@link
 * #RETRY_WINDOW}. Any other failure of a session stops all of them and is rethrown.
 */
final class SessionLoop {
  /** How long one step is retried before its session fails. */
  static final Duration RETRY_WINDOW = Duration.ofSeconds(30);

  private static final Duration RETRY_PAUSE = Duration.ofMillis(100);
  private static final Logger LOG = LoggerFactory.getLogger(SessionLoop.class);

  /**
   * One transaction of session {@code session} (0 to threads - 1); {@code n} counts the session's
   * transactions from 0.
   */
  @FunctionalInterface
  interface Step {
    void run(int session, Random random, long n);
  }

  private SessionLoop() {}

  private static void runRetrying(
      final Step step, final int session, final Random random, final long n, final long deadline) {
    long giveUp = System.nanoTime() + RETRY_WINDOW.toNanos();
    while (true) {
      try {
        step.run(session, random, n);
        return;
      } catch (RetriableBinlogException e) {
        long now = System.nanoTime();
        if (now - giveUp > 0 || now >= deadline || Thread.currentThread().isInterrupted()) {
          throw e;
        }
        LOG.warn("session {}: transaction {} failed, retrying: {}", session, n, e.getMessage());
        LockSupport.parkNanos(RETRY_PAUSE.toNanos());
      }
    }
  }

  static void run(
      final WorkloadOptions options,
      final Progress progress,
      final long defaultTransactions,
      final Step step) {
    long budget =
        options.transactions() > 0
            ? options.transactions()
            : options.duration().isZero() ? defaultTransactions : Long.MAX_VALUE;
    long deadline =
        options.duration().isZero()
            ? Long.MAX_VALUE
            : System.nanoTime() + options.duration().toNanos();
    AtomicLong nextSlot = new AtomicLong(System.nanoTime());
    long slotNanos = options.rate() > 0 ? (long) (1e9 / options.rate()) : 0;
    ExecutorService pool = Executors.newFixedThreadPool(options.threads());
    List<Future<?>> sessions = new ArrayList<>();
    for (int t = 0; t < options.threads(); t++) {
      int session = t;
      long share = budget / options.threads() + (t < budget % options.threads() ? 1 : 0);
      Random random = new Random(options.seed() * 1_000_003L + t);
      sessions.add(
          pool.submit(
              () -> {
                long n = 0;
                while (n < share && System.nanoTime() < deadline) {
                  if (slotNanos > 0) {
                    long slot = nextSlot.getAndAdd(slotNanos);
                    long wait = slot - System.nanoTime();
                    if (wait > 0) {
                      LockSupport.parkNanos(wait);
                    }
                  }
                  runRetrying(step, session, random, n++, deadline);
                  progress.tick();
                  if (Thread.currentThread().isInterrupted()) {
                    return null;
                  }
                }
                return null;
              }));
    }
    pool.shutdown();
    try {
      for (Future<?> s : sessions) {
        s.get();
      }
    } catch (ExecutionException e) {
      pool.shutdownNow();
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new FatalBinlogException(ErrorCode.INTERNAL, "a workload session failed", e.getCause());
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
      throw new FatalBinlogException(ErrorCode.SHUTTING_DOWN, "workload interrupted");
    } finally {
      try {
        pool.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
