package io.kafkabinlog.tidbsim.pumpclient;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.kafkabinlog.common.etcd.EtcdFutures;
import io.kafkabinlog.common.registry.NodeKind;
import io.kafkabinlog.common.registry.NodeStatus;
import io.kafkabinlog.common.registry.RegistryKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the pumps under {@code <root>/v1/pumps/} and watches that prefix from the listed revision
 * ({@code getPumpStatus} and {@code watchStatus} in TiDB), feeding a {@link PumpSet}. When the
 * watch fails, TiDB re-watches from the latest revision and accepts losing events; we list again
 * first, so a state change made while the watch was down is not lost.
 */
final class PumpRegistryWatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PumpRegistryWatch.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final Duration REWATCH_DELAY = Duration.ofSeconds(1);

  private final Client client;
  private final RegistryKeys keys;
  private final Duration etcdTimeout;
  private final String etcdEndpoints;
  private final PumpSet pumps;
  private final ScheduledExecutorService scheduler;
  private final ByteSequence prefix;
  private Watch.Watcher watcher; // guarded by this
  private long watchGeneration; // guarded by this
  private boolean closed; // guarded by this

  PumpRegistryWatch(
      final Client client,
      final RegistryKeys keys,
      final Duration etcdTimeout,
      final String etcdEndpoints,
      final PumpSet pumps,
      final ScheduledExecutorService scheduler) {
    this.client = client;
    this.keys = keys;
    this.etcdTimeout = etcdTimeout;
    this.etcdEndpoints = etcdEndpoints;
    this.pumps = pumps;
    this.scheduler = scheduler;
    this.prefix = bytes(keys.nodePrefix(NodeKind.PUMP));
  }

  /** The pump key prefix, with its trailing slash. */
  String prefix() {
    return keys.nodePrefix(NodeKind.PUMP);
  }

  /** Lists the registered pumps into the set; returns the etcd revision of the listing. */
  long listInto() {
    final GetResponse response =
        EtcdFutures.await(
            client.getKVClient().get(prefix, GetOption.builder().isPrefix(true).build()),
            etcdTimeout,
            "etcd at " + etcdEndpoints,
            "list pumps under " + prefix(),
            "the PD/etcd endpoints and " + PumpClientConfig.ETCD_TIMEOUT);
    final List<NodeStatus> listed = new ArrayList<>();
    for (final KeyValue entry : response.getKvs()) {
      final NodeStatus status = parse(entry);
      if (status != null) {
        listed.add(status);
      }
    }
    pumps.reconcile(listed);
    return response.getHeader().getRevision();
  }

  /** Starts watching the prefix from the given revision (inclusive). */
  synchronized void watchFrom(final long revision) {
    if (closed) {
      return;
    }
    final long generation = ++watchGeneration;
    final WatchOption option = WatchOption.builder().isPrefix(true).withRevision(revision).build();
    watcher =
        client
            .getWatchClient()
            .watch(
                prefix,
                option,
                Watch.listener(
                    this::onResponse,
                    error -> onEnded(generation, error),
                    () -> onEnded(generation, null)));
  }

  private void onResponse(final WatchResponse response) {
    for (final WatchEvent event : response.getEvents()) {
      final KeyValue entry = event.getKeyValue();
      switch (event.getEventType()) {
        case PUT -> {
          final NodeStatus status = parse(entry);
          if (status != null) {
            pumps.put(status);
          }
        }
        case DELETE -> {
          final String nodeId = keys.nodeIdOf(NodeKind.PUMP, text(entry.getKey()));
          if (nodeId != null) {
            pumps.remove(nodeId);
          }
        }
        default -> LOG.debug("ignoring watch event {} on {}", event.getEventType(), entry.getKey());
      }
    }
  }

  /**
   * The watch ended with an error (or completed, {@code error == null}): list and watch again. Only
   * the current watch counts; closing an old one may report its end too.
   */
  private void onEnded(final long generation, final Throwable error) {
    synchronized (this) {
      if (closed || generation != watchGeneration) {
        return;
      }
      watchGeneration++;
      if (watcher != null) {
        watcher.close();
        watcher = null;
      }
    }
    LOG.warn(
        "watch on {} ended ({}); listing the pumps and watching again",
        prefix(),
        error == null ? "completed by etcd" : error.toString());
    scheduleRewatch();
  }

  private void scheduleRewatch() {
    try {
      scheduler.schedule(this::rewatch, REWATCH_DELAY.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      LOG.debug("not watching {} again: the client is closing", prefix());
    }
  }

  private void rewatch() {
    synchronized (this) {
      if (closed) {
        return;
      }
    }
    try {
      watchFrom(listInto() + 1);
    } catch (RuntimeException e) {
      LOG.warn("cannot list the pumps under {} yet: {}", prefix(), e.getMessage());
      scheduleRewatch();
    }
  }

  private NodeStatus parse(final KeyValue entry) {
    final String key = text(entry.getKey());
    if (keys.nodeIdOf(NodeKind.PUMP, key) == null) {
      return null;
    }
    final String json = text(entry.getValue());
    try {
      return JSON.readValue(json, NodeStatus.class);
    } catch (IOException | IllegalArgumentException e) {
      // TiDB logs and skips an entry it cannot read; the other pumps stay usable.
      LOG.error("skipping pump entry {}: not node JSON: {} ({})", key, json, e.getMessage());
      return null;
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (watcher != null) {
      watcher.close();
      watcher = null;
    }
  }

  private static ByteSequence bytes(final String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }

  private static String text(final ByteSequence bytes) {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
