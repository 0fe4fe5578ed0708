package io.kafkabinlog.tidbsim.workload;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
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

/**
 * Runs a workload's sessions: {@code threads} loops, each with its own seeded random and its own
 * share of the transaction budget (so how many steps a session runs does not depend on how fast the
 * others are), sharing the deadline and the rate limit of the options. The first failure of a
 * session stops all of them and is rethrown.
 */
final class SessionLoop {

  /**
   * One transaction of session {@code session} (0 to threads - 1); {@code n} counts the session's
   * transactions from 0.
   */
  @FunctionalInterface
  interface Step {
    void run(int session, Random random, long n);
  }

  private SessionLoop() {}

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
                  step.run(session, random, n++);
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
