package io.kafkabinlog.mysqlsink.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.common.kafka.TopicNames;
import io.kafkabinlog.common.lifecycle.MainApp;
import io.kafkabinlog.mysqlsink.config.MysqlSinkConfig;
import io.kafkabinlog.mysqlsink.http.SinkStatusServer;
import io.kafkabinlog.mysqlsink.metrics.SinkMetrics;
import io.kafkabinlog.mysqlsink.metrics.SinkStatus;
import io.kafkabinlog.mysqlsink.partitioned.PartitionedSink;
import io.kafkabinlog.mysqlsink.partitioned.PartitionedWiring;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.mariadb.jdbc.MariaDbPoolDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running mysql-sink: the composition root and the lifecycle around its {@link Sink}: {@link
 * TxnTopicSink} (mode transactional) or {@link PartitionedSink} (mode partitioned, one member of
 * the rows topic's consumer group).
 *
 * <p>Start: the downstream pool and the checkpoint tables, then the sink on a thread of its own. A
 * failure there (the downstream refused a statement, an outage longer than the retries, Kafka) is
 * logged once with its message and ends the app with exit code 1; a restart resumes from the
 * checkpoint. {@link #close()} (SIGTERM) stops consuming, lets the transactions in flight finish
 * within {@code close-timeout} and writes a consistent checkpoint; exit code 0 if that succeeded.
 */
public final class MysqlSinkApp implements MainApp {
  private static final Logger LOG = LoggerFactory.getLogger(MysqlSinkApp.class);

  private final MysqlSinkConfig config;
  private final MariaDbPoolDataSource dataSource;
  private final Sink sink;
  private final SinkMetrics metrics;
  private final SinkStatusServer.Info info;
  private final SinkStatusServer status;
  private final Thread thread;
  private final CountDownLatch exited = new CountDownLatch(1);
  private volatile int exitCode = 1;
  private boolean closed;

  private MysqlSinkApp(
      final MysqlSinkConfig config,
      final MariaDbPoolDataSource dataSource,
      final Sink sink,
      final SinkMetrics metrics,
      final SinkStatusServer.Info info,
      final SinkStatusServer status) {
    this.config = config;
    this.dataSource = dataSource;
    this.sink = sink;
    this.metrics = metrics;
    this.info = info;
    this.status = status;
    this.thread = new Thread(this::runSink, "mysql-sink");
  }

  /**
   * Connects to the downstream, creates the checkpoint tables if missing and starts consuming.
   *
   * @throws io.kafkabinlog.common.error.BinlogException if the downstream cannot be reached
   */
  public static MysqlSinkApp start(final MysqlSinkConfig configured) {
    return start(configured, true);
  }

  /**
   * {@link #start} without the status API ({@code status-addr} is not bound): for a process that
   * serves one API for several components (the drainer), from {@link #statusJson()} and {@link
   * #metricsRegistry()}.
   */
  public static MysqlSinkApp startEmbedded(final MysqlSinkConfig configured) {
    return start(configured, false);
  }

  private static MysqlSinkApp start(final MysqlSinkConfig configured, final boolean servesStatus) {
    Objects.requireNonNull(configured, "config");
    final MysqlSinkConfig config = ClusterIdSource.resolve(configured);
    final SinkMetrics metrics = new SinkMetrics(new PrometheusRegistry(), Clock.systemUTC());
    final TopicNames names = SinkWiring.topicNames(config);
    final boolean partitioned = config.mode() == MysqlSinkConfig.Mode.PARTITIONED;
    final SinkStatusServer.Info info =
        new SinkStatusServer.Info(
            Long.toUnsignedString(config.clusterId()),
            config.mode().name().toLowerCase(java.util.Locale.ROOT),
            partitioned ? names.rows() : names.txn(),
            partitioned
                ? PartitionedWiring.group(config)
                : names.consumerGroup(SinkWiring.COMPONENT, SinkWiring.GROUP_TARGET));
    // Bound first: a taken status-addr is a configuration error, reported before any work.
    final SinkStatusServer status =
        servesStatus
            ? new SinkStatusServer(config.statusAddr(), info, metrics::snapshot, metrics.registry())
            : null;
    MariaDbPoolDataSource dataSource = null;
    try {
      dataSource = SinkWiring.dataSource(config);
      final Sink sink =
          partitioned
              ? PartitionedWiring.sink(config, dataSource, metrics)
              : SinkWiring.txnTopicSink(config, dataSource, metrics);
      final MysqlSinkApp app = new MysqlSinkApp(config, dataSource, sink, metrics, info, status);
      if (status != null) {
        status.start();
      }
      LOG.info(
          "mysql-sink: cluster {}, downstream {}:{}, {} workers",
          config.clusterId(),
          config.downstream().host(),
          config.downstream().port(),
          config.syncer().workerCount());
      app.thread.start();
      return app;
    } catch (SQLException e) {
      closeStatus(status);
      if (dataSource != null) {
        dataSource.close();
      }
      throw new RetriableBinlogException(
          ErrorCode.DOWNSTREAM_UNAVAILABLE,
          "cannot prepare the downstream "
              + config.downstream().host()
              + ":"
              + config.downstream().port()
              + ": "
              + e.getMessage(),
          e);
    } catch (RuntimeException e) {
      closeStatus(status);
      if (dataSource != null) {
        dataSource.close();
      }
      throw e;
    }
  }

  private static void closeStatus(final SinkStatusServer status) {
    if (status != null) {
      status.close();
    }
  }

  private void runSink() {
    try {
      sink.run();
      exitCode = 0;
      LOG.info("mysql-sink stopped at checkpoint commit_ts {}", sink.checkpointTs());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      metrics.failed("interrupted");
      LOG.error("mysql-sink interrupted at checkpoint commit_ts {}", sink.checkpointTs());
    } catch (RuntimeException e) {
      metrics.failed(e.getMessage());
      LOG.error(
          "mysql-sink failed at checkpoint commit_ts {}: {}",
          sink.checkpointTs(),
          e.getMessage(),
          e);
    } finally {
      exited.countDown();
    }
  }

  /** Blocks until the sink ended (failure, or after {@link #close()}). */
  public void awaitExit() throws InterruptedException {
    exited.await();
  }

  /**
   * The bound status port (status-addr with port 0: the one chosen); -1 when started {@linkplain
   * #startEmbedded embedded}.
   */
  public int statusPort() {
    return status == null ? -1 : status.port();
  }

  /**
   * The commit_ts of the checkpoint row (every transaction at or below it is applied): the loaded
   * one once the sink has started, then each one written; -1 before the checkpoint is loaded.
   */
  public long checkpointTs() {
    return sink.checkpointTs();
  }

  /** The sink's state now: what {@code GET /status} renders. */
  public SinkStatus status() {
    return metrics.snapshot();
  }

  /** The {@code GET /status} document of the sink's own status API. */
  public ObjectNode statusJson() {
    return SinkStatusServer.statusJson(info, metrics.snapshot());
  }

  /** The sink's metrics ({@code binlog_mysql_sink_*}: apply latency, rows, checkpoint lag). */
  public PrometheusRegistry metricsRegistry() {
    return metrics.registry();
  }

  /** 0 after a clean stop, 1 after a failure or a stop that did not finish in time. */
  public int exitCode() {
    return exitCode;
  }

  /** Stops gracefully within {@code close-timeout}; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    sink.stop();
    final Duration timeout = config.closeTimeout();
    try {
      if (!exited.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.error("mysql-sink did not stop within close-timeout {}", timeout);
        exitCode = 1;
        thread.interrupt();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    dataSource.close();
    closeStatus(status);
  }
}
