package io.kafkabinlog.common.etcd;

import io.kafkabinlog.common.error.BoundedWait;
import io.kafkabinlog.common.error.ErrorCode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** Bounded waits on jetcd's futures: {@link BoundedWait} with {@code ETCD_UNAVAILABLE}. */
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
    return BoundedWait.await(future, timeout, ErrorCode.ETCD_UNAVAILABLE, etcd, what, check);
  }
}
