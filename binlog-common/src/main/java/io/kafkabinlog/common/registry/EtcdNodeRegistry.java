package io.kafkabinlog.common.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.stub.StreamObserver;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.common.etcd.EtcdFutures;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link NodeRegistry} on etcd (PD's etcd in production), through jetcd. */
public final class EtcdNodeRegistry implements NodeRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdNodeRegistry.class);
  private static final int MAX_CAS_ATTEMPTS = 10;
  private static final Duration STALE_POLL = Duration.ofMillis(250);
  private static final GetOption COUNT_ONLY = GetOption.builder().withCountOnly(true).build();
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final Client client;
  private final boolean ownsClient;
  private final RegistryKeys keys;
  private final Duration timeout;
  private final String endpoints;

  /**
   * A registry on its own etcd client, closed with the registry.
   *
   * @param endpoints PD/etcd URLs ({@code pd-urls})
   * @param keys key layout (its root is {@code /tidb-binlog} in production)
   * @param timeout bound of every etcd call
   */
  public static EtcdNodeRegistry connect(
      final List<URI> endpoints, final RegistryKeys keys, final Duration timeout) {
    final Client client = Client.builder().endpoints(endpoints.toArray(URI[]::new)).build();
    return new EtcdNodeRegistry(client, true, keys, timeout, endpoints.toString());
  }

  /** A registry on a client the caller owns and closes. */
  public static EtcdNodeRegistry using(
      final Client client, final RegistryKeys keys, final Duration timeout) {
    return new EtcdNodeRegistry(client, false, keys, timeout, "the given etcd client");
  }

  private EtcdNodeRegistry(
      final Client client,
      final boolean ownsClient,
      final RegistryKeys keys,
      final Duration timeout,
      final String endpoints) {
    this.client = Objects.requireNonNull(client, "client");
    this.ownsClient = ownsClient;
    this.keys = Objects.requireNonNull(keys, "keys");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.endpoints = endpoints;
  }

  @Override
  public RegisteredNode register(final NodeKind kind, final NodeStatus status) {
    return compareAndSwap(kind, status.nodeId(), current -> status, true);
  }

  @Override
  public RegisteredNode update(
      final NodeKind kind, final String nodeId, final UnaryOperator<NodeStatus> change) {
    return compareAndSwap(kind, nodeId, change, false);
  }

  private RegisteredNode compareAndSwap(
      final NodeKind kind,
      final String nodeId,
      final UnaryOperator<NodeStatus> change,
      final boolean createIfAbsent) {
    final ByteSequence key = bytes(keys.node(kind, nodeId));
    final KV kv = client.getKVClient();
    for (int attempt = 1; attempt <= MAX_CAS_ATTEMPTS; attempt++) {
      final GetResponse current = await(kv.get(key), "read " + key);
      final Cmp unchanged;
      final NodeStatus base;
      if (current.getKvs().isEmpty()) {
        if (!createIfAbsent) {
          throw new FatalBinlogException(
              ErrorCode.REGISTRY_CONFLICT,
              kind.folder() + " node '" + nodeId + "' is not registered under " + key);
        }
        unchanged = new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0));
        base = null;
      } else {
        final KeyValue entry = current.getKvs().get(0);
        unchanged = new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(entry.getModRevision()));
        base = parse(entry);
      }
      final NodeStatus next = change.apply(base);
      if (!next.nodeId().equals(nodeId)) {
        throw new IllegalArgumentException(
            "an update may not change the node id: " + nodeId + " -> " + next.nodeId());
      }
      // The liveness read rides in the same transaction: one round trip per heartbeat.
      final TxnResponse txn =
          await(
              kv.txn()
                  .If(unchanged)
                  .Then(
                      Op.put(key, bytes(toJson(next)), PutOption.DEFAULT),
                      Op.get(bytes(keys.alive(kind, nodeId)), COUNT_ONLY))
                  .commit(),
              "write " + key);
      if (txn.isSucceeded()) {
        return new RegisteredNode(
            next,
            txn.getGetResponses().get(0).getCount() > 0,
            txn.getPutResponses().get(0).getHeader().getRevision());
      }
      LOG.debug("registry entry {} changed concurrently, retrying ({})", key, attempt);
    }
    throw new RetriableBinlogException(
        ErrorCode.REGISTRY_CONFLICT,
        "registry entry "
            + keys.node(kind, nodeId)
            + " kept changing during "
            + MAX_CAS_ATTEMPTS
            + " update attempts");
  }

  @Override
  public Optional<RegisteredNode> get(final NodeKind kind, final String nodeId) {
    final ByteSequence key = bytes(keys.node(kind, nodeId));
    final GetResponse response = await(client.getKVClient().get(key), "read " + key);
    if (response.getKvs().isEmpty()) {
      return Optional.empty();
    }
    final KeyValue entry = response.getKvs().get(0);
    return Optional.of(
        new RegisteredNode(parse(entry), isLive(kind, nodeId), entry.getModRevision()));
  }

  @Override
  public List<RegisteredNode> list(final NodeKind kind) {
    final Set<String> live = new HashSet<>();
    for (final KeyValue alive : getPrefix(keys.alivePrefix(kind))) {
      live.add(text(alive.getKey()).substring(keys.alivePrefix(kind).length()));
    }
    final List<RegisteredNode> nodes = new ArrayList<>();
    for (final KeyValue entry : getPrefix(keys.nodePrefix(kind))) {
      final String nodeId = keys.nodeIdOf(kind, text(entry.getKey()));
      if (nodeId == null) {
        continue;
      }
      try {
        nodes.add(new RegisteredNode(parse(entry), live.contains(nodeId), entry.getModRevision()));
      } catch (FatalBinlogException e) {
        // Another writer's junk must not hide the other nodes; it stays visible in the log.
        LOG.warn("skipping unreadable registry entry: {}", e.getMessage());
      }
    }
    nodes.sort(Comparator.comparing(n -> n.status().nodeId()));
    return List.copyOf(nodes);
  }

  @Override
  public NodeLiveness holdLiveness(final NodeKind kind, final String nodeId, final Duration ttl) {
    checkTtl(ttl);
    final Lease lease = client.getLeaseClient();
    final long leaseId = await(lease.grant(ttl.toSeconds()), "grant a lease").getID();
    final ByteSequence key = bytes(keys.alive(kind, nodeId));
    await(
        client
            .getKVClient()
            .put(key, bytes(nodeId), PutOption.builder().withLeaseId(leaseId).build()),
        "write " + key);
    return keepAlive(kind, nodeId, lease, leaseId);
  }

  @Override
  public NodeLiveness holdLivenessExclusively(
      final NodeKind kind, final String nodeId, final Duration ttl, final Duration waitForStale) {
    checkTtl(ttl);
    final Lease lease = client.getLeaseClient();
    final KV kv = client.getKVClient();
    final ByteSequence key = bytes(keys.alive(kind, nodeId));
    final long deadline = System.nanoTime() + waitForStale.toNanos();
    long holder = 0;
    boolean waitLogged = false;
    while (true) {
      final GetResponse current = await(kv.get(key), "read " + key);
      if (current.getKvs().isEmpty()) {
        // The lease is granted only now: one granted before a long wait could expire unused.
        final long leaseId = await(lease.grant(ttl.toSeconds()), "grant a lease").getID();
        final TxnResponse txn =
            await(
                kv.txn()
                    .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                    .Then(
                        Op.put(
                            key, bytes(nodeId), PutOption.builder().withLeaseId(leaseId).build()))
                    .commit(),
                "create " + key);
        if (txn.isSucceeded()) {
          return keepAlive(kind, nodeId, lease, leaseId);
        }
        revokeQuietly(lease, leaseId);
        continue;
      }
      holder = current.getKvs().get(0).getLease();
      if (System.nanoTime() - deadline >= 0) {
        break;
      }
      if (!waitLogged) {
        LOG.info(
            "{} is held by lease {}; waiting up to {} ms for it to expire (a process killed"
                + " without closing leaves it until its TTL passes)",
            key,
            Long.toHexString(holder),
            waitForStale.toMillis());
        waitLogged = true;
      }
      sleep(Math.min(STALE_POLL.toNanos(), Math.max(0, deadline - System.nanoTime())));
    }
    throw RegistryConflicts.alreadyLive(
        kind,
        nodeId,
        "alive key "
            + key
            + " held by lease "
            + Long.toHexString(holder)
            + " for longer than "
            + waitForStale.toMillis()
            + " ms");
  }

  private NodeLiveness keepAlive(
      final NodeKind kind, final String nodeId, final Lease lease, final long leaseId) {
    final AtomicBoolean held = new AtomicBoolean(true);
    final CloseableClient keepAlive =
        lease.keepAlive(
            leaseId,
            new StreamObserver<LeaseKeepAliveResponse>() {
              @Override
              public void onNext(final LeaseKeepAliveResponse response) {
                // Each answer renews the TTL; nothing to do.
              }

              @Override
              public void onError(final Throwable error) {
                held.set(false);
                LOG.warn(
                    "liveness lease of {} {} lost: {}", kind.folder(), nodeId, error.toString());
              }

              @Override
              public void onCompleted() {
                held.set(false);
              }
            });
    return new EtcdLiveness(lease, leaseId, keepAlive, held);
  }

  private static void checkTtl(final Duration ttl) {
    if (ttl.toSeconds() < 1) {
      throw new IllegalArgumentException("liveness TTL must be at least 1 s: " + ttl);
    }
  }

  private static void revokeQuietly(final Lease lease, final long leaseId) {
    try {
      lease.revoke(leaseId).get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      LOG.debug(
          "could not revoke unused lease {}; it expires by its TTL: {}", leaseId, e.toString());
    }
  }

  private static void sleep(final long nanos) {
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriableBinlogException(
          ErrorCode.SHUTTING_DOWN, "interrupted while waiting for a stale liveness key", e);
    }
  }

  @Override
  public void close() {
    if (ownsClient) {
      client.close();
    }
  }

  private boolean isLive(final NodeKind kind, final String nodeId) {
    final ByteSequence key = bytes(keys.alive(kind, nodeId));
    return await(client.getKVClient().get(key, COUNT_ONLY), "read " + key).getCount() > 0;
  }

  private List<KeyValue> getPrefix(final String prefix) {
    return await(
            client.getKVClient().get(bytes(prefix), GetOption.builder().isPrefix(true).build()),
            "list " + prefix)
        .getKvs();
  }

  private NodeStatus parse(final KeyValue entry) {
    final String json = text(entry.getValue());
    try {
      return JSON.readValue(json, NodeStatus.class);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new FatalBinlogException(
          ErrorCode.MALFORMED_INPUT,
          "registry entry " + text(entry.getKey()) + " is not node JSON: " + json,
          e);
    }
  }

  static String toJson(final NodeStatus status) {
    try {
      return JSON.writeValueAsString(status);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + status, e);
    }
  }

  static NodeStatus fromJson(final String json) throws JsonProcessingException {
    return JSON.readValue(json, NodeStatus.class);
  }

  private <T> T await(final CompletableFuture<T> future, final String what) {
    return EtcdFutures.await(future, timeout, "etcd at " + endpoints, what, "pd-urls");
  }

  private static ByteSequence bytes(final String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }

  private static String text(final ByteSequence bytes) {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static final class EtcdLiveness implements NodeLiveness {
    private final Lease lease;
    private final long leaseId;
    private final CloseableClient keepAlive;
    private final AtomicBoolean held;

    EtcdLiveness(
        final Lease lease,
        final long leaseId,
        final CloseableClient keepAlive,
        final AtomicBoolean held) {
      this.lease = lease;
      this.leaseId = leaseId;
      this.keepAlive = keepAlive;
      this.held = held;
    }

    @Override
    public boolean isHeld() {
      return held.get();
    }

    @Override
    public void close() {
      if (held.getAndSet(false)) {
        keepAlive.close();
        try {
          // Revoking deletes the alive key at once instead of after the TTL.
          lease.revoke(leaseId).get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
          LOG.warn("could not revoke lease {}; it expires by its TTL: {}", leaseId, e.toString());
        }
      }
    }
  }
}
