package io.kafkabinlog.mysqlsink.app;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.mysqlsink.config.MysqlSinkConfig;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.mariadb.jdbc.MariaDbPoolDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running mysql-sink: the composition root and the lifecycle around {@link TxnTopicSink}.
 *
 * <p>Start: the downstream pool and the checkpoint tables, then the sink on a thread of its own. A
 * failure there (the downstream refused a statement, an outage longer than the retries, Kafka) is
 * logged once with its message and ends the app with exit code 1; a restart resumes from the
 * checkpoint. {@link #close()} (SIGTERM) stops consuming, lets the transactions in flight finish
 * within {@code close-timeout} and writes a consistent checkpoint; exit code 0 if that succeeded.
 */
public final class MysqlSinkApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MysqlSinkApp.class);

  private final MysqlSinkConfig config;
  private final MariaDbPoolDataSource dataSource;
  private final TxnTopicSink sink;
  private final Thread thread;
  private final CountDownLatch exited = new CountDownLatch(1);
  private volatile int exitCode = 1;
  private boolean closed;

  private MysqlSinkApp(
      final MysqlSinkConfig config,
      final MariaDbPoolDataSource dataSource,
      final TxnTopicSink sink) {
    this.config = config;
    this.dataSource = dataSource;
    this.sink = sink;
    this.thread = new Thread(this::runSink, "mysql-sink");
  }

  /**
   * Connects to the downstream, creates the checkpoint tables if missing and starts consuming.
   *
   * @throws io.kafkabinlog.common.error.BinlogException if the downstream cannot be reached or the
   *     mode is not available
   */
  public static MysqlSinkApp start(final MysqlSinkConfig configured) {
    Objects.requireNonNull(configured, "config");
    if (configured.mode() != MysqlSinkConfig.Mode.TRANSACTIONAL) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          "mode = \""
              + configured.mode().name().toLowerCase(java.util.Locale.ROOT)
              + "\" is not available yet; use mode = \"transactional\"");
    }
    final MysqlSinkConfig config = ClusterIdSource.resolve(configured);
    MariaDbPoolDataSource dataSource = null;
    try {
      dataSource = SinkWiring.dataSource(config);
      final TxnTopicSink sink = SinkWiring.txnTopicSink(config, dataSource);
      final MysqlSinkApp app = new MysqlSinkApp(config, dataSource, sink);
      LOG.info(
          "mysql-sink: cluster {}, downstream {}:{}, {} workers",
          config.clusterId(),
          config.downstream().host(),
          config.downstream().port(),
          config.syncer().workerCount());
      app.thread.start();
      return app;
    } catch (SQLException e) {
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
      if (dataSource != null) {
        dataSource.close();
      }
      throw e;
    }
  }

  private void runSink() {
    try {
      sink.run();
      exitCode = 0;
      LOG.info("mysql-sink stopped at checkpoint commit_ts {}", sink.checkpointTs());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      LOG.error("mysql-sink interrupted at checkpoint commit_ts {}", sink.checkpointTs());
    } catch (RuntimeException e) {
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
  }
}
