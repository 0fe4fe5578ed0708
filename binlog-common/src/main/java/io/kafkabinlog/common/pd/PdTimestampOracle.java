package io.kafkabinlog.common.pd;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.StreamObserver;
import io.kafkabinlog.common.error.BinlogException;
import io.kafkabinlog.common.error.Causes;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.common.tso.TimestampOracle;
import io.kafkabinlog.common.tso.Tso;
import io.kafkabinlog.schemas.proto.pd.ErrorType;
import io.kafkabinlog.schemas.proto.pd.GetMembersRequest;
import io.kafkabinlog.schemas.proto.pd.GetMembersResponse;
import io.kafkabinlog.schemas.proto.pd.PDGrpc;
import io.kafkabinlog.schemas.proto.pd.RequestHeader;
import io.kafkabinlog.schemas.proto.pd.ResponseHeader;
import io.kafkabinlog.schemas.proto.pd.TsoRequest;
import io.kafkabinlog.schemas.proto.pd.TsoResponse;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TimestampOracle} over PD's gRPC API ({@code /pdpb.PD/GetMembers}, {@code /pdpb.PD/Tso}),
 * so it works against a real PD and against tidb-sim's stand-in alike.
 *
 * <p>As PD's own client does, it learns the cluster id and the leader from GetMembers, keeps one
 * bidirectional Tso stream to the leader, and coalesces the callers that wait while a request is in
 * flight into the next request ({@code count = N}); PD answers with the last timestamp of the batch
 * and the others are derived from it. One dispatcher thread owns the stream.
 *
 * <p>Every call either returns within the timeout or throws {@link RetriableBinlogException} with
 * {@link ErrorCode#TSO_UNAVAILABLE}. A broken stream is dropped and the next attempt asks the
 * endpoints again, in order, for the leader. A cluster id other than the expected one (or than the
 * one first seen) is a {@link FatalBinlogException} with {@link ErrorCode#CLUSTER_ID_MISMATCH}.
 */
public final class PdTimestampOracle implements TimestampOracle {
  /** PD's client default for one TSO request. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

  /** Largest count of one TsoRequest; more waiting callers go into the next request. */
  static final int MAX_BATCH = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(PdTimestampOracle.class);
  private static final long RETRY_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final List<URI> endpoints;
  private final Duration timeout;
  private final long timeoutNanos;
  private final long expectedClusterId;
  private final LinkedBlockingQueue<Waiter> waiting = new LinkedBlockingQueue<>();
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final Thread dispatcher;
  private volatile boolean closed;
  private volatile long clusterId;
  private volatile String lastProblem = "none";

  /** Owned by the dispatcher thread (and by the constructor before the thread starts). */
  private TsoStream stream;

  /**
   * Connects with the default timeout, accepting whatever cluster the endpoints belong to.
   *
   * @param endpoints PD URLs ({@code pd-urls}), {@code http://host:port}
   */
  public static PdTimestampOracle connect(final List<URI> endpoints) {
    return connect(endpoints, DEFAULT_TIMEOUT, 0);
  }

  /**
   * Asks the endpoints for the cluster id and the leader, then serves TSOs.
   *
   * @param endpoints PD URLs ({@code pd-urls}), {@code http://host:port} or {@code https://...}
   * @param timeout bound of every {@link #getTimestamp()} call (and of each endpoint's GetMembers)
   * @param expectedClusterId the cluster id to insist on, or 0 to take the one PD reports
   * @throws RetriableBinlogException {@code TSO_UNAVAILABLE} if no endpoint answers
   * @throws FatalBinlogException {@code CLUSTER_ID_MISMATCH} if PD reports another cluster id
   */
  public static PdTimestampOracle connect(
      final List<URI> endpoints, final Duration timeout, final long expectedClusterId) {
    final PdTimestampOracle oracle = new PdTimestampOracle(endpoints, timeout, expectedClusterId);
    try {
      oracle.stream = oracle.openStream();
    } catch (RuntimeException e) {
      oracle.close();
      throw e;
    }
    oracle.dispatcher.start();
    return oracle;
  }

  private PdTimestampOracle(
      final List<URI> endpoints, final Duration timeout, final long expectedClusterId) {
    if (endpoints.isEmpty()) {
      throw new IllegalArgumentException("at least one PD endpoint is needed (pd-urls)");
    }
    for (final URI endpoint : endpoints) {
      if (endpoint.getHost() == null || endpoint.getPort() < 0) {
        throw new IllegalArgumentException(
            "PD endpoint must look like http://host:port (pd-urls): " + endpoint);
      }
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("TSO timeout must be positive: " + timeout);
    }
    this.endpoints = List.copyOf(endpoints);
    this.timeout = timeout;
    this.timeoutNanos = timeout.toNanos();
    this.expectedClusterId = expectedClusterId;
    this.clusterId = expectedClusterId;
    this.dispatcher = new Thread(this::dispatchLoop, "pd-tso-dispatcher");
    this.dispatcher.setDaemon(true);
  }

  @Override
  public long getTimestamp() {
    if (closed) {
      throw new RetriableBinlogException(ErrorCode.SHUTTING_DOWN, "the PD client is closed");
    }
    final Waiter waiter = new Waiter(new CompletableFuture<>(), System.nanoTime() + timeoutNanos);
    waiting.add(waiter);
    if (closed && waiting.remove(waiter)) {
      throw new RetriableBinlogException(ErrorCode.SHUTTING_DOWN, "the PD client is closed");
    }
    try {
      return waiter.result().get(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      // Cancelled, the dispatcher skips it; if the answer won the race, it is taken.
      if (waiter.result().cancel(false)) {
        throw unavailable(
            "no TSO within " + timeout.toMillis() + " ms; last problem: " + lastProblem);
      }
      return waiter.result().getNow(0L);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriableBinlogException(
          ErrorCode.SHUTTING_DOWN, "interrupted while waiting for a TSO", e);
    } catch (ExecutionException e) {
      // Re-thrown as a new exception so the caller's stack trace shows where it waited.
      final Throwable cause = Causes.unwrap(e);
      if (cause instanceof BinlogException failure) {
        throw failure.isRetriable()
            ? new RetriableBinlogException(failure.code(), failure.getMessage(), failure)
            : new FatalBinlogException(failure.code(), failure.getMessage(), failure);
      }
      throw new FatalBinlogException(ErrorCode.INTERNAL, "TSO request failed: " + cause, cause);
    }
  }

  @Override
  public long clusterId() {
    return clusterId;
  }

  /** The configured endpoints, for messages and status pages. */
  public List<URI> endpoints() {
    return endpoints;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    dispatcher.interrupt();
    if (dispatcher.isAlive()) {
      try {
        dispatcher.join(TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + 1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    final RetriableBinlogException closing =
        new RetriableBinlogException(ErrorCode.SHUTTING_DOWN, "the PD client was closed");
    for (Waiter waiter = waiting.poll(); waiter != null; waiter = waiting.poll()) {
      waiter.result().completeExceptionally(closing);
    }
    if (stream != null) {
      stream.finish();
      stream = null;
    }
    for (final ManagedChannel channel : channels.values()) {
      channel.shutdown();
    }
    for (final ManagedChannel channel : channels.values()) {
      try {
        if (!channel.awaitTermination(1, TimeUnit.SECONDS)) {
          channel.shutdownNow();
        }
      } catch (InterruptedException e) {
        channel.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }

  // ---- dispatcher thread ----------------------------------------------------------------------

  private void dispatchLoop() {
    final List<Waiter> batch = new ArrayList<>();
    while (!closed) {
      try {
        batch.add(waiting.take());
      } catch (InterruptedException e) {
        break;
      }
      waiting.drainTo(batch, MAX_BATCH - 1);
      serve(batch);
      batch.clear();
    }
  }

  /**
   * Answers one batch, retrying on fresh streams while a caller of the batch still waits. Callers
   * that gave up (cancelled futures) are left out.
   */
  private void serve(final List<Waiter> batch) {
    batch.removeIf(waiter -> waiter.result().isDone());
    while (!batch.isEmpty()) {
      try {
        final TsoBatch answer = requestBatch(batch.size());
        for (int i = 0; i < batch.size(); i++) {
          batch.get(i).result().complete(answer.tso(i));
        }
        return;
      } catch (FatalBinlogException e) {
        dropStream();
        failAll(batch, e);
        return;
      } catch (RetriableBinlogException e) {
        lastProblem = e.getMessage();
        dropStream();
        batch.removeIf(waiter -> waiter.result().isDone());
        if (closed
            || batch.isEmpty()
            || System.nanoTime() + RETRY_BACKOFF_NANOS >= batch.get(0).deadlineNanos()) {
          failAll(batch, unavailable(e.getMessage(), e));
          return;
        }
        LOG.warn("TSO request failed, retrying on a fresh stream: {}", e.getMessage());
        try {
          TimeUnit.NANOSECONDS.sleep(RETRY_BACKOFF_NANOS);
        } catch (InterruptedException interrupted) {
          failAll(batch, e);
          return;
        }
      }
    }
  }

  /** One request on the current stream, bounded by the timeout from the moment it is sent. */
  private TsoBatch requestBatch(final int count) {
    if (stream == null) {
      stream = openStream();
    }
    final TsoStream current = stream;
    final CompletableFuture<TsoResponse> reply =
        current.send(
            TsoRequest.newBuilder()
                .setHeader(RequestHeader.newBuilder().setClusterId(clusterId))
                .setCount(count)
                .build());
    final TsoResponse response;
    try {
      response = reply.get(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new RetriableBinlogException(
          ErrorCode.TSO_UNAVAILABLE,
          "PD at " + current.url() + " did not answer a TSO request within the timeout",
          e);
    } catch (InterruptedException e) {
      throw new RetriableBinlogException(
          ErrorCode.SHUTTING_DOWN, "interrupted while waiting for PD", e);
    } catch (ExecutionException e) {
      throw failure(current.url(), "Tso", Causes.unwrap(e));
    }
    checkHeader(response.getHeader(), current.url(), "Tso");
    if (response.getCount() != count || !response.hasTimestamp()) {
      throw new FatalBinlogException(
          ErrorCode.MALFORMED_INPUT,
          "PD at "
              + current.url()
              + " answered "
              + response.getCount()
              + " timestamps to a request for "
              + count);
    }
    return TsoBatch.of(response, current.url());
  }

  private void dropStream() {
    if (stream != null) {
      stream.cancel();
      // Otherwise a channel in TRANSIENT_FAILURE waits out its reconnect backoff (up to minutes).
      channels.values().forEach(ManagedChannel::resetConnectBackoff);
      stream = null;
    }
  }

  private static void failAll(final List<Waiter> batch, final BinlogException failure) {
    for (final Waiter waiter : batch) {
      waiter.result().completeExceptionally(failure);
    }
  }

  // ---- connecting ----------------------------------------------------------------------------

  /** GetMembers on each endpoint in turn; the first answer names the leader to stream from. */
  private TsoStream openStream() {
    RuntimeException last = null;
    for (final URI endpoint : endpoints) {
      final String url = endpoint.toString();
      try {
        final GetMembersResponse members =
            PDGrpc.newBlockingStub(channel(url))
                .withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS)
                .getMembers(
                    GetMembersRequest.newBuilder()
                        .setHeader(RequestHeader.newBuilder().setClusterId(clusterId))
                        .build());
        checkHeader(members.getHeader(), url, "GetMembers");
        final String leader =
            members.hasLeader() && members.getLeader().getClientUrlsCount() > 0
                ? members.getLeader().getClientUrls(0)
                : url;
        LOG.info("PD cluster {}: streaming TSOs from leader {} (asked {})", clusterId, leader, url);
        final TsoStream opened = new TsoStream(leader);
        opened.open(PDGrpc.newStub(channel(leader)));
        return opened;
      } catch (FatalBinlogException e) {
        throw e;
      } catch (RuntimeException e) {
        last = e instanceof StatusRuntimeException ? failure(url, "GetMembers", e) : e;
        lastProblem = last.getMessage();
        LOG.debug("PD endpoint {} did not answer GetMembers: {}", url, e.toString());
      }
    }
    throw unavailable("no PD endpoint answered GetMembers; last problem: " + lastProblem, last);
  }

  /** Checks the cluster id (learning it on the first answer) and PD's error field. */
  private void checkHeader(final ResponseHeader header, final String url, final String method) {
    final long answered = header.getClusterId();
    if (clusterId == 0 && answered != 0) {
      clusterId = answered;
    } else if (answered != clusterId) {
      throw new FatalBinlogException(
          ErrorCode.CLUSTER_ID_MISMATCH,
          "PD at "
              + url
              + " belongs to cluster "
              + Long.toUnsignedString(answered)
              + " but this client "
              + (expectedClusterId != 0 ? "is configured for" : "first connected to")
              + " cluster "
              + Long.toUnsignedString(clusterId)
              + "; check pd-urls");
    }
    if (header.hasError() && header.getError().getType() != ErrorType.OK) {
      throw new RetriableBinlogException(
          ErrorCode.TSO_UNAVAILABLE,
          "PD at "
              + url
              + " answered "
              + method
              + " with "
              + header.getError().getType()
              + ": "
              + header.getError().getMessage());
    }
  }

  private RuntimeException failure(final String url, final String method, final Throwable cause) {
    final Status status = Status.fromThrowable(cause);
    final String description = status.getDescription() == null ? "" : status.getDescription();
    if (status.getCode() == Status.Code.FAILED_PRECONDITION
        && description.contains("mismatch cluster id")) {
      // What a real PD answers to a request for another cluster.
      return new FatalBinlogException(
          ErrorCode.CLUSTER_ID_MISMATCH,
          "PD at " + url + " rejected " + method + ": " + description + "; check pd-urls",
          cause);
    }
    return new RetriableBinlogException(
        ErrorCode.TSO_UNAVAILABLE,
        "PD at " + url + " failed " + method + ": " + status.getCode() + " " + description,
        cause);
  }

  private RetriableBinlogException unavailable(final String problem) {
    return unavailable(problem, null);
  }

  private RetriableBinlogException unavailable(final String problem, final Throwable cause) {
    return new RetriableBinlogException(
        ErrorCode.TSO_UNAVAILABLE,
        "timestamp oracle unavailable: "
            + problem
            + " (PD endpoints from pd-urls: "
            + endpoints
            + ", TSO timeout "
            + timeout.toMillis()
            + " ms; check that PD or tidb-sim runs there)",
        cause);
  }

  private ManagedChannel channel(final String url) {
    return channels.computeIfAbsent(
        url,
        u -> {
          final URI uri = URI.create(u);
          final ChannelCredentials credentials =
              "https".equals(uri.getScheme())
                  ? TlsChannelCredentials.create()
                  : InsecureChannelCredentials.create();
          // Direct executor: the stream callbacks only complete futures.
          return Grpc.newChannelBuilderForAddress(uri.getHost(), uri.getPort(), credentials)
              .directExecutor()
              .build();
        });
  }

  // ---- helpers -------------------------------------------------------------------------------

  private record Waiter(CompletableFuture<Long> result, long deadlineNanos) {}

  /** The batch PD answered: the last timestamp and the step between consecutive ones. */
  record TsoBatch(long physical, long lastLogical, int count, int suffixBits) {
    static TsoBatch of(final TsoResponse response, final String url) {
      final var ts = response.getTimestamp();
      final int count = response.getCount();
      final int suffixBits = ts.getSuffixBits();
      final long first = ts.getLogical() - ((long) (count - 1) << suffixBits);
      if (suffixBits > Tso.LOGICAL_BITS
          || first < 0
          || ts.getLogical() > Tso.MAX_LOGICAL
          || ts.getPhysical() <= 0) {
        throw new FatalBinlogException(
            ErrorCode.MALFORMED_INPUT,
            "PD at "
                + url
                + " answered an impossible batch: physical "
                + ts.getPhysical()
                + ", logical "
                + ts.getLogical()
                + ", count "
                + count
                + ", suffix bits "
                + suffixBits);
      }
      return new TsoBatch(ts.getPhysical(), ts.getLogical(), count, suffixBits);
    }

    /** The i-th timestamp of the batch, in increasing order (as PD's client derives them). */
    long tso(final int index) {
      return Tso.compose(physical, lastLogical - ((long) (count - 1 - index) << suffixBits));
    }
  }

  /** One bidirectional Tso stream with at most one request in flight. */
  private static final class TsoStream implements StreamObserver<TsoResponse> {
    private final String url;
    private StreamObserver<TsoRequest> requests;
    private volatile CompletableFuture<TsoResponse> pending;
    private volatile Throwable broken;

    TsoStream(final String url) {
      this.url = Objects.requireNonNull(url, "url");
    }

    void open(final PDGrpc.PDStub stub) {
      requests = stub.tso(this);
    }

    String url() {
      return url;
    }

    CompletableFuture<TsoResponse> send(final TsoRequest request) {
      final CompletableFuture<TsoResponse> reply = new CompletableFuture<>();
      pending = reply;
      // Read after publishing: either this sees the failure or onError sees the reply.
      final Throwable failure = broken;
      if (failure != null) {
        reply.completeExceptionally(failure);
        return reply;
      }
      requests.onNext(request);
      return reply;
    }

    @Override
    public void onNext(final TsoResponse response) {
      final CompletableFuture<TsoResponse> reply = pending;
      pending = null;
      if (reply != null) {
        reply.complete(response);
      }
    }

    @Override
    public void onError(final Throwable error) {
      broken = error;
      final CompletableFuture<TsoResponse> reply = pending;
      if (reply != null) {
        reply.completeExceptionally(error);
      }
    }

    @Override
    public void onCompleted() {
      onError(Status.UNAVAILABLE.withDescription("PD closed the TSO stream").asRuntimeException());
    }

    /** Gives up on the stream (after a timeout or an error). */
    void cancel() {
      if (broken == null) {
        requests.onError(Status.CANCELLED.withDescription("TSO stream dropped").asException());
      }
    }

    /** Ends the stream politely (on close). */
    void finish() {
      if (broken == null) {
        requests.onCompleted();
      }
    }
  }
}
