package io.kafkabinlog.tidbsim.tso;

import io.etcd.jetcd.Client;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.kafkabinlog.common.error.BinlogException;
import io.kafkabinlog.common.tso.Tso;
import io.kafkabinlog.schemas.proto.pd.GetMembersRequest;
import io.kafkabinlog.schemas.proto.pd.GetMembersResponse;
import io.kafkabinlog.schemas.proto.pd.Member;
import io.kafkabinlog.schemas.proto.pd.PDGrpc;
import io.kafkabinlog.schemas.proto.pd.ResponseHeader;
import io.kafkabinlog.schemas.proto.pd.Timestamp;
import io.kafkabinlog.schemas.proto.pd.TsoRequest;
import io.kafkabinlog.schemas.proto.pd.TsoResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * tidb-sim's PD: the subset of PD's gRPC API that binlog components use, {@code
 * /pdpb.PD/GetMembers} (this server as the only member and leader) and {@code /pdpb.PD/Tso}
 * (answered from a {@link TsoAllocator}). As PD does, a Tso request for another cluster ends the
 * stream with {@code FAILED_PRECONDITION "mismatch cluster id, need X but got Y"}.
 */
public final class PdServer implements AutoCloseable {
  /** Bound of the etcd calls that {@link #startOnEtcd} makes. */
  public static final Duration DEFAULT_ETCD_TIMEOUT = Duration.ofSeconds(5);

  private static final Logger LOG = LoggerFactory.getLogger(PdServer.class);
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

  private final long clusterId;
  private final TsoAllocator allocator;
  private final Server server;
  private final String url;
  private final Member self;
  private final Set<ServerCallStreamObserver<TsoResponse>> streams = ConcurrentHashMap.newKeySet();
  private volatile boolean closing;

  private PdServer(
      final String host, final int port, final long clusterId, final TsoAllocator allocator)
      throws IOException {
    this.clusterId = clusterId;
    this.allocator = Objects.requireNonNull(allocator, "allocator");
    this.server =
        NettyServerBuilder.forAddress(
                new InetSocketAddress(host, port), InsecureServerCredentials.create())
            // The default executor, never directExecutor(): allocating may wait for etcd (a window
            // save), which must not block a Netty event loop (jetcd can need that very loop).
            .addService(new Service())
            .build()
            .start();
    final String advertised = host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
    this.url = "http://" + advertised + ":" + server.getPort();
    this.self =
        Member.newBuilder()
            .setName("tidb-sim-pd-" + server.getPort())
            .setMemberId(memberId(url))
            .addPeerUrls(url)
            .addClientUrls(url)
            .setBinaryVersion("tidb-sim")
            .build();
    LOG.info("PD stand-in for cluster {} serves TSOs at {}", Long.toUnsignedString(clusterId), url);
  }

  /**
   * Serves an allocator the caller made.
   *
   * @param host address to bind, e.g. {@code 127.0.0.1}
   * @param port port to bind; 0 picks a free one ({@link #port()} tells which)
   * @throws IOException if the address cannot be bound
   */
  public static PdServer start(
      final String host, final int port, final long clusterId, final TsoAllocator allocator)
      throws IOException {
    return new PdServer(host, port, clusterId, allocator);
  }

  /**
   * PD's start-up on etcd: create or read the cluster id under {@code keys}, start the TSO above
   * the window saved there, serve. A restart on the same etcd root keeps the cluster id and hands
   * out only larger TSOs.
   *
   * @param etcd etcd client owned by the caller (it must outlive the server)
   * @param wantedClusterId the cluster id to create, or 0 for a random one
   */
  public static PdServer startOnEtcd(
      final Client etcd,
      final PdKeys keys,
      final long wantedClusterId,
      final String host,
      final int port)
      throws IOException {
    final long clusterId =
        new ClusterIdStore(etcd, keys, DEFAULT_ETCD_TIMEOUT).getOrCreate(wantedClusterId);
    final TsoAllocator allocator =
        TsoAllocator.start(
            EtcdTimestampWindowStore.forCluster(etcd, keys, clusterId, DEFAULT_ETCD_TIMEOUT));
    return start(host, port, clusterId, allocator);
  }

  /** The bound port. */
  public int port() {
    return server.getPort();
  }

  /** {@code http://host:port}, as clients list it in {@code pd-urls}. */
  public String url() {
    return url;
  }

  public long clusterId() {
    return clusterId;
  }

  /** Ends open Tso streams with {@code UNAVAILABLE}, then stops, waiting up to 5 s for calls. */
  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    server.shutdown();
    for (final ServerCallStreamObserver<TsoResponse> stream : streams) {
      end(stream, Status.UNAVAILABLE.withDescription("PD server is shutting down"));
    }
    try {
      if (!server.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        server.shutdownNow().awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    LOG.info("PD stand-in at {} stopped", url);
  }

  /**
   * Ends a stream once. Every send on a stream holds its monitor: gRPC forbids concurrent calls on
   * one observer, and close() ends streams from another thread.
   */
  private void end(final ServerCallStreamObserver<TsoResponse> stream, final Status status) {
    synchronized (stream) {
      if (streams.remove(stream)) {
        try {
          stream.onError(status.asRuntimeException());
        } catch (IllegalStateException alreadyClosed) {
          LOG.debug("TSO stream was already closed: {}", alreadyClosed.getMessage());
        }
      }
    }
  }

  private ResponseHeader header() {
    return ResponseHeader.newBuilder().setClusterId(clusterId).build();
  }

  private static long memberId(final String url) {
    // Stable per address, nonzero, like an etcd member id.
    return (url.hashCode() & 0xffff_ffffL) | 1L << 32;
  }

  private final class Service extends PDGrpc.PDImplBase {
    @Override
    public void getMembers(
        final GetMembersRequest request, final StreamObserver<GetMembersResponse> response) {
      // PD answers GetMembers whatever the request's cluster id: that is how clients learn it.
      response.onNext(
          GetMembersResponse.newBuilder()
              .setHeader(header())
              .addMembers(self)
              .setLeader(self)
              .setEtcdLeader(self)
              .build());
      response.onCompleted();
    }

    @Override
    public StreamObserver<TsoRequest> tso(final StreamObserver<TsoResponse> response) {
      final ServerCallStreamObserver<TsoResponse> stream =
          (ServerCallStreamObserver<TsoResponse>) response;
      streams.add(stream);
      stream.setOnCancelHandler(() -> streams.remove(stream));
      if (closing) {
        end(stream, Status.UNAVAILABLE.withDescription("PD server is shutting down"));
      }
      return new TsoStream(stream);
    }

    private final class TsoStream implements StreamObserver<TsoRequest> {
      private final ServerCallStreamObserver<TsoResponse> stream;

      TsoStream(final ServerCallStreamObserver<TsoResponse> stream) {
        this.stream = stream;
      }

      @Override
      public void onNext(final TsoRequest request) {
        final long requested = request.getHeader().getClusterId();
        if (requested != clusterId) {
          end(
              stream,
              Status.FAILED_PRECONDITION.withDescription(
                  "mismatch cluster id, need "
                      + Long.toUnsignedString(clusterId)
                      + " but got "
                      + Long.toUnsignedString(requested)
                      + " (the client was configured for another cluster, or this tidb-sim was"
                      + " started on another PD root)"));
          return;
        }
        if (request.getCount() < 1 || request.getCount() > Tso.MAX_LOGICAL) {
          end(
              stream,
              Status.INVALID_ARGUMENT.withDescription(
                  "tso count must be in [1, 2^18 - 1], got "
                      + Integer.toUnsignedString(request.getCount())));
          return;
        }
        final long last;
        try {
          last = allocator.allocate(request.getCount());
        } catch (BinlogException e) {
          LOG.warn("cannot allocate TSOs: {}", e.getMessage());
          end(stream, Status.UNAVAILABLE.withDescription(e.getMessage()));
          return;
        }
        synchronized (stream) {
          if (!streams.contains(stream)) {
            return;
          }
          stream.onNext(
              TsoResponse.newBuilder()
                  .setHeader(header())
                  .setCount(request.getCount())
                  .setTimestamp(
                      Timestamp.newBuilder()
                          .setPhysical(Tso.physicalMillis(last))
                          .setLogical(Tso.logical(last)))
                  .build());
        }
      }

      @Override
      public void onError(final Throwable error) {
        streams.remove(stream);
      }

      @Override
      public void onCompleted() {
        synchronized (stream) {
          if (streams.remove(stream)) {
            stream.onCompleted();
          }
        }
      }
    }
  }
}
