package io.kafkabinlog.common.etcd;

import io.kafkabinlog.common.error.Causes;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.RetriableBinlogException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Bounded waits on jetcd's futures. A timeout or a failure is {@code ETCD_UNAVAILABLE}, retriable,
 * with a message naming the etcd, the operation and the setting to check; an interrupt is {@code
 * SHUTTING_DOWN}.
 */
public final class EtcdFutures {
  private EtcdFutures() {}

  /**
   * Waits for {@code future} at most {@code timeout}; a late one is cancelled.
   *
   * @param etcd which etcd, for messages, e.g. {@code "etcd at [http://127.0.0.1:2379]"}
   * @param what the operation, for messages, e.g. {@code "list pumps under /tidb-binlog/v1/pumps/"}
   * @param check the setting(s) a user should check, e.g. {@code "pd-urls"}
   */
  public static <T> T await(
      final CompletableFuture<T> future,
      final Duration timeout,
      final String etcd,
      final String what,
      final String check) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(true);
      throw new RetriableBinlogException(
          ErrorCode.SHUTTING_DOWN, "interrupted while waiting for " + etcd + " to " + what, e);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new RetriableBinlogException(
          ErrorCode.ETCD_UNAVAILABLE,
          etcd + " did not " + what + " within " + timeout.toMillis() + " ms (check " + check + ")",
          e);
    } catch (ExecutionException e) {
      final Throwable cause = Causes.unwrap(e);
      throw new RetriableBinlogException(
          ErrorCode.ETCD_UNAVAILABLE,
          etcd + " failed to " + what + ": " + cause + " (check " + check + ")",
          cause);
    }
  }
}
