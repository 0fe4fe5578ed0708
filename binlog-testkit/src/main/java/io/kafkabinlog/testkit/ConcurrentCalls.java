package io.kafkabinlog.testkit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;

/**
 * Calls a timestamp source from several threads at once and checks what timestamp sources promise:
 * each caller sees strictly increasing values, and no value is handed out twice.
 */
public final class ConcurrentCalls {
  private ConcurrentCalls() {}

  /**
   * Runs {@code perThread} calls on each of {@code threads} threads; returns each thread's values
   * in call order after checking that they strictly increase.
   *
   * @throws AssertionError naming the thread and call where a value did not increase
   */
  public static long[][] strictlyIncreasingPerThread(
      final int threads, final int perThread, final LongSupplier call)
      throws InterruptedException, ExecutionException {
    final ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      final List<Future<long[]>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(
            pool.submit(
                () -> {
                  final long[] got = new long[perThread];
                  for (int i = 0; i < perThread; i++) {
                    got[i] = call.getAsLong();
                  }
                  return got;
                }));
      }
      final long[][] all = new long[threads][];
      for (int t = 0; t < threads; t++) {
        all[t] = results.get(t).get();
        for (int i = 1; i < perThread; i++) {
          if (all[t][i] <= all[t][i - 1]) {
            throw new AssertionError(
                "thread " + t + ", call " + i + ": " + all[t][i] + " after " + all[t][i - 1]);
          }
        }
      }
      return all;
    } finally {
      pool.shutdown();
    }
  }

  /**
   * Every thread's values together, sorted, after checking that none appears twice.
   *
   * @throws AssertionError naming a value handed out twice
   */
  public static long[] sortedDistinct(final long[][] perThread) {
    final long[] all = Arrays.stream(perThread).flatMapToLong(Arrays::stream).sorted().toArray();
    for (int i = 1; i < all.length; i++) {
      if (all[i] == all[i - 1]) {
        throw new AssertionError("value handed out twice: " + all[i]);
      }
    }
    return all;
  }
}
