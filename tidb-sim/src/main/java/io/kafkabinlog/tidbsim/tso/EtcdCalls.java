package io.kafkabinlog.tidbsim.tso;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.kafkabinlog.common.error.Causes;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.RetriableBinlogException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Bounded waits on jetcd futures, failing with {@code ETCD_UNAVAILABLE}. */
final class EtcdCalls {
  private final Client client;
  private final Duration timeout;

  EtcdCalls(final Client client, final Duration timeout) {
    this.client = Objects.requireNonNull(client, "client");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  KV kv() {
    return client.getKVClient();
  }

  <T> T await(final CompletableFuture<T> future, final String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(true);
      throw new RetriableBinlogException(
          ErrorCode.SHUTTING_DOWN, "interrupted while waiting for etcd to " + what, e);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new RetriableBinlogException(
          ErrorCode.ETCD_UNAVAILABLE,
          "etcd did not "
              + what
              + " within "
              + timeout.toMillis()
              + " ms (check the etcd endpoints)",
          e);
    } catch (ExecutionException e) {
      final Throwable cause = Causes.unwrap(e);
      throw new RetriableBinlogException(
          ErrorCode.ETCD_UNAVAILABLE, "etcd failed to " + what + ": " + cause, cause);
    }
  }
}
