package io.kafkabinlog.common.error;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A bounded wait on a client future (etcd, Kafka), turned into this project's errors: a timeout or
 * a failure is retriable with the given code and a message naming the service, the operation and
 * the setting to check; an interrupt is {@code SHUTTING_DOWN}. A future that is late is cancelled,
 * since nobody waits for it any more.
 */
public final class BoundedWait {
  private BoundedWait() {}

  /**
   * Waits for {@code future} at most {@code timeout}.
   *
   * @param unavailable the code of a timeout or a failure, e.g. {@code KAFKA_UNAVAILABLE}
   * @param service which service, for messages, e.g. {@code "etcd at [http://127.0.0.1:2379]"}
   * @param what the operation, for messages, e.g. {@code "list pumps under /tidb-binlog/v1/pumps/"}
   * @param check the setting(s) a user should check, e.g. {@code "pd-urls"}
   * @throws RetriableBinlogException whose cause is the future's own failure (unwrapped), so that a
   *     caller can still accept an expected one, such as a topic that already exists
   */
  public static <T> T await(
      final Future<T> future,
      final Duration timeout,
      final ErrorCode unavailable,
      final String service,
      final String what,
      final String check) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(true);
      throw new RetriableBinlogException(
          ErrorCode.SHUTTING_DOWN, "interrupted while waiting for " + service + " to " + what, e);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new RetriableBinlogException(
          unavailable,
          service
              + " did not "
              + what
              + " within "
              + timeout.toMillis()
              + " ms (check "
              + check
              + ")",
          e);
    } catch (ExecutionException e) {
      final Throwable cause = Causes.unwrap(e);
      throw new RetriableBinlogException(
          unavailable,
          service + " failed to " + what + ": " + cause + " (check " + check + ")",
          cause);
    }
  }
}
