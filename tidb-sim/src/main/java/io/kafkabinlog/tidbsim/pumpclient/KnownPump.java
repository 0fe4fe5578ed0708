package io.kafkabinlog.tidbsim.pumpclient;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.kafkabinlog.common.registry.NodeState;
import io.kafkabinlog.common.registry.NodeStatus;
import io.kafkabinlog.schemas.proto.binlog.PumpGrpc;
import io.kafkabinlog.schemas.proto.binlog.WriteBinlogReq;
import io.kafkabinlog.schemas.proto.binlog.WriteBinlogResp;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * One pump as the client knows it ({@code PumpStatus} in TiDB): its registry entry, a lazily
 * dialled gRPC channel and its consecutive error count. Thread-safe.
 */
final class KnownPump {
  private final Function<String, ManagedChannel> dialer;
  private final AtomicLong consecutiveErrors = new AtomicLong();
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicBoolean probing = new AtomicBoolean();
  private volatile NodeStatus status;
  private ManagedChannel channel; // guarded by this
  private boolean closed; // guarded by this

  /**
   * @param status the pump's registry entry
   * @param dialer opens a channel to a {@code host:port}; called on first use and after a reset
   */
  KnownPump(final NodeStatus status, final Function<String, ManagedChannel> dialer) {
    this.status = Objects.requireNonNull(status, "status");
    this.dialer = Objects.requireNonNull(dialer, "dialer");
  }

  String nodeId() {
    return status.nodeId();
  }

  NodeStatus status() {
    return status;
  }

  /** Takes a new registry entry; a changed address drops the connection to the old one. */
  void updateStatus(final NodeStatus next) {
    final NodeStatus previous = status;
    status = next;
    if (!previous.host().equals(next.host())) {
      resetConnection();
    }
  }

  boolean isOnline() {
    return status.state() == NodeState.ONLINE;
  }

  /** TiDB's {@code IsUsable}: online and no more than {@code threshold} consecutive errors. */
  boolean isUsable(final int threshold) {
    return isOnline() && consecutiveErrors.get() <= threshold;
  }

  long consecutiveErrors() {
    return consecutiveErrors.get();
  }

  long acknowledged() {
    return acknowledged.get();
  }

  long failed() {
    return failed.get();
  }

  /**
   * Sends one {@code WriteBinlog} with a deadline. The future completes normally when the pump
   * replied with an empty {@code errmsg}, otherwise with a {@link PumpCallException}. Any failure
   * counts as a consecutive error, any success clears the count.
   *
   * @param probe true for an empty-payload health probe (not counted as a write)
   */
  CompletableFuture<Void> write(
      final WriteBinlogReq request, final Duration timeout, final boolean probe) {
    final CompletableFuture<Void> result = new CompletableFuture<>();
    final ManagedChannel target;
    try {
      target = channel();
    } catch (RuntimeException e) {
      // TiDB counts a failed dial as an error of the pump, like a failed call.
      fail(
          result,
          PumpCallException.fromGrpc(
              this,
              Status.UNAVAILABLE
                  .withCause(e)
                  .withDescription("cannot dial " + status.host() + ": " + e.getMessage())
                  .asRuntimeException()),
          probe);
      return result;
    }
    if (target == null) {
      result.completeExceptionally(PumpCallException.closed(this));
      return result;
    }
    PumpGrpc.newStub(target)
        .withDeadlineAfter(timeout.toNanos(), TimeUnit.NANOSECONDS)
        .writeBinlog(
            request,
            new StreamObserver<WriteBinlogResp>() {
              private WriteBinlogResp response;

              @Override
              public void onNext(final WriteBinlogResp value) {
                response = value;
              }

              @Override
              public void onError(final Throwable error) {
                fail(result, PumpCallException.fromGrpc(KnownPump.this, error), probe);
              }

              @Override
              public void onCompleted() {
                if (response != null && !response.getErrmsg().isEmpty()) {
                  fail(
                      result,
                      PumpCallException.fromErrmsg(KnownPump.this, response.getErrmsg()),
                      probe);
                } else {
                  consecutiveErrors.set(0);
                  if (!probe) {
                    acknowledged.incrementAndGet();
                  }
                  result.complete(null);
                }
              }
            });
    return result;
  }

  private void fail(
      final CompletableFuture<Void> result, final PumpCallException failure, final boolean probe) {
    consecutiveErrors.incrementAndGet();
    if (!probe) {
      failed.incrementAndGet();
    }
    result.completeExceptionally(failure);
  }

  /** Drops the connection (in-flight calls finish); the next write dials again. */
  synchronized void resetConnection() {
    if (channel != null) {
      channel.shutdown();
      channel = null;
    }
  }

  /** TiDB's {@code Reset}: drops the connection and clears the error count. */
  void reset() {
    resetConnection();
    consecutiveErrors.set(0);
  }

  /** Marks the start of a probe; false if one is still running. */
  boolean tryStartProbe() {
    return probing.compareAndSet(false, true);
  }

  void endProbe() {
    probing.set(false);
  }

  /** Closes the connection for good; later writes fail at once. */
  synchronized void close() {
    closed = true;
    if (channel != null) {
      channel.shutdownNow();
      channel = null;
    }
  }

  private synchronized ManagedChannel channel() {
    if (closed) {
      return null;
    }
    if (channel == null) {
      channel = dialer.apply(status.host());
    }
    return channel;
  }

  @Override
  public String toString() {
    return status.nodeId() + "@" + status.host();
  }
}
