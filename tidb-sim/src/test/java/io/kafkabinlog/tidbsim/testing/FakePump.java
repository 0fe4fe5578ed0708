package io.kafkabinlog.tidbsim.testing;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.kafkabinlog.common.registry.EtcdNodeRegistry;
import io.kafkabinlog.common.registry.NodeKind;
import io.kafkabinlog.common.registry.NodeState;
import io.kafkabinlog.common.registry.NodeStatus;
import io.kafkabinlog.common.registry.RegistryKeys;
import io.kafkabinlog.schemas.binlog.BinlogParser;
import io.kafkabinlog.schemas.binlog.MalformedBinlogException;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.proto.binlog.PumpGrpc;
import io.kafkabinlog.schemas.proto.binlog.WriteBinlogReq;
import io.kafkabinlog.schemas.proto.binlog.WriteBinlogResp;
import io.netty.channel.ChannelOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * An in-test pump: a gRPC {@code binlog.Pump} server on a free local port that registers itself in
 * etcd like a real pump and records every binlog it acknowledged.
 *
 * <p>It answers like the original pump ({@code pump/server.go}): an empty payload is a probe and
 * succeeds; a foreign cluster id fails with "cluster ID are mismatch, X vs Y"; a payload that does
 * not parse fails; a prewrite while the pump is not online fails with "no online: state". Failures
 * are gRPC errors (code UNKNOWN), as Go's gRPC sends them. Tests can make it fail in other ways
 * ({@link #failWithErrmsg}, {@link #failWithStatus}), {@link #hang}, {@link #stop} (a crash: the
 * registry entry stays online) and {@link #restart} on the same port. Thread-safe.
 */
public final class FakePump implements AutoCloseable {
  private static final Duration ETCD_TIMEOUT = Duration.ofSeconds(10);

  private enum Mode {
    ANSWER,
    ERRMSG,
    STATUS,
    HANG
  }

  private record Behaviour(Mode mode, String errmsg, Status status) {}

  private final Client etcd;
  private final RegistryKeys keys;
  private final EtcdNodeRegistry registry;
  private final String nodeId;
  private final long clusterId;
  private final BinlogParser parser = new BinlogParser();
  private final Object lock = new Object();
  private final List<Binlog> received = new ArrayList<>(); // guarded by lock
  private final List<StreamObserver<WriteBinlogResp>> hung = new ArrayList<>(); // guarded by lock
  private int calls; // guarded by lock
  private int probes; // guarded by lock
  private volatile Behaviour behaviour = new Behaviour(Mode.ANSWER, null, null);
  private volatile NodeState state = NodeState.ONLINE;
  private Server server; // guarded by lock
  private int port;

  private FakePump(
      final Client etcd, final RegistryKeys keys, final String nodeId, final long clusterId) {
    this.etcd = Objects.requireNonNull(etcd, "etcd");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.registry = EtcdNodeRegistry.using(etcd, keys, ETCD_TIMEOUT);
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.clusterId = clusterId;
  }

  /**
   * Starts a pump and registers it online under {@code keys}.
   *
   * @param etcd an etcd client the caller owns
   * @param keys the registry layout (a test prefix)
   * @param nodeId the pump's node id
   * @param clusterId the cluster id it accepts
   */
  public static FakePump start(
      final Client etcd, final RegistryKeys keys, final String nodeId, final long clusterId) {
    final FakePump pump = startUnregistered(etcd, keys, nodeId, clusterId);
    pump.register();
    return pump;
  }

  /** Starts a pump without registering it; {@link #register()} does that later. */
  public static FakePump startUnregistered(
      final Client etcd, final RegistryKeys keys, final String nodeId, final long clusterId) {
    final FakePump pump = new FakePump(etcd, keys, nodeId, clusterId);
    pump.listen(0);
    return pump;
  }

  public String nodeId() {
    return nodeId;
  }

  public long clusterId() {
    return clusterId;
  }

  public int port() {
    return port;
  }

  /** The {@code host:port} clients dial, as registered. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  public NodeState state() {
    return state;
  }

  /** Writes (or rewrites) its registry entry with its current state. */
  public void register() {
    registry.register(NodeKind.PUMP, NodeStatus.of(nodeId, address(), state));
  }

  /**
   * Moves to another state, in the registry and in its own answers (like {@code binlogctl
   * update-pump} plus the pump noticing): while not online it refuses prewrites, as the original.
   */
  public void setState(final NodeState newState) {
    state = newState;
    registry.update(NodeKind.PUMP, nodeId, s -> s.withState(newState));
  }

  /** Deletes its registry entry (something only an operator does by hand). */
  public void deregister() {
    try {
      etcd.getKVClient()
          .delete(ByteSequence.from(keys.node(NodeKind.PUMP, nodeId), StandardCharsets.UTF_8))
          .get(ETCD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot delete the registry entry of " + nodeId, e);
    }
  }

  /** Answers normally again (calls left hanging stay so until the client gives up on them). */
  public void answerNormally() {
    behaviour = new Behaviour(Mode.ANSWER, null, null);
  }

  /** Replies to every call, probes included, with this {@code errmsg} and no gRPC error. */
  public void failWithErrmsg(final String errmsg) {
    behaviour = new Behaviour(Mode.ERRMSG, Objects.requireNonNull(errmsg, "errmsg"), null);
  }

  /** Fails every call, probes included, with this gRPC status (e.g. UNAVAILABLE). */
  public void failWithStatus(final Status status) {
    behaviour = new Behaviour(Mode.STATUS, null, Objects.requireNonNull(status, "status"));
  }

  /** Never answers any call, probes included. */
  public void hang() {
    behaviour = new Behaviour(Mode.HANG, null, null);
  }

  /** Shuts the server down at once, like a crash: the registry entry stays as it was. */
  public void stop() {
    final Server running;
    synchronized (lock) {
      running = server;
      server = null;
      hung.clear();
    }
    if (running != null) {
      running.shutdownNow();
      try {
        running.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Starts the server again on the same port; what it received so far is kept. */
  public void restart() {
    synchronized (lock) {
      if (server == null) {
        listen(port);
      }
    }
  }

  public boolean isRunning() {
    synchronized (lock) {
      return server != null;
    }
  }

  /** Every binlog it acknowledged, in arrival order. */
  public List<Binlog> received() {
    synchronized (lock) {
      return List.copyOf(received);
    }
  }

  public List<Binlog> received(final BinlogType type) {
    return received().stream().filter(b -> b.getTp() == type).toList();
  }

  /** The start_ts of each acknowledged binlog of this type, in arrival order. */
  public List<Long> startTsOf(final BinlogType type) {
    return received(type).stream().map(Binlog::getStartTs).toList();
  }

  public long count(final BinlogType type) {
    return received(type).size();
  }

  public Optional<Binlog> find(final long startTs, final BinlogType type) {
    return received().stream()
        .filter(b -> b.getStartTs() == startTs && b.getTp() == type)
        .findFirst();
  }

  /** Every WriteBinlog call it got, whatever it answered. */
  public int calls() {
    synchronized (lock) {
      return calls;
    }
  }

  /** Empty-payload probes it answered with success. */
  public int probes() {
    synchronized (lock) {
      return probes;
    }
  }

  /** Forgets what it received and the call counts. */
  public void clear() {
    synchronized (lock) {
      received.clear();
      calls = 0;
      probes = 0;
    }
  }

  /** Waits until it acknowledged at least {@code count} binlogs of the type; returns them all. */
  public List<Binlog> awaitCount(final BinlogType type, final int count, final Duration timeout) {
    awaitReceived(
        all -> all.stream().filter(b -> b.getTp() == type).count() >= count,
        timeout,
        count + " " + type + " binlogs");
    return received(type);
  }

  /** Waits for the binlog of this type and start_ts. */
  public Binlog awaitBinlog(final long startTs, final BinlogType type, final Duration timeout) {
    awaitReceived(
        all -> all.stream().anyMatch(b -> b.getStartTs() == startTs && b.getTp() == type),
        timeout,
        "the " + type + " binlog of start_ts " + startTs);
    return find(startTs, type).orElseThrow();
  }

  private void awaitReceived(
      final Predicate<List<Binlog>> condition, final Duration timeout, final String what) {
    final long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (!condition.test(received)) {
        final long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError(
              "pump "
                  + nodeId
                  + " did not receive "
                  + what
                  + " within "
                  + timeout
                  + "; it has "
                  + received.size()
                  + " binlogs: "
                  + describe(received));
        }
        try {
          lock.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted while waiting for " + what, e);
        }
      }
    }
  }

  private static String describe(final List<Binlog> binlogs) {
    return binlogs.stream().map(b -> b.getTp() + "@" + b.getStartTs()).toList().toString();
  }

  /** Stops the server; the registry entry is left for the test's prefix clean-up. */
  @Override
  public void close() {
    stop();
  }

  private void listen(final int onPort) {
    try {
      final Server started =
          NettyServerBuilder.forAddress(
                  new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort))
              // Restarting on the same port must not wait for the old sockets' TIME_WAIT.
              .withOption(ChannelOption.SO_REUSEADDR, true)
              .maxInboundMessageSize(BinlogParser.DEFAULT_MAX_PAYLOAD_BYTES)
              .addService(new PumpService())
              .build()
              .start();
      synchronized (lock) {
        server = started;
        port = started.getPort();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("fake pump " + nodeId + " cannot listen on " + onPort, e);
    }
  }

  private final class PumpService extends PumpGrpc.PumpImplBase {
    @Override
    public void writeBinlog(
        final WriteBinlogReq request, final StreamObserver<WriteBinlogResp> response) {
      final Behaviour now = behaviour;
      synchronized (lock) {
        calls++;
        if (now.mode() == Mode.HANG) {
          hung.add(response);
          return;
        }
      }
      switch (now.mode()) {
        case ERRMSG -> reply(response, now.errmsg());
        case STATUS -> response.onError(now.status().asRuntimeException());
        default -> answer(request, response);
      }
    }

    private void answer(
        final WriteBinlogReq request, final StreamObserver<WriteBinlogResp> response) {
      if (request.getPayload().isEmpty()) {
        synchronized (lock) {
          probes++;
        }
        reply(response, "");
        return;
      }
      if (request.getClusterID() != clusterId) {
        fail(
            response,
            "cluster ID are mismatch, "
                + Long.toUnsignedString(request.getClusterID())
                + " vs "
                + Long.toUnsignedString(clusterId));
        return;
      }
      final Binlog binlog;
      try {
        binlog = parser.parse(request.getPayload());
      } catch (MalformedBinlogException e) {
        fail(response, e.getMessage());
        return;
      }
      final NodeState current = state;
      if (binlog.getTp() == BinlogType.Prewrite && current != NodeState.ONLINE) {
        fail(response, "no online: " + current.wireName());
        return;
      }
      synchronized (lock) {
        received.add(binlog);
        lock.notifyAll();
      }
      reply(response, "");
    }

    private void reply(final StreamObserver<WriteBinlogResp> response, final String errmsg) {
      response.onNext(WriteBinlogResp.newBuilder().setErrmsg(errmsg).build());
      response.onCompleted();
    }

    /** Go's pump returns its error and gRPC sends only that: code UNKNOWN with the text. */
    private void fail(final StreamObserver<WriteBinlogResp> response, final String message) {
      response.onError(Status.UNKNOWN.withDescription(message).asRuntimeException());
    }
  }
}
