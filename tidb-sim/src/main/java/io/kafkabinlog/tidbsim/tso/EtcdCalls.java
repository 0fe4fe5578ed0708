package io.kafkabinlog.tidbsim.tso;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.kafkabinlog.common.etcd.EtcdFutures;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** The PD stand-in's etcd client with its bounded waits ({@link EtcdFutures}). */
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
    return EtcdFutures.await(future, timeout, "etcd", what, "pd-urls");
  }
}
