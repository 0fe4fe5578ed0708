package io.kafkabinlog.ordering.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkabinlog.common.error.BinlogException;
import io.kafkabinlog.common.error.Causes;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.common.kafka.TopicAdmin;
import io.kafkabinlog.common.kafka.TopicNames;
import io.kafkabinlog.common.lifecycle.MainApp;
import io.kafkabinlog.common.lifecycle.OpenedResources;
import io.kafkabinlog.common.pd.PdTimestampOracle;
import io.kafkabinlog.ordering.config.OrderingConfig;
import io.kafkabinlog.ordering.config.OrderingConfigLoader;
import io.kafkabinlog.ordering.decode.SchemaSource;
import io.kafkabinlog.ordering.http.OrderingStatusServer;
import io.kafkabinlog.ordering.metrics.OrderingMetrics;
import io.kafkabinlog.ordering.metrics.OrderingStatus;
import io.kafkabinlog.ordering.pairing.KafkaResolutionWriter;
import io.kafkabinlog.schemas.registry.AvroSerializer;
import io.kafkabinlog.schemas.registry.SchemaRegistryClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running ordering stream: the composition root and the lifecycle around the topology.
 *
 * <p>Start: the cluster id (from {@code cluster-id}, else PD), the topics ({@link OrderingTopics}),
 * the status API, then Kafka Streams with {@code application.id =
 * <prefix>.<cluster-id>.ordering-stream} (the group whose committed offsets a closing pump waits
 * on) and {@code exactly_once_v2}, then the resolver's thread, which runs a pass every {@code
 * resolve-interval} while the stream is {@code RUNNING}.
 *
 * <p>Stop: a failure on a stream thread (a late transaction, a poison transaction under {@code
 * poison-policy = stop}; the stages put commit_ts, table and reason in the message) is logged once
 * with its message, shuts the Streams client down and ends the app with exit code 1; so does a
 * resolver failure that retrying cannot fix. {@link #close(Duration)} (SIGTERM) closes Streams
 * gracefully within the bound, committing what was processed; exit code 0 if that succeeded.
 */
public final class OrderingApp implements MainApp {
  private static final Logger LOG = LoggerFactory.getLogger(OrderingApp.class);

  /** The component part of the application id; a closing pump derives the same group. */
  public static final String COMPONENT = "ordering-stream";

  private static final Duration KAFKA_ADMIN_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration ADMIN_CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private final OrderingConfig config;
  private final OrderingWiring wiring;
  private final boolean servesStatus;
  private final OrderingMetrics metrics;
  private final OpenedResources resources = new OpenedResources();
  private final CountDownLatch exited = new CountDownLatch(1);
  private final AtomicReference<String> failure = new AtomicReference<>();

  private String clusterId;
  private String applicationId;
  private OrderingTopics.Layout topics;
  private OrderingStatusServer.Info info;
  private OrderingStatusServer status;
  private KafkaStreams streams;
  private ResolverLoop resolver;
  private boolean closed;
  private boolean closedCleanly;

  private OrderingApp(
      final OrderingConfig config, final OrderingWiring wiring, final boolean servesStatus) {
    this.config = Objects.requireNonNull(config, "config");
    this.wiring = Objects.requireNonNull(wiring, "wiring");
    this.servesStatus = servesStatus;
    this.metrics = new OrderingMetrics(new PrometheusRegistry(), Clock.systemUTC());
  }

  /** Starts the production stream; throws (having closed what it opened) if it cannot. */
  public static OrderingApp start(final OrderingConfig config) {
    return start(config, OrderingWiring.standard());
  }

  /** Starts with {@code wiring} in place of the production parts it overrides. */
  public static OrderingApp start(final OrderingConfig config, final OrderingWiring wiring) {
    return start(new OrderingApp(config, wiring, true));
  }

  /**
   * Starts the production stream without its status API ({@code status-addr} is not bound): for a
   * process that serves one API for several components (the drainer), from {@link #statusJson()}
   * and {@link #metricsRegistry()}.
   */
  public static OrderingApp startEmbedded(final OrderingConfig config) {
    return start(new OrderingApp(config, OrderingWiring.standard(), false));
  }

  private static OrderingApp start(final OrderingApp app) {
    try {
      app.startUp();
      return app;
    } catch (RuntimeException e) {
      app.close(Duration.ofSeconds(5));
      throw e;
    }
  }

  private void startUp() {
    clusterId = Long.toUnsignedString(resolveClusterId());
    final TopicNames names = new TopicNames(config.kafka().topicPrefix(), clusterId);
    applicationId = names.applicationId(COMPONENT);
    topics = ensureTopics(names);

    info =
        new OrderingStatusServer.Info(
            applicationId,
            clusterId,
            Map.of(
                "raw", topics.raw(),
                "resolutions", topics.resolutions(),
                "control", topics.control(),
                "txn", topics.txn(),
                "rows", topics.rows(),
                "deadLetter", topics.deadLetter()));
    if (servesStatus) {
      status =
          resources.own(
              new OrderingStatusServer(
                      config.statusAddr(), info, metrics::snapshot, metrics.registry())
                  .start());
    }

    final AvroSerializer avro =
        new AvroSerializer(
            new SchemaRegistryClient(config.schemas().registryUrl().toString()), false, true);
    final SchemaSource schemaSource =
        resources.own(
            wiring.schemaSource(
                config.schemas().tidbStatusUrls(), config.schemas().requestTimeout()));
    final Topology topology =
        wiring.topology(config.toTopologySettings(names), schemaSource, avro, metrics);

    streams = new KafkaStreams(topology, KafkaClients.streams(config, applicationId, topics));
    streams.setStateListener(this::onStateChange);
    streams.setUncaughtExceptionHandler(
        e -> {
          fail("a stream thread failed", e);
          return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
    streams.start();

    final KafkaProducer<byte[], byte[]> producer =
        resources.own(
            new KafkaProducer<>(
                KafkaClients.resolutionProducer(config.kafka(), config.topics().produceTimeout()),
                new ByteArraySerializer(),
                new ByteArraySerializer()));
    final KafkaResolutionWriter writer =
        resources.own(
            new KafkaResolutionWriter(
                producer, topics.resolutions(), config.topics().produceTimeout()));
    final FailoverTxnStatusResolver txnStatus =
        resources.own(
            FailoverTxnStatusResolver.http(
                config.resolver().txnStatusUrls(),
                config.resolver().requestTimeout(),
                txnStatusSetting()));
    final IntSupplier pass =
        wiring.resolver(streams, txnStatus, writer, config.resolver().resolveAfter(), metrics);
    resolver =
        new ResolverLoop(
                pass,
                () -> streams.state() == KafkaStreams.State.RUNNING,
                config.resolver().resolveInterval(),
                metrics,
                e -> {
                  fail("the resolver failed", e);
                  exited.countDown();
                })
            .start();
    LOG.info(
        "ordering stream started: application id {}, cluster id {}, status {},"
            + " raw {} ({} partitions), outputs {} and {} ({} partitions)",
        applicationId,
        clusterId,
        status == null
            ? "served by the host process"
            : "http://" + config.statusAddr().host() + ":" + status.port(),
        topics.raw(),
        topics.rawPartitions(),
        topics.txn(),
        topics.rows(),
        topics.rowsPartitions());
  }

  /** The key to name in the status services' errors: the one the URLs came from. */
  private String txnStatusSetting() {
    return config.resolver().txnStatusUrls().equals(config.schemas().tidbStatusUrls())
        ? OrderingConfigLoader.TXN_STATUS_URLS
            + " (default: "
            + OrderingConfigLoader.TIDB_STATUS_URLS
            + ")"
        : OrderingConfigLoader.TXN_STATUS_URLS;
  }

  /** {@code cluster-id} if set; else PD's, asked once (the pumps learn theirs the same way). */
  private long resolveClusterId() {
    if (config.clusterId() != 0) {
      return config.clusterId();
    }
    try (PdTimestampOracle pd =
        PdTimestampOracle.connect(config.tsoUrls(), PdTimestampOracle.DEFAULT_TIMEOUT, 0)) {
      return pd.clusterId();
    } catch (RetriableBinlogException e) {
      throw new RetriableBinlogException(
          e.code(),
          "cannot learn the cluster id from PD at tso-urls/pd-urls "
              + config.tsoUrls()
              + " ("
              + e.getMessage()
              + "); check the setting, or set cluster-id to start without PD",
          e);
    }
  }

  private OrderingTopics.Layout ensureTopics(final TopicNames names) {
    final Admin admin = KafkaClients.openAdmin(config.kafka());
    try {
      return new OrderingTopics(admin, KAFKA_ADMIN_TIMEOUT)
          .ensure(names, OrderingTopics.Spec.of(config));
    } catch (RetriableBinlogException e) {
      throw TopicAdmin.namingBrokers(
          e, config.kafka().bootstrapServersString(), KAFKA_ADMIN_TIMEOUT);
    } finally {
      // Admin.close() waits for pending calls up to their own (60 s) timeout.
      admin.close(ADMIN_CLOSE_TIMEOUT);
    }
  }

  private void onStateChange(final KafkaStreams.State now, final KafkaStreams.State before) {
    metrics.streamsState(now);
    LOG.info("ordering stream {} -> {}", before, now);
    if (now == KafkaStreams.State.ERROR) {
      fail("Kafka Streams stopped", new IllegalStateException("Kafka Streams is in state ERROR"));
      exited.countDown();
    } else if (now == KafkaStreams.State.NOT_RUNNING) {
      exited.countDown();
    }
  }

  /** Records and logs the first failure only: later ones are its consequences. */
  private void fail(final String where, final Throwable error) {
    final String message = describe(error);
    if (failure.compareAndSet(null, message)) {
      metrics.failed(message);
      LOG.error("ordering stream stops, {}: {}", where, message, error);
    } else {
      LOG.debug("after the first failure, {}: {}", where, message);
    }
  }

  /**
   * The message that says what happened: the project's own exception's (the stages put commit_ts,
   * table and reason there), else the root cause's, not Streams' wrapper around it.
   */
  static String describe(final Throwable error) {
    final Optional<BinlogException> own = Causes.find(error, BinlogException.class);
    if (own.isPresent()) {
      return own.get().getMessage();
    }
    final Throwable root = Causes.root(error);
    return root.getMessage() == null ? root.toString() : root.getMessage();
  }

  /** The cluster id in the topic names. */
  public String clusterId() {
    return clusterId;
  }

  /** Kafka Streams' application id, which is also its consumer group. */
  public String applicationId() {
    return applicationId;
  }

  public OrderingTopics.Layout topics() {
    return topics;
  }

  /** The bound status port; -1 when started {@linkplain #startEmbedded embedded}. */
  public int statusPort() {
    return status == null ? -1 : status.port();
  }

  /** The stream's state now: what {@code GET /status} renders. */
  public OrderingStatus status() {
    return metrics.snapshot();
  }

  /** The {@code GET /status} document of the stream's own status API. */
  public ObjectNode statusJson() {
    return OrderingStatusServer.statusJson(info, metrics.snapshot());
  }

  /** The stream's metrics ({@code binlog_ordering_*}). */
  public PrometheusRegistry metricsRegistry() {
    return metrics.registry();
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /** The first failure's message, if the stream failed. */
  public Optional<String> failure() {
    return Optional.ofNullable(failure.get());
  }

  /** Blocks until the stream failed or was closed. */
  public void awaitExit() throws InterruptedException {
    exited.await();
  }

  /** Like {@link #awaitExit()}, bounded; true if it exited. */
  public boolean awaitExit(final Duration timeout) throws InterruptedException {
    return exited.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** 0 after a clean close, 1 after a failure or a close that did not finish in time. */
  public synchronized int exitCode() {
    return failure.get() == null && closed && closedCleanly ? 0 : 1;
  }

  /** Closes within {@code config.closeTimeout()}. */
  @Override
  public void close() {
    close(config.closeTimeout());
  }

  /**
   * Stops the resolver, closes Kafka Streams (committing what it processed) within {@code timeout},
   * then everything else. Idempotent; true if Streams closed in time.
   */
  public synchronized boolean close(final Duration timeout) {
    if (closed) {
      return closedCleanly;
    }
    closed = true;
    if (resolver != null) {
      resolver.close();
    }
    boolean clean = true;
    if (streams != null) {
      clean = streams.close(CloseOptions.timeout(timeout));
      if (!clean) {
        LOG.warn(
            "Kafka Streams did not close within {}; its state is rebuilt from the changelogs on"
                + " the next start",
            timeout);
      }
    }
    resources.close();
    closedCleanly = clean;
    exited.countDown();
    LOG.info("ordering stream closed{}", failure.get() == null ? "" : " after a failure");
    return clean;
  }
}
