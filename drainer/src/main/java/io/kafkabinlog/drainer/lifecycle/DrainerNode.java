package io.kafkabinlog.drainer.lifecycle;

import io.kafkabinlog.common.datadir.DataDirLock;
import io.kafkabinlog.common.datadir.NodeIdentity;
import io.kafkabinlog.common.http.LifecycleActions;
import io.kafkabinlog.common.http.StateActionRoute;
import io.kafkabinlog.common.http.StatusHttpServer;
import io.kafkabinlog.common.lifecycle.NodeRuntime;
import io.kafkabinlog.common.net.FreePorts;
import io.kafkabinlog.common.net.HostPort;
import io.kafkabinlog.common.pd.PdTimestampOracle;
import io.kafkabinlog.common.registry.EtcdNodeRegistry;
import io.kafkabinlog.common.registry.NodeRegistration;
import io.kafkabinlog.common.registry.NodeState;
import io.kafkabinlog.common.registry.RegistryKeys;
import io.kafkabinlog.drainer.config.DrainerConfig;
import io.kafkabinlog.drainer.http.DrainerApi;
import io.kafkabinlog.drainer.http.DrainerStatus;
import io.kafkabinlog.drainer.registry.DrainerRegistration;
import io.kafkabinlog.mysqlsink.app.MysqlSinkApp;
import io.kafkabinlog.mysqlsink.metrics.SinkStatus;
import io.kafkabinlog.ordering.app.OrderingApp;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running drainer: the ordering stream and the mysql-sink in one process, registered as the
 * original drainer is, with one HTTP API. The composition root and the lifecycle.
 *
 * <p>Start: the data-dir lock, the cluster id from PD, the node id, the liveness key (a second
 * drainer with this node id is refused), the HTTP port; then the ordering stream and the sink
 * (which loads its checkpoint, or starts at {@code initial-commit-ts}: -1 is PD's TSO now); then
 * the API serves and the registry entry goes {@code online}, rewritten every heartbeat with {@code
 * maxCommitTS} = the checkpoint.
 *
 * <p>Stop: {@code PUT /state/<id>/pause} or SIGTERM writes {@code pausing}, stops the sink (which
 * finishes what is in flight and writes a consistent checkpoint) and the stream, writes {@code
 * paused} with the final checkpoint, releases the liveness key and exits 0. {@code close} does the
 * same through {@code closing} to {@code offline}. A component that fails (it logs why), or {@value
 * DrainerRegistration#MAX_HEARTBEAT_FAILURES} failed heartbeats in a row, stops the rest the same
 * way to {@code paused} (as the original's close on error) and the process exits 1. A kill leaves
 * the entry {@code online} and the liveness key expires with its lease.
 */
public final class DrainerNode implements LifecycleActions {
  private static final Logger LOG = LoggerFactory.getLogger(DrainerNode.class);
  private static final Duration ETCD_TIMEOUT = Duration.ofSeconds(10);

  private final DrainerConfig config;
  private final NodeRuntime runtime = new NodeRuntime("drainer", 1);
  // Null while starting; ONLINE, then PAUSING -> PAUSED or CLOSING -> OFFLINE.
  private final AtomicReference<NodeState> phase = new AtomicReference<>();
  private final AtomicReference<String> failure = new AtomicReference<>();
  private volatile int exitCode = 1;

  private volatile String nodeId = "";
  private DrainerRegistration registration;
  private StatusHttpServer http;
  private volatile OrderingApp ordering;
  private volatile MysqlSinkApp sink;

  private DrainerNode(final DrainerConfig config) {
    this.config = config;
  }

  /** Starts the drainer and returns once it is online; throws (having closed what it opened). */
  public static DrainerNode start(final DrainerConfig config) {
    final DrainerNode node = new DrainerNode(config);
    try {
      node.startUp();
      return node;
    } catch (RuntimeException e) {
      node.runtime.shutDown();
      throw e;
    }
  }

  private void startUp() {
    runtime.own(DataDirLock.acquire(config.dataDir(), "drainer"));
    final PdTimestampOracle tso =
        runtime.own(
            PdTimestampOracle.connect(
                config.tsoUrls(), PdTimestampOracle.DEFAULT_TIMEOUT, config.clusterId()));
    final long clusterId = tso.clusterId();
    final EtcdNodeRegistry registry =
        runtime.own(
            EtcdNodeRegistry.connect(
                config.pdUrls(), new RegistryKeys(config.registryRoot()), ETCD_TIMEOUT));

    // Port 0 (tests): pick the port now, since the node id (hostname:port) comes before the bind.
    final HostPort listen = FreePorts.resolve(config.addr());
    final HostPort advertised =
        config.advertiseAddr().port() == 0
            ? config.advertiseAddr().withPort(listen.port())
            : config.advertiseAddr();
    nodeId = NodeIdentity.resolve(config.nodeId(), config.dataDir(), advertised);
    registration =
        runtime.own(
            new DrainerRegistration(
                registry,
                tso,
                nodeId,
                advertised.toString(),
                this::checkpointTs,
                new NodeRegistration.Timing(config.heartbeatInterval(), config.livenessTtl()),
                runtime.timer(),
                this::registryLost));
    registration.acquire();
    // Bound before the components start: a taken addr is reported before any work.
    http =
        runtime.own(
            new StatusHttpServer(
                listen,
                Optional.empty(),
                "drainer-http",
                new DrainerApi(
                    this::status,
                    this::metricsRegistries,
                    new StateActionRoute("drainer", () -> nodeId, this))));

    final long initialCommitTs =
        config.initialCommitTs() == DrainerConfig.INITIAL_COMMIT_TS_NOW
            ? tso.getTimestamp()
            : config.initialCommitTs();
    ordering = runtime.own(OrderingApp.startEmbedded(config.ordering()));
    sink =
        runtime.own(
            MysqlSinkApp.startEmbedded(
                config.sink().withClusterId(clusterId).withInitialCommitTs(initialCommitTs)));
    http.start();
    phase.set(NodeState.ONLINE);
    registration.online();
    watch("ordering stream", ordering::awaitExit);
    watch("mysql-sink", sink::awaitExit);
    LOG.info(
        "drainer {} online: http://{}, cluster id {}, downstream {}:{}, initial-commit-ts {}"
            + " (used while the downstream has no checkpoint)",
        nodeId,
        advertised,
        Long.toUnsignedString(clusterId),
        config.sink().downstream().host(),
        config.sink().downstream().port(),
        initialCommitTs);
  }

  /** Something that blocks until a component has stopped. */
  @FunctionalInterface
  private interface Exit {
    void await() throws InterruptedException;
  }

  /** A component that stops while the drainer is online has failed: stop the rest. */
  private void watch(final String component, final Exit exit) {
    final Thread watcher =
        new Thread(
            () -> {
              try {
                exit.await();
              } catch (InterruptedException e) {
                return;
              }
              // The component logged its own error; say once what follows from it.
              fail(component + " stopped", component + " stopped (see its error above)");
            },
            "drainer-watch-" + component.replace(' ', '-'));
    watcher.setDaemon(true);
    watcher.start();
  }

  private void registryLost(final String reason) {
    LOG.error("drainer {} stops: {}", nodeId, reason);
    fail(reason, null);
  }

  /** The first failure while online stops the drainer to paused; it exits 1. */
  private void fail(final String reason, final String logLine) {
    if (!phase.compareAndSet(NodeState.ONLINE, NodeState.PAUSING)) {
      return; // already stopping: the component stopped because we stop it
    }
    failure.set(reason);
    if (logLine != null) {
      LOG.warn("drainer {} stops: its {}", nodeId, logLine);
    }
    runtime.inBackground(() -> stop(NodeState.PAUSING, NodeState.PAUSED));
  }

  /** {@code PUT /state/<id>/pause}, and SIGTERM: returns at once; the stop runs in background. */
  @Override
  public void pause() {
    begin(NodeState.PAUSING);
    runtime.inBackground(() -> stop(NodeState.PAUSING, NodeState.PAUSED));
  }

  /** {@code PUT /state/<id>/close} ({@code binlogctl offline-drainer}). */
  @Override
  public void close() {
    begin(NodeState.CLOSING);
    runtime.inBackground(() -> stop(NodeState.CLOSING, NodeState.OFFLINE));
  }

  private void begin(final NodeState stopping) {
    if (!phase.compareAndSet(NodeState.ONLINE, stopping)) {
      throw new IllegalStateException(
          "drainer " + nodeId + " is " + describe(phase.get()) + ", not online");
    }
  }

  private static String describe(final NodeState state) {
    return state == null ? "starting" : state.wireName();
  }

  /**
   * SIGTERM: pause if online and wait for it (bounded); then release everything.
   *
   * @param wait how long the pause may take
   */
  public void terminate(final Duration wait) throws InterruptedException {
    try {
      pause();
    } catch (IllegalStateException notOnline) {
      LOG.debug("SIGTERM while {}: {}", describe(phase.get()), notOnline.getMessage());
    }
    if (!runtime.awaitShutDown(wait)) {
      LOG.warn("drainer {} did not finish stopping within {}; closing now", nodeId, wait);
      runtime.shutDown();
    }
  }

  private void stop(final NodeState stopping, final NodeState target) {
    try {
      writeState(stopping);
      // The sink first: it finishes what is in flight and writes a consistent checkpoint.
      sink.close();
      final boolean sinkClean = sink.exitCode() == 0;
      final boolean orderingClean =
          ordering.close(config.closeTimeout()) && ordering.exitCode() == 0;
      writeState(target);
      phase.set(target);
      exitCode = failure.get() == null && sinkClean && orderingClean ? 0 : 1;
      LOG.info(
          "drainer {} is {} at checkpoint commit_ts {}{}",
          nodeId,
          target.wireName(),
          checkpointTs(),
          failure.get() == null ? "" : " after: " + failure.get());
    } catch (RuntimeException e) {
      exitCode = 1;
      LOG.error("drainer {} failed while stopping: {}", nodeId, e.getMessage(), e);
    } finally {
      runtime.shutDown();
    }
  }

  private void writeState(final NodeState state) {
    try {
      registration.setState(state);
    } catch (RuntimeException e) {
      LOG.warn(
          "drainer {} could not write state {} to the registry: {}",
          nodeId,
          state.wireName(),
          e.getMessage());
    }
  }

  private long checkpointTs() {
    final MysqlSinkApp current = sink;
    return current == null ? -1 : current.checkpointTs();
  }

  private DrainerStatus status() {
    final SinkStatus sinkStatus = sink.status();
    return new DrainerStatus(
        nodeId,
        describe(phase.get()),
        Math.max(0, checkpointTs()),
        ordering.statusJson(),
        sink.statusJson(),
        sinkStatus.inFlight() == 0 && sinkStatus.lastError().isEmpty(),
        registration.isLive(),
        registration.consecutiveFailures());
  }

  private List<PrometheusRegistry> metricsRegistries() {
    return List.of(ordering.metricsRegistry(), sink.metricsRegistry());
  }

  public String nodeId() {
    return nodeId;
  }

  /** The bound HTTP port. */
  public int httpPort() {
    return http.port();
  }

  /** Blocks until the drainer has stopped and released everything. */
  public void awaitExit() throws InterruptedException {
    runtime.awaitShutDown();
  }

  /** 0 after a clean pause or close, 1 after a failure. Meaningful once exited. */
  public int exitCode() {
    return exitCode;
  }
}
