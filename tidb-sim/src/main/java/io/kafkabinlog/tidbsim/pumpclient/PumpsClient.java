package io.kafkabinlog.tidbsim.pumpclient;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.Client;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.kafkabinlog.common.concurrent.DaemonThreads;
import io.kafkabinlog.common.error.Causes;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.proto.binlog.WriteBinlogReq;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TiDB's pump client ({@code tidb-binlog/pump_client}), followed closely so that our pumps face in
 * tests what they will face from a real TiDB.
 *
 * <ul>
 *   <li>Discovery: lists {@code <root>/v1/pumps/} in etcd at startup ({@link NoPumpFoundException}
 *       if nothing is registered, unless told to wait), then watches the prefix.
 *   <li>Prewrite: picks an available pump by the configured {@link SelectionStrategy}; on failure
 *       tries the next one after {@code retry-sleep}, until both {@code write-timeout} passed and
 *       it retried more often than there were available pumps; then tries every online pump once on
 *       a fresh connection; then fails the transaction. ResourceExhausted fails at once.
 *   <li>Commit/rollback: only to the pump that took the prewrite, asynchronously, every {@code
 *       commit-retry-interval} until {@code commit-give-up}; then dropped (the pump resolves the
 *       transaction). Without a recorded prewrite nothing is sent, as in TiDB.
 *   <li>Health: a pump with more than {@code error-threshold} consecutive errors, or not online, is
 *       unavailable; unavailable online pumps get an empty-payload probe every {@code
 *       probe-interval} and come back on success.
 * </ul>
 *
 * Deliberate differences, none visible to a pump: pumps are ordered by node id (TiDB: Go map
 * order); the selector is reset only when the available set really changes; a lost watch is
 * followed by a fresh listing; a failed probe or commit on a broken connection dials anew; the
 * deadline of a prewrite call grows by a second per 32 MiB of binlog, so a huge transaction's
 * binlog is not cut off and sent again while it is still streaming.
 */
public final class PumpsClient implements BinlogWriter {
  private static final Logger LOG = LoggerFactory.getLogger(PumpsClient.class);
  private static final int PREWRITE_BYTES_PER_EXTRA_SECOND = 32 << 20;

  private final PumpClientConfig config;
  private final Client etcd;
  private final boolean ownsEtcd;
  private final String etcdEndpoints;
  private final WriteRetryPolicy policy;
  private final ScheduledExecutorService scheduler;
  private final PumpSet pumps;
  private final PumpRegistryWatch watch;
  private final ConcurrentMap<Long, KnownPump> prewritePumps = new ConcurrentHashMap<>();
  private final Set<CompletableFuture<Void>> commitsInFlight = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile ScheduledFuture<?> probeTask;

  private PumpsClient(
      final PumpClientConfig config,
      final Client etcd,
      final boolean ownsEtcd,
      final String etcdEndpoints) {
    this.config = Objects.requireNonNull(config, "config");
    this.etcd = Objects.requireNonNull(etcd, "etcd");
    this.ownsEtcd = ownsEtcd;
    this.etcdEndpoints = etcdEndpoints;
    this.policy = new WriteRetryPolicy(config.writeTimeout(), config.commitGiveUp());
    this.scheduler = Executors.newScheduledThreadPool(2, DaemonThreads.numbered("pumps-client"));
    this.pumps =
        new PumpSet(
            config.strategy().newSelector(),
            config.errorThreshold(),
            status -> new KnownPump(status, PumpsClient::dial));
    this.watch =
        new PumpRegistryWatch(
            etcd, config.registryKeys(), config.etcdTimeout(), etcdEndpoints, pumps, scheduler);
  }

  /**
   * Starts a client on its own etcd client (closed with it).
   *
   * @param etcdEndpoints PD/etcd URLs
   * @throws NoPumpFoundException if no pump is registered (after waiting, if configured to)
   */
  public static PumpsClient connect(final PumpClientConfig config, final List<URI> etcdEndpoints) {
    final Client client = Client.builder().endpoints(etcdEndpoints.toArray(URI[]::new)).build();
    return start(new PumpsClient(config, client, true, etcdEndpoints.toString()));
  }

  /**
   * Starts a client on an etcd client the caller owns and closes.
   *
   * @param etcdEndpoints where {@code etcd} points, used only in messages
   * @throws NoPumpFoundException if no pump is registered (after waiting, if configured to)
   */
  public static PumpsClient using(
      final PumpClientConfig config, final Client etcd, final String etcdEndpoints) {
    return start(new PumpsClient(config, etcd, false, etcdEndpoints));
  }

  private static PumpsClient start(final PumpsClient client) {
    try {
      client.discover();
      return client;
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  private void discover() {
    final long revision = watch.listInto();
    if (pumps.size() == 0 && !config.waitForPumps()) {
      throw new NoPumpFoundException(etcdEndpoints, watch.prefix(), null);
    }
    watch.watchFrom(revision + 1);
    final long probeMillis = config.probeInterval().toMillis();
    probeTask =
        scheduler.scheduleWithFixedDelay(
            this::probeUnavailable, probeMillis, probeMillis, TimeUnit.MILLISECONDS);
    if (pumps.size() == 0) {
      LOG.info(
          "no pump registered under {} yet; waiting up to {} for one",
          watch.prefix(),
          config.waitForPumpsTimeout());
      try {
        if (!pumps.awaitAny(config.waitForPumpsTimeout())) {
          throw new NoPumpFoundException(
              etcdEndpoints, watch.prefix(), config.waitForPumpsTimeout());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RetriableBinlogException(
            ErrorCode.SHUTTING_DOWN, "interrupted while waiting for a pump to register", e);
      }
    }
    LOG.info(
        "pump client started: {} pumps under {} ({} available), strategy {}",
        pumps.size(),
        watch.prefix(),
        pumps.availableCount(),
        config.strategy().wireName());
  }

  @Override
  public void writePrewrite(final Binlog prewrite) {
    if (prewrite.getTp() != BinlogType.Prewrite) {
      throw new IllegalArgumentException(
          "writePrewrite takes a Prewrite binlog, got " + prewrite.getTp());
    }
    ensureOpen();
    send(prewrite.getStartTs(), request(prewrite));
  }

  /**
   * Sends the marshalled prewrite as the request's payload, without copying or parsing it; the heap
   * then holds the binlog once (gRPC frames it into the transport's own, off-heap, buffers).
   */
  @Override
  public void writePrewrite(final long startTs, final ByteString payload) {
    ensureOpen();
    send(startTs, request(payload, BinlogType.Prewrite, startTs));
  }

  private void send(final long startTs, final WriteBinlogReq request) {
    final Duration deadline = prewriteDeadline(request.getPayload().size());
    final int availableAtStart = pumps.availableCount();
    final long begin = System.nanoTime();
    int retryTime = 0;
    PumpCallException lastError = null;
    String lastProblem = null;
    boolean meetError = false;
    try {
      while (true) {
        final KnownPump pump = pumps.select(startTs, retryTime);
        if (pump == null) {
          lastProblem = "no available pump to write binlog";
          break;
        }
        final PumpCallException failure = await(pump.write(request, deadline, false));
        if (failure == null) {
          prewritePumps.put(startTs, pump);
          return;
        }
        meetError = true;
        lastError = failure;
        lastProblem = failure.getMessage();
        LOG.warn(
            "write prewrite binlog start_ts={} ({} bytes) to pump {} failed: {}",
            startTs,
            request.getPayload().size(),
            pump.nodeId(),
            failure.getMessage());
        if (!policy.isRetryable(failure)) {
          throw new BinlogWriteException(
              "write binlog failed for start_ts "
                  + startTs
                  + " and is not retried (binlog data is too large or the pump is out of"
                  + " resources): "
                  + failure.getMessage(),
              failure);
        }
        if (policy.prewriteGivesUp(elapsedSince(begin), retryTime, availableAtStart)) {
          break;
        }
        if (policy.resetsConnection(failure)) {
          pump.resetConnection();
        }
        retryTime++;
        sleepBeforeRetry(startTs);
      }
      LOG.info(
          "prewrite start_ts={}: every available pump failed; trying every online pump", startTs);
      if (writeToEveryOnlinePump(request, startTs)) {
        return;
      }
      meetError = true;
      throw new BinlogWriteException(
          "write binlog failed for start_ts "
              + startTs
              + ": no pump acknowledged the prewrite binlog within "
              + PumpClientConfig.WRITE_TIMEOUT
              + "="
              + config.writeTimeout()
              + " ("
              + retryTime
              + " retries over "
              + availableAtStart
              + " available pumps, then every online pump once); the last error: "
              + lastProblem,
          lastError);
    } finally {
      if (meetError) {
        pumps.demoteUnusable();
      }
    }
  }

  /** TiDB's {@code backoffWriteBinlog}: each online pump once, on a fresh connection. */
  private boolean writeToEveryOnlinePump(final WriteBinlogReq request, final long startTs) {
    for (final KnownPump pump : pumps.online()) {
      pump.resetConnection();
      final PumpCallException failure =
          await(pump.write(request, prewriteDeadline(request.getPayload().size()), false));
      if (failure == null) {
        LOG.info(
            "prewrite start_ts={} written to pump {}; it is available again",
            startTs,
            pump.nodeId());
        pumps.setAvailable(pump, true);
        prewritePumps.put(startTs, pump);
        return true;
      }
      LOG.warn("try write binlog to pump {} failed: {}", pump.nodeId(), failure.getMessage());
    }
    return false;
  }

  @Override
  public CompletableFuture<Void> writeCommit(final Binlog binlog) {
    if (binlog.getTp() == BinlogType.Prewrite) {
      throw new IllegalArgumentException("writeCommit takes a Commit or Rollback binlog");
    }
    final KnownPump pump = prewritePumps.remove(binlog.getStartTs());
    if (pump == null) {
      LOG.debug(
          "no prewrite recorded for start_ts={}; its {} binlog is not sent (the pump resolves"
              + " the transaction itself)",
          binlog.getStartTs(),
          binlog.getTp());
      return CompletableFuture.completedFuture(null);
    }
    if (closed.get()) {
      return CompletableFuture.failedFuture(
          new BinlogWriteException(
              "the pump client is closed; the "
                  + binlog.getTp()
                  + " binlog of start_ts "
                  + binlog.getStartTs()
                  + " was not sent"));
    }
    final WriteBinlogReq request;
    try {
      request = request(binlog);
    } catch (BinlogWriteException e) {
      return CompletableFuture.failedFuture(e);
    }
    final CompletableFuture<Void> done = new CompletableFuture<>();
    commitsInFlight.add(done);
    done.whenComplete((ignored, error) -> commitsInFlight.remove(done));
    new CommitWrite(pump, binlog, request, done).attempt();
    return done.copy();
  }

  /** One commit/rollback binlog on its way to the pump of its prewrite. */
  private final class CommitWrite {
    private final KnownPump pump;
    private final Binlog binlog;
    private final WriteBinlogReq request;
    private final CompletableFuture<Void> done;
    private final long begin = System.nanoTime();
    private final AtomicInteger attempts = new AtomicInteger();

    CommitWrite(
        final KnownPump pump,
        final Binlog binlog,
        final WriteBinlogReq request,
        final CompletableFuture<Void> done) {
      this.pump = pump;
      this.binlog = binlog;
      this.request = request;
      this.done = done;
    }

    void attempt() {
      if (done.isDone()) {
        return;
      }
      attempts.incrementAndGet();
      pump.write(request, config.writeTimeout(), false)
          .whenComplete(
              (ignored, error) -> {
                if (error == null) {
                  if (attempts.get() > 1) {
                    LOG.info(
                        "{} binlog start_ts={} written to pump {} after {} attempts",
                        binlog.getTp(),
                        binlog.getStartTs(),
                        pump.nodeId(),
                        attempts.get());
                  }
                  done.complete(null);
                } else {
                  onFailure(pumpFailure(error));
                }
              });
    }

    private void onFailure(final PumpCallException failure) {
      pumps.demoteUnusable();
      final Duration elapsed = elapsedSince(begin);
      if (policy.commitGivesUp(elapsed)) {
        LOG.warn(
            "giving up the {} binlog of start_ts={} to pump {} after {} ({} attempts, {}={});"
                + " the pump resolves the transaction itself. Last error: {}",
            binlog.getTp(),
            binlog.getStartTs(),
            pump.nodeId(),
            elapsed,
            attempts.get(),
            PumpClientConfig.COMMIT_GIVE_UP,
            config.commitGiveUp(),
            failure.getMessage());
        done.completeExceptionally(
            new BinlogWriteException(
                "gave up the "
                    + binlog.getTp()
                    + " binlog of start_ts "
                    + binlog.getStartTs()
                    + " to pump "
                    + pump.nodeId()
                    + " after "
                    + elapsed
                    + " ("
                    + PumpClientConfig.COMMIT_GIVE_UP
                    + "="
                    + config.commitGiveUp()
                    + "): "
                    + failure.getMessage(),
                failure));
        return;
      }
      if (attempts.get() == 1) {
        LOG.warn(
            "write {} binlog start_ts={} to pump {} failed; retrying every {} for up to {}: {}",
            binlog.getTp(),
            binlog.getStartTs(),
            pump.nodeId(),
            config.commitRetryInterval(),
            config.commitGiveUp(),
            failure.getMessage());
      } else {
        LOG.debug(
            "write {} binlog start_ts={} to pump {} failed again (attempt {}): {}",
            binlog.getTp(),
            binlog.getStartTs(),
            pump.nodeId(),
            attempts.get(),
            failure.getMessage());
      }
      if (policy.resetsConnection(failure)) {
        pump.resetConnection();
      }
      try {
        scheduler.schedule(
            this::attempt, config.commitRetryInterval().toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        done.completeExceptionally(
            new BinlogWriteException(
                "the pump client closed before pump "
                    + pump.nodeId()
                    + " acknowledged the "
                    + binlog.getTp()
                    + " binlog of start_ts "
                    + binlog.getStartTs(),
                failure));
      }
    }
  }

  /** TiDB's {@code detect}: an empty payload to each unavailable but online pump. */
  private void probeUnavailable() {
    try {
      final WriteBinlogReq probe =
          WriteBinlogReq.newBuilder().setClusterID(config.clusterId()).build();
      for (final KnownPump pump : pumps.probeCandidates()) {
        if (!pump.tryStartProbe()) {
          continue;
        }
        pump.write(probe, config.writeTimeout(), true)
            .whenComplete(
                (ignored, error) -> {
                  pump.endProbe();
                  if (error == null) {
                    LOG.info("probe of unavailable pump {} succeeded", pump.nodeId());
                    pumps.setAvailable(pump, true);
                  } else {
                    final PumpCallException failure = pumpFailure(error);
                    LOG.warn("probe of pump {} failed: {}", pump.nodeId(), failure.getMessage());
                    if (policy.resetsConnection(failure)) {
                      pump.resetConnection();
                    }
                  }
                });
      }
    } catch (RuntimeException e) {
      // A failing round must not cancel the periodic task.
      LOG.warn("probing unavailable pumps failed: {}", e.toString());
    }
  }

  /** What the client knows about each registered pump, by node id. */
  public List<PumpInfo> pumps() {
    return pumps.snapshot();
  }

  public PumpClientConfig config() {
    return config;
  }

  /** Prewrites acknowledged whose commit or rollback has not been handed to the client yet. */
  public int pendingPrewrites() {
    return prewritePumps.size();
  }

  /** Commit/rollback binlogs still being written (retrying). */
  public int commitsInFlight() {
    return commitsInFlight.size();
  }

  /**
   * Stops the watch and the probes, waits up to {@code write-timeout} for commit/rollback binlogs
   * still being written (those left complete exceptionally), then closes the connections.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    watch.close();
    final ScheduledFuture<?> probes = probeTask;
    if (probes != null) {
      probes.cancel(false);
    }
    waitForCommits(config.writeTimeout());
    for (final CompletableFuture<Void> commit : List.copyOf(commitsInFlight)) {
      commit.completeExceptionally(
          new BinlogWriteException(
              "the pump client closed before a pump acknowledged this commit binlog"));
    }
    scheduler.shutdownNow();
    pumps.all().forEach(KnownPump::close);
    if (ownsEtcd) {
      etcd.close();
    }
    LOG.info("pump client closed");
  }

  private void waitForCommits(final Duration timeout) {
    final CompletableFuture<?>[] pending = commitsInFlight.toArray(new CompletableFuture<?>[0]);
    if (pending.length == 0) {
      return;
    }
    LOG.info("waiting up to {} for {} commit binlogs still being written", timeout, pending.length);
    try {
      CompletableFuture.allOf(pending).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // All finished; the failures were logged where they happened.
    } catch (TimeoutException e) {
      LOG.warn("{} commit binlogs were still unacknowledged at close", commitsInFlight.size());
    }
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new BinlogWriteException("the pump client is closed");
    }
  }

  private WriteBinlogReq request(final Binlog binlog) {
    return request(binlog.toByteString(), binlog.getTp(), binlog.getStartTs());
  }

  private WriteBinlogReq request(
      final ByteString payload, final BinlogType type, final long startTs) {
    if (payload.size() > config.maxMessageSize()) {
      throw new BinlogWriteException(
          "binlog data is too large: the "
              + type
              + " binlog of start_ts "
              + startTs
              + " is "
              + payload.size()
              + " bytes, over "
              + PumpClientConfig.MAX_MESSAGE_SIZE
              + "="
              + config.maxMessageSize());
    }
    return WriteBinlogReq.newBuilder().setClusterID(config.clusterId()).setPayload(payload).build();
  }

  /**
   * The deadline of one prewrite call: {@code write-timeout}, plus a second per full 32 MiB of
   * payload (a 1 GiB binlog gets 32 s more). TiDB uses {@code write-timeout} alone, which cuts off
   * a binlog of hundreds of MiB on a busy machine and makes the client send it again.
   */
  private Duration prewriteDeadline(final int payloadBytes) {
    return config.writeTimeout().plusSeconds(payloadBytes / PREWRITE_BYTES_PER_EXTRA_SECOND);
  }

  /** Waits for one call (its gRPC deadline bounds the wait); null on success. */
  private static PumpCallException await(final CompletableFuture<Void> call) {
    try {
      call.get();
      return null;
    } catch (ExecutionException e) {
      return pumpFailure(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      call.cancel(true);
      throw new BinlogWriteException("interrupted while writing a prewrite binlog", e);
    }
  }

  private static PumpCallException pumpFailure(final Throwable error) {
    final Throwable cause = Causes.unwrap(error);
    return cause instanceof PumpCallException failure
        ? failure
        : PumpCallException.unexpected(cause);
  }

  private void sleepBeforeRetry(final long startTs) {
    try {
      Thread.sleep(config.retrySleep().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BinlogWriteException(
          "interrupted while retrying the prewrite binlog of start_ts " + startTs, e);
    }
  }

  private static Duration elapsedSince(final long beginNanos) {
    return Duration.ofNanos(System.nanoTime() - beginNanos);
  }

  /** gRPC-java limits no outbound message by default; {@code maxMessageSize} is checked above. */
  private static ManagedChannel dial(final String host) {
    return NettyChannelBuilder.forTarget(host, InsecureChannelCredentials.create()).build();
  }
}
