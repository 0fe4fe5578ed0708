package io.kafkabinlog.ordering.app;

import io.kafkabinlog.common.concurrent.DaemonThreads;
import io.kafkabinlog.common.error.Outage;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.ordering.metrics.OrderingMetrics;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the pending-prewrite resolver's passes on a thread of its own, every {@code
 * resolve-interval}, while the stream runs (its stores can be queried only then). An unreachable
 * status service or Kafka is retried on the next pass and logged when it starts and ends; a store
 * that moved in a rebalance is simply asked again. Anything else stops the loop and goes to {@code
 * fatal}: the application stops, as for a failure on a stream thread.
 */
final class ResolverLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ResolverLoop.class);

  private final IntSupplier pass;
  private final BooleanSupplier running;
  private final Duration interval;
  private final OrderingMetrics metrics;
  private final Consumer<RuntimeException> fatal;
  private final Outage outage = new Outage();
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("ordering-resolver"));
  private volatile boolean stopped;

  /**
   * @param pass one pass; returns how many resolutions it wrote
   * @param running whether passes may run now (the stream is RUNNING)
   */
  ResolverLoop(
      final IntSupplier pass,
      final BooleanSupplier running,
      final Duration interval,
      final OrderingMetrics metrics,
      final Consumer<RuntimeException> fatal) {
    this.pass = Objects.requireNonNull(pass, "pass");
    this.running = Objects.requireNonNull(running, "running");
    this.interval = Objects.requireNonNull(interval, "interval");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.fatal = Objects.requireNonNull(fatal, "fatal");
  }

  ResolverLoop start() {
    thread.scheduleWithFixedDelay(
        this::runOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** One tick: a pass if the stream runs (package-private for tests). */
  void runOnce() {
    if (stopped || !running.getAsBoolean()) {
      return;
    }
    try {
      final int written = pass.getAsInt();
      metrics.resolverPass(written);
      if (outage.succeeded()) {
        LOG.info("resolver passes work again");
      }
      if (written > 0) {
        LOG.debug("resolver wrote {} resolutions", written);
      }
    } catch (RetriableBinlogException e) {
      metrics.resolverFailed(e.getMessage());
      if (outage.failed()) {
        LOG.warn("resolver pass failed, retrying every {}: {}", interval, e.getMessage());
      }
    } catch (InvalidStateStoreException e) {
      // The stage 1 stores move between threads in a rebalance; the next pass finds them.
      LOG.debug("resolver pass skipped: {}", e.getMessage());
    } catch (RuntimeException e) {
      stopped = true;
      metrics.resolverFailed(String.valueOf(e.getMessage()));
      fatal.accept(e);
    }
  }

  @Override
  public void close() {
    stopped = true;
    thread.shutdownNow();
    try {
      if (!thread.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warn("resolver pass still running after 5 s; closing without it");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
