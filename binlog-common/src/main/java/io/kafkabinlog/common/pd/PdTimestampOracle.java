package io.kafkabinlog.common.pd;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.StreamObserver;
import io.kafkabinlog.common.concurrent.DaemonThreads;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link TimestampOracle} over PD's gRPC API ({@code /pdpb.PD/GetMembers}, {@code /pdpb.PD/Tso}),
 * so it works against a real PD and against tidb-sim's stand-in alike.
 *
 * <p>As PD's own client does, it learns the cluster id and the leader from GetMembers, keeps one
 * bidirectional Tso stream to the leader with one request in flight, and coalesces the callers that
 * arrive meanwhile into the next request ({@code count = N}); PD answers with the last timestamp of
 * the batch and the others are derived from it. The next request is sent by whoever ends the
 * previous one (the caller, or the thread that receives the answer), so the steady state needs no
 * thread of its own; one background thread (re)connects and watches for answers that never come.
 *
 * <p>Every call either returns within the timeout or throws {@link RetriableBinlogException} with
 * {@link ErrorCode#TSO_UNAVAILABLE}. A broken or silent stream is dropped, its callers wait on, and
 * the endpoints are asked again, in order, for the leader. A cluster id other than the expected one
 * (or than the one first seen) is a {@link FatalBinlogException} with {@link
 * ErrorCode#CLUSTER_ID_MISMATCH}.
 */
public final class PdTimestampOracle implements TimestampOracle {
  /** PD's client default for one TSO request. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

  /** Largest count of one TsoRequest; more waiting callers go into the next request. */
  static final int MAX_BATCH = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(PdTimestampOracle.class);
  private static final long RECONNECT_BACKOFF_MILLIS = 50;

  private final List<URI> endpoints;
  private final Duration timeout;
  private final long timeoutNanos;
  private final long expectedClusterId;
  private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
  private final ScheduledExecutorService background;
  private volatile long clusterId;
  private volatile String lastProblem = "none";

  private final Object lock = new Object();
  // Guarded by lock:
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
  private TsoStream stream;
  private List<Waiter> inFlight;

  /** Tries of the first contact with PD before {@link #connect} gives up. */
  static final int CONNECT_ATTEMPTS = 3;

  private static final Duration CONNECT_RETRY_PAUSE = Duration.ofMillis(500);

  private long inFlightSince;
  private boolean connecting;
  private boolean closed;

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
    for (int attempt = 1; ; attempt++) {
      final PdTimestampOracle oracle = new PdTimestampOracle(endpoints, timeout, expectedClusterId);
      try {
        final TsoStream first = oracle.openStream();
        synchronized (oracle.lock) {
          if (first.failure != null) {
            throw oracle.failure(first.url(), "Tso", first.failure);
          }
          oracle.stream = first;
        }
        oracle.startWatchdog();
        return oracle;
      } catch (RetriableBinlogException e) {
        oracle.close();
        // A cold process on a busy host can miss the first deadline (channel setup, class
        // loading); PD's own client retries its first contact too. A PD that is not there still
        // fails within CONNECT_ATTEMPTS tries.
        if (attempt >= CONNECT_ATTEMPTS) {
          throw e;
        }
        LOG.warn(
            "PD not reached (attempt {} of {}): {}", attempt, CONNECT_ATTEMPTS, e.getMessage());
        pauseBeforeRetry();
      } catch (RuntimeException e) {
        oracle.close();
        throw e;
      }
    }
  }

  private static void pauseBeforeRetry() {
    try {
      Thread.sleep(CONNECT_RETRY_PAUSE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriableBinlogException(
          ErrorCode.TSO_UNAVAILABLE, "interrupted while connecting to PD", e);
    }
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
    final ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(1, DaemonThreads.named("pd-tso-client"));
    executor.setRemoveOnCancelPolicy(true);
    this.background = executor;
  }

  @Override
  public long getTimestamp() {
    final Waiter waiter = new Waiter(new CompletableFuture<>());
    synchronized (lock) {
      if (closed) {
        throw new RetriableBinlogException(ErrorCode.SHUTTING_DOWN, "the PD client is closed");
      }
      queue.add(waiter);
      sendNextBatch();
    }
    try {
      return waiter.result().get(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      // Cancelled, it is left out of later batches; if the answer won the race, it is taken.
      if (waiter.result().cancel(false)) {
        throw unavailable(
            "no TSO within " + timeout.toMillis() + " ms; last problem: " + lastProblem, null);
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
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      final RetriableBinlogException closing =
          new RetriableBinlogException(ErrorCode.SHUTTING_DOWN, "the PD client was closed");
      if (inFlight != null) {
        failAll(inFlight, closing);
        inFlight = null;
      }
      failAll(queue, closing);
      queue.clear();
      if (stream != null) {
        stream.finish();
        stream = null;
      }
    }
    background.shutdownNow();
    for (final ManagedChannel channel : channels.values()) {
      channel.shutdown();
    }
    try {
      background.awaitTermination(1, TimeUnit.SECONDS);
      for (final ManagedChannel channel : channels.values()) {
        if (!channel.awaitTermination(1, TimeUnit.SECONDS)) {
          channel.shutdownNow();
        }
      }
    } catch (InterruptedException e) {
      channels.values().forEach(ManagedChannel::shutdownNow);
      Thread.currentThread().interrupt();
    }
  }

  // ---- the request cycle (all under lock) -----------------------------------------------------

  /** Sends the waiting callers as one request if the stream is idle; connects if there is none. */
  private void sendNextBatch() {
    if (closed || inFlight != null || queue.isEmpty()) {
      return;
    }
    if (stream == null) {
      reconnectSoon(0);
      return;
    }
    final List<Waiter> batch = new ArrayList<>(Math.min(queue.size(), MAX_BATCH));
    while (batch.size() < MAX_BATCH && !queue.isEmpty()) {
      final Waiter waiter = queue.poll();
      if (!waiter.result().isDone()) {
        batch.add(waiter);
      }
    }
    if (batch.isEmpty()) {
      return;
    }
    inFlight = batch;
    inFlightSince = System.nanoTime();
    stream.send(
        TsoRequest.newBuilder()
            .setHeader(RequestHeader.newBuilder().setClusterId(clusterId))
            .setCount(batch.size())
            .build());
  }

  private void onResponse(final TsoStream from, final TsoResponse response) {
    final List<Waiter> batch;
    TsoBatch answer = null;
    BinlogException failure = null;
    synchronized (lock) {
      if (from != stream || inFlight == null) {
        return;
      }
      batch = inFlight;
      inFlight = null;
      try {
        answer = check(response, batch.size(), from.url());
      } catch (BinlogException e) {
        failure = e;
        dropStream(e.getMessage());
      }
      sendNextBatch();
    }
    if (answer != null) {
      for (int i = 0; i < batch.size(); i++) {
        batch.get(i).result().complete(answer.tso(i));
      }
    } else {
      failAll(batch, failure);
    }
  }

  private void onStreamError(final TsoStream from, final Throwable error) {
    synchronized (lock) {
      from.failure = error;
      if (from != stream) {
        return;
      }
      final RuntimeException failure = failure(from.url(), "Tso", error);
      dropStream(failure.getMessage());
      if (failure instanceof FatalBinlogException fatal) {
        failEveryone(fatal);
        return;
      }
      LOG.warn("{}; reconnecting", failure.getMessage());
      sendNextBatch();
    }
  }

  /** Forgets the stream; the callers of its unanswered request go back to the queue's head. */
  private void dropStream(final String problem) {
    lastProblem = problem;
    if (stream != null) {
      stream.cancel();
      stream = null;
    }
    if (inFlight != null) {
      for (int i = inFlight.size() - 1; i >= 0; i--) {
        queue.addFirst(inFlight.get(i));
      }
      inFlight = null;
    }
  }

  private void failEveryone(final BinlogException failure) {
    if (inFlight != null) {
      failAll(inFlight, failure);
      inFlight = null;
    }
    failAll(queue, failure);
    queue.clear();
  }

  private static void failAll(final Iterable<Waiter> waiters, final BinlogException failure) {
    for (final Waiter waiter : waiters) {
      waiter.result().completeExceptionally(failure);
    }
  }

  // ---- background: reconnecting and the watchdog ---------------------------------------------

  private void reconnectSoon(final long delayMillis) {
    if (connecting || closed) {
      return;
    }
    connecting = true;
    try {
      background.schedule(this::reconnect, delayMillis, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      connecting = false;
    }
  }

  private void reconnect() {
    channels.values().forEach(ManagedChannel::resetConnectBackoff);
    TsoStream opened = null;
    BinlogException failure = null;
    try {
      opened = openStream();
    } catch (BinlogException e) {
      failure = e;
    } catch (RuntimeException e) {
      LOG.warn("unexpected failure while connecting to PD", e);
      lastProblem = e.toString();
      failure = new RetriableBinlogException(ErrorCode.TSO_UNAVAILABLE, e.toString(), e);
    }
    synchronized (lock) {
      connecting = false;
      if (closed) {
        if (opened != null) {
          opened.finish();
        }
        return;
      }
      if (opened != null && opened.failure != null) {
        // It failed before it was installed, so onStreamError ignored it.
        lastProblem = failure(opened.url(), "Tso", opened.failure).getMessage();
        opened = null;
        failure = new RetriableBinlogException(ErrorCode.TSO_UNAVAILABLE, lastProblem);
      }
      if (opened != null) {
        stream = opened;
        sendNextBatch();
      } else if (!failure.isRetriable()) {
        failEveryone(failure);
      } else {
        // lastProblem already names what the endpoints answered.
        queue.removeIf(waiter -> waiter.result().isDone());
        if (!queue.isEmpty()) {
          reconnectSoon(RECONNECT_BACKOFF_MILLIS);
        }
      }
    }
  }

  private void startWatchdog() {
    final long period = Math.max(10, Math.min(250, timeout.toMillis() / 8));
    background.scheduleWithFixedDelay(this::watch, period, period, TimeUnit.MILLISECONDS);
  }

  /**
   * Drops a stream whose request went unanswered for half the timeout, so its callers still have
   * time for an answer on a fresh stream.
   */
  private void watch() {
    synchronized (lock) {
      if (inFlight != null && System.nanoTime() - inFlightSince > timeoutNanos / 2) {
        final String url = stream.url();
        dropStream(
            "PD at "
                + url
                + " did not answer a TSO request within "
                + timeout.toMillis() / 2
                + " ms");
        LOG.warn("{}; reconnecting", lastProblem);
        sendNextBatch();
      }
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
        LOG.info(
            "PD cluster {}: streaming TSOs from leader {} (asked {})",
            Long.toUnsignedString(clusterId),
            leader,
            url);
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

  private TsoBatch check(final TsoResponse response, final int count, final String url) {
    checkHeader(response.getHeader(), url, "Tso");
    if (response.getCount() != count || !response.hasTimestamp()) {
      throw new FatalBinlogException(
          ErrorCode.MALFORMED_INPUT,
          "PD at "
              + url
              + " answered "
              + response.getCount()
              + " timestamps to a request for "
              + count);
    }
    return TsoBatch.of(response, url);
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
          // Direct executor: the callbacks only take a lock briefly and send the next request.
          return Grpc.newChannelBuilderForAddress(uri.getHost(), uri.getPort(), credentials)
              .directExecutor()
              .build();
        });
  }

  // ---- helpers -------------------------------------------------------------------------------

  private record Waiter(CompletableFuture<Long> result) {}

  /** The batch PD answered: the last timestamp and the step between consecutive ones. */
  record TsoBatch(long physical, long lastLogical, int count, int suffixBits) {
    static TsoBatch of(final TsoResponse response, final String url) {
      final var ts = response.getTimestamp();
      final int count = response.getCount();
      final int suffixBits = ts.getSuffixBits();
      final long first =
          suffixBits > Tso.LOGICAL_BITS ? -1 : ts.getLogical() - ((long) (count - 1) << suffixBits);
      if (count < 1 || first < 0 || ts.getLogical() > Tso.MAX_LOGICAL || ts.getPhysical() <= 0) {
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

  /** One bidirectional Tso stream; its callbacks report to the oracle. */
  private final class TsoStream implements StreamObserver<TsoResponse> {
    private final String url;
    private StreamObserver<TsoRequest> requests;
    private boolean ended;

    /** Set (under the oracle's lock) when the stream failed, even before it was installed. */
    private Throwable failure;

    TsoStream(final String url) {
      this.url = url;
    }

    void open(final PDGrpc.PDStub stub) {
      requests = stub.tso(this);
    }

    String url() {
      return url;
    }

    /** Under the oracle's lock, like every call on {@code requests}. */
    void send(final TsoRequest request) {
      requests.onNext(request);
    }

    @Override
    public void onNext(final TsoResponse response) {
      onResponse(this, response);
    }

    @Override
    public void onError(final Throwable error) {
      onStreamError(this, error);
    }

    @Override
    public void onCompleted() {
      onStreamError(
          this,
          Status.UNAVAILABLE.withDescription("PD closed the TSO stream").asRuntimeException());
    }

    /** Gives up on the stream (after a timeout or an error). */
    void cancel() {
      if (!ended) {
        ended = true;
        requests.onError(Status.CANCELLED.withDescription("TSO stream dropped").asException());
      }
    }

    /** Ends the stream politely (on close). */
    void finish() {
      if (!ended) {
        ended = true;
        requests.onCompleted();
      }
    }
  }
}
