package io.kafkabinlog.pump.lifecycle;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.kafkabinlog.common.datadir.DataDirLock;
import io.kafkabinlog.common.datadir.NodeIdentity;
import io.kafkabinlog.common.error.Causes;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.common.http.LifecycleActions;
import io.kafkabinlog.common.kafka.TopicAdmin;
import io.kafkabinlog.common.kafka.TopicNames;
import io.kafkabinlog.common.lifecycle.NodeRuntime;
import io.kafkabinlog.common.net.FreePorts;
import io.kafkabinlog.common.net.HostPort;
import io.kafkabinlog.common.pd.PdTimestampOracle;
import io.kafkabinlog.common.registry.EtcdNodeRegistry;
import io.kafkabinlog.common.registry.NodeKind;
import io.kafkabinlog.common.registry.NodeRegistration;
import io.kafkabinlog.common.registry.NodeRegistry;
import io.kafkabinlog.common.registry.NodeState;
import io.kafkabinlog.common.registry.NodeStatus;
import io.kafkabinlog.common.registry.RegisteredNode;
import io.kafkabinlog.common.registry.RegistryKeys;
import io.kafkabinlog.common.tso.TimestampOracle;
import io.kafkabinlog.pump.config.PumpConfig;
import io.kafkabinlog.pump.http.PumpStatusDetails;
import io.kafkabinlog.pump.http.PumpStatusServer;
import io.kafkabinlog.pump.http.StatusSource;
import io.kafkabinlog.pump.ingest.BinlogValidator;
import io.kafkabinlog.pump.ingest.KafkaRawLog;
import io.kafkabinlog.pump.ingest.PumpGrpcServer;
import io.kafkabinlog.pump.ingest.PumpGrpcService;
import io.kafkabinlog.pump.ingest.RawTopics;
import io.kafkabinlog.pump.membership.ControlTopic;
import io.kafkabinlog.pump.membership.OrderingProgress;
import io.kafkabinlog.pump.membership.PartitionBinding;
import io.kafkabinlog.pump.metrics.PumpMetrics;
import io.kafkabinlog.pump.security.TlsContexts;
import io.kafkabinlog.pump.state.PumpPhase;
import io.kafkabinlog.pump.state.PumpState;
import io.kafkabinlog.pump.watermark.FakeBinlogTicker;
import io.kafkabinlog.pump.watermark.WatermarkTracker;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running pump: the composition root and the lifecycle (architecture.md section 3 and the
 * original's pump/server.go). Start order matters for the ordering invariants:
 *
 * <ol>
 *   <li>cluster id from PD, data dir lock, node id, exclusive liveness (no second process with this
 *       node id), partition binding (no second node id on this partition);
 *   <li>the gRPC server starts while the pump is STARTING: commits of prewrites taken before a
 *       restart are accepted at once, prewrites are refused ({@code no online: starting});
 *   <li>JOIN(J) on the control topic and control heartbeats, then ONLINE in memory, then ONLINE in
 *       etcd, where TiDB sees it: any prewrite this pump takes has commit_ts above J.
 * </ol>
 *
 * Pause (PUT /state/ID/pause or SIGTERM) stops prewrites, waits briefly for pending commits, writes
 * {@code paused} and exits; the paused pump still holds the merge back, as the original's. Close
 * (PUT /state/ID/close) stops prewrites, waits (bounded) for the commits of prewrites it took,
 * seals the partition, writes the final fake binlog L and LEAVE(L), waits (bounded) until the
 * ordering stream's committed offsets are past both, writes {@code offline} and exits.
 */
public final class PumpNode implements LifecycleActions, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PumpNode.class);
  private static final Duration ETCD_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration GRPC_GRACE = Duration.ofSeconds(5);
  private static final Duration KAFKA_ADMIN_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration ADMIN_CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private final PumpConfig config;
  private final NodeRuntime runtime = new NodeRuntime("pump", 2);
  private final PumpState state = new PumpState();

  private String nodeId;
  private long clusterId;
  private TopicNames topicNames;
  private RawTopics.Layout topics;
  private int partition;
  private TimestampOracle tso;
  private NodeRegistry registry;
  private Admin admin;
  private PumpMetrics metrics;
  private WatermarkTracker watermark;
  private SealableRawLog rawLog;
  private FakeBinlogTicker ticker;
  private ControlTopic control;
  private NodeRegistration registration;
  private PumpGrpcServer grpc;
  private PumpStatusServer status;
  private volatile String exitReason = "";

  private PumpNode(final PumpConfig config) {
    this.config = config;
  }

  /** Starts the pump and returns once it is online; throws (having closed what it opened). */
  public static PumpNode start(final PumpConfig config) {
    final PumpNode node = new PumpNode(config);
    try {
      node.startUp();
      return node;
    } catch (RuntimeException e) {
      node.shutDownNow();
      throw e;
    }
  }

  private void startUp() {
    final PumpConfig.Security security = config.security();
    runtime.own(DataDirLock.acquire(config.dataDir(), "pump"));
    tso =
        runtime.own(
            PdTimestampOracle.connect(
                config.tsoUrls(), PdTimestampOracle.DEFAULT_TIMEOUT, config.clusterId()));
    clusterId = tso.clusterId();
    topicNames = new TopicNames(config.kafka().topicPrefix(), Long.toUnsignedString(clusterId));

    final ClientBuilder etcdBuilder =
        Client.builder().endpoints(config.pdUrls().toArray(URI[]::new));
    if (security.enabled()) {
      etcdBuilder.sslContext(TlsContexts.pdClient(security));
    }
    final Client etcd = runtime.own(etcdBuilder.build());
    final RegistryKeys keys = new RegistryKeys(config.registryRoot());
    registry = runtime.own(EtcdNodeRegistry.using(etcd, keys, ETCD_TIMEOUT));

    metrics = new PumpMetrics(new PrometheusRegistry());
    watermark = new WatermarkTracker(System::nanoTime);
    metrics.bindGauges(watermark, state);

    admin = openAdmin();
    topics = ensureTopics();

    // Port 0 (tests): pick the ports now, since the node id (hostname:port), the registry entry
    // and the partition binding all come before the servers start.
    final HostPort listen = FreePorts.resolve(config.addr());
    final HostPort statusListen = FreePorts.resolve(config.statusAddr());
    final HostPort advertised = advertised(config.advertiseAddr(), listen.port());
    final HostPort statusAdvertised = advertised(statusListen, statusListen.port());
    nodeId = NodeIdentity.resolve(config.nodeId(), config.dataDir(), advertised);

    registration =
        runtime.own(
            new NodeRegistration(
                registry,
                tso,
                new NodeRegistration.Node(
                    NodeKind.PUMP, nodeId, advertised.toString(), statusAdvertised.toString()),
                watermark::maxCommitTs,
                new NodeRegistration.Timing(config.heartbeatInterval(), config.livenessTtl()),
                runtime.timer(),
                (consecutive, error) -> metrics.registryHeartbeatFailed()));
    registration.acquireLiveness();
    partition =
        new PartitionBinding(etcd, keys, ETCD_TIMEOUT).bind(nodeId, topics.rawPartitionCount());

    final KafkaProducer<byte[], byte[]> rawProducer =
        new KafkaProducer<>(
            KafkaRawLog.producerConfig(
                config.kafka(), topics.maxRequestSize(), config.topics().produceTimeout()),
            new ByteArraySerializer(),
            new ByteArraySerializer());
    final KafkaRawLog kafkaRawLog =
        runtime.own(
            new KafkaRawLog(
                rawProducer,
                topics.rawTopic(),
                partition,
                topics.chunkBytes(),
                config.topics().produceTimeout(),
                metrics,
                watermark));
    rawLog = new SealableRawLog(kafkaRawLog);
    ticker =
        runtime.own(
            new FakeBinlogTicker(
                tso, kafkaRawLog, watermark, config.genBinlogInterval(), metrics, runtime.timer()));

    grpc =
        PumpGrpcServer.start(
            listen,
            config.maxMessageSize(),
            security.enabled() ? Optional.of(TlsContexts.grpcServer(security)) : Optional.empty(),
            withCommonNameCheck(
                new PumpGrpcService(
                    clusterId, state, rawLog, new BinlogValidator(), metrics, topics.rawTopic())));
    status =
        runtime.own(
            new PumpStatusServer(
                statusListen,
                security.enabled()
                    ? Optional.of(TlsContexts.statusServer(security))
                    : Optional.empty(),
                new NodeStatusSource(),
                this,
                metrics.registry()));
    status.start();

    control =
        runtime.own(
            new ControlTopic(
                new KafkaProducer<>(
                    KafkaRawLog.producerConfig(
                        config.kafka(), 1 << 20, config.topics().produceTimeout()),
                    new ByteArraySerializer(),
                    new ByteArraySerializer()),
                topics.controlTopic(),
                nodeId,
                partition,
                tso,
                metrics,
                runtime.timer(),
                config.topics().produceTimeout()));
    final long join = control.join();
    control.startHeartbeats(config.controlHeartbeatInterval());
    state.goOnline();
    registration.register(NodeState.ONLINE);
    registration.startHeartbeats();
    ticker.start();
    LOG.info(
        "pump {} online: gRPC {}, status http{}://{}, partition {} of {}, cluster id {}, JOIN at {}",
        nodeId,
        advertised,
        config.security().enabled() ? "s" : "",
        statusAdvertised,
        partition,
        topics.rawTopic(),
        Long.toUnsignedString(clusterId),
        join);
  }

  private BindableService withCommonNameCheck(final BindableService service) {
    final Optional<ServerInterceptor> check = TlsContexts.commonNameCheck(config.security());
    if (check.isEmpty()) {
      return service;
    }
    return () -> ServerInterceptors.intercept(service.bindService(), check.get());
  }

  private PumpStatusDetails.Health kafkaHealth() {
    return rawLog
        .lastFailure()
        .map(PumpStatusDetails.Health::failing)
        .orElseGet(PumpStatusDetails.Health::healthy);
  }

  private PumpStatusDetails.Health etcdHealth() {
    return registration.isLive()
        ? PumpStatusDetails.Health.healthy()
        : PumpStatusDetails.Health.failing("liveness lease lost or not held");
  }

  private HostPort advertised(final HostPort configured, final int boundPort) {
    return configured.port() == 0 ? configured.withPort(boundPort) : configured;
  }

  private Admin openAdmin() {
    final Admin opened;
    try {
      opened = Admin.create(adminConfig());
    } catch (KafkaException e) {
      // An unresolvable host fails here, before any request.
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          "cannot use kafka.bootstrap-servers="
              + config.kafka().bootstrapServersString()
              + ": "
              + Causes.root(e).getMessage(),
          e);
    }
    // Admin.close() waits for pending calls until their own (60 s) timeout: a start that failed
    // on an unreachable Kafka would hang that long.
    runtime.own(() -> opened.close(ADMIN_CLOSE_TIMEOUT));
    return opened;
  }

  private RawTopics.Layout ensureTopics() {
    try {
      return new RawTopics(admin, KAFKA_ADMIN_TIMEOUT)
          .ensure(topicNames, config.topics(), config.kafka().clientProperties());
    } catch (RetriableBinlogException e) {
      throw TopicAdmin.namingBrokers(
          e, config.kafka().bootstrapServersString(), KAFKA_ADMIN_TIMEOUT);
    }
  }

  private Map<String, Object> adminConfig() {
    final Map<String, Object> props = new java.util.HashMap<>(config.kafka().clientProperties());
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServersString());
    return props;
  }

  public String nodeId() {
    return nodeId;
  }

  public int partition() {
    return partition;
  }

  public PumpPhase phase() {
    return state.phase();
  }

  public int grpcPort() {
    return grpc.port();
  }

  public int statusPort() {
    return status.port();
  }

  /** Blocks until the pump has paused or gone offline and released everything. */
  public void awaitExit() throws InterruptedException {
    runtime.awaitShutDown();
  }

  /** Why the pump stopped (empty while running). */
  public String exitReason() {
    return exitReason;
  }

  /** PUT /state/ID/pause, and SIGTERM: returns at once, the pause runs on the lifecycle thread. */
  @Override
  public void pause() {
    state
        .begin(PumpPhase.PAUSING)
        .ifPresent(
            refused -> {
              throw new IllegalStateException(
                  "pump " + nodeId + " is " + refused.wireName() + ", not online");
            });
    runtime.inBackground(this::runPause);
  }

  /** PUT /state/ID/close ({@code binlogctl offline-pump}). */
  @Override
  public void close() {
    state
        .begin(PumpPhase.CLOSING)
        .ifPresent(
            refused -> {
              throw new IllegalStateException(
                  "pump " + nodeId + " is " + refused.wireName() + ", not online");
            });
    runtime.inBackground(this::runClose);
  }

  /**
   * SIGTERM: pause if online and wait for it; a pump still starting or already stopping just
   * finishes what it does (bounded), then releases everything.
   */
  public void terminate(final Duration wait) throws InterruptedException {
    if (state.phase() == PumpPhase.ONLINE) {
      try {
        pause();
      } catch (IllegalStateException raced) {
        LOG.debug("pause on SIGTERM raced with another action: {}", raced.getMessage());
      }
    }
    if (state.phase() == PumpPhase.STARTING) {
      shutDownNow();
      return;
    }
    if (!runtime.awaitShutDown(wait)) {
      LOG.warn("pump {} did not finish stopping within {}; closing now", nodeId, wait);
      shutDownNow();
    }
  }

  private void runPause() {
    try {
      registration.setState(NodeState.PAUSING);
      if (!watermark.awaitNoPending(config.pauseDrainTimeout())) {
        LOG.info(
            "pausing with {} prewrites whose commits have not arrived (TiDB retries them when the"
                + " pump is back; the ordering stream resolves them otherwise)",
            watermark.pendingPrewrites());
      }
      ticker.close();
      registration.setState(NodeState.PAUSED);
      state.finish();
      exitReason = "paused";
      LOG.info("pump {} paused", nodeId);
    } catch (RuntimeException e) {
      LOG.error("pump {} failed while pausing: {}", nodeId, e.getMessage(), e);
      exitReason = "pause failed: " + e.getMessage();
    } finally {
      shutDownNow();
    }
  }

  private void runClose() {
    try {
      registration.setState(NodeState.CLOSING);
      final Duration timeout = config.closeTimeout();
      if (!watermark.awaitNoPending(timeout)) {
        LOG.warn(
            "closing after {} with {} prewrites whose commits never arrived (start_ts {});"
                + " the ordering stream resolves them and holds this pump's watermark until then",
            timeout,
            watermark.pendingPrewrites(),
            watermark.pendingStartTs());
      }
      ticker.close();
      if (!rawLog.sealAndDrain("closing", timeout)) {
        LOG.warn("writes still in flight after {}; writing the final watermark anyway", timeout);
      }
      final FakeBinlogTicker.FakeWrite last =
          ticker.writeNow().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      final long controlOffset = control.leave(last.ts(), last.position().offset());
      LOG.info(
          "pump {} wrote its final watermark {} (offset {}) and LEAVE (control offset {})",
          nodeId,
          last.ts(),
          last.position().offset(),
          controlOffset);
      awaitOrderingStream(last.position().offset(), controlOffset, timeout);
      registration.setState(NodeState.OFFLINE);
      state.finish();
      exitReason = "offline";
      LOG.info("pump {} is offline", nodeId);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exitReason = "interrupted while closing";
    } catch (Exception e) {
      LOG.error("pump {} failed while closing: {}", nodeId, e.getMessage(), e);
      exitReason = "close failed: " + e.getMessage();
    } finally {
      shutDownNow();
    }
  }

  private void awaitOrderingStream(
      final long rawOffset, final long controlOffset, final Duration timeout)
      throws InterruptedException {
    final String group =
        config
            .topics()
            .orderingGroup()
            .orElseGet(() -> topicNames.applicationId("ordering-stream"));
    final OrderingProgress progress = new OrderingProgress(admin, group);
    final Map<TopicPartition, Long> positions =
        Map.of(
            new TopicPartition(topics.rawTopic(), partition), rawOffset,
            new TopicPartition(topics.controlTopic(), 0), controlOffset);
    final long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      final OrderingProgress.Progress now;
      try {
        now = progress.check(positions);
      } catch (RetriableBinlogException e) {
        // LEAVE is written: a Kafka hiccup here must not leave the pump stuck in "closing".
        if (System.nanoTime() > deadline) {
          LOG.warn(
              "could not read the ordering stream's ({}) offsets within {}; going offline anyway:"
                  + " {}",
              group,
              timeout,
              e.getMessage());
          return;
        }
        LOG.debug("reading the ordering stream's offsets failed; retrying: {}", e.getMessage());
        Thread.sleep(200);
        continue;
      }
      if (now.state() == OrderingProgress.State.PASSED) {
        LOG.info("the ordering stream ({}) has passed this pump's LEAVE", group);
        return;
      }
      if (now.state() == OrderingProgress.State.NO_GROUP) {
        LOG.info(
            "no ordering stream ({}) has committed offsets yet; it will read the LEAVE when it"
                + " starts",
            group);
        return;
      }
      if (System.nanoTime() > deadline) {
        LOG.warn(
            "the ordering stream ({}) has not passed this pump's LEAVE within {} ({}); going"
                + " offline anyway, the stream drops the pump when it gets there",
            group,
            timeout,
            now);
        return;
      }
      Thread.sleep(200);
    }
  }

  /** Stops serving and releases everything, without any state transition. Idempotent. */
  private synchronized void shutDownNow() {
    if (runtime.isShutDown()) {
      return;
    }
    if (grpc != null) {
      grpc.shutdown(GRPC_GRACE);
    }
    runtime.shutDown();
  }

  /** What GET /status shows. */
  private final class NodeStatusSource implements StatusSource {
    @Override
    public String nodeId() {
      return nodeId;
    }

    @Override
    public List<NodeStatus> pumps() {
      return registry.list(NodeKind.PUMP).stream().map(RegisteredNode::status).toList();
    }

    @Override
    public List<NodeStatus> drainers() {
      return registry.list(NodeKind.DRAINER).stream().map(RegisteredNode::status).toList();
    }

    @Override
    public long freshTso() {
      return tso.getTimestamp();
    }

    @Override
    public PumpStatusDetails details() {
      final long lastWriteNanos = watermark.lastWriteNanos();
      return new PumpStatusDetails(
          state.phase(),
          topics.rawTopic(),
          partition,
          watermark.maxCommitTs(),
          watermark.pendingPrewrites(),
          watermark.oldestPendingAge().map(Duration::toMillis).orElse(0L),
          lastWriteNanos == 0
              ? Optional.empty()
              : Optional.of(
                  System.currentTimeMillis() - (System.nanoTime() - lastWriteNanos) / 1_000_000),
          kafkaHealth(),
          etcdHealth());
    }
  }
}
