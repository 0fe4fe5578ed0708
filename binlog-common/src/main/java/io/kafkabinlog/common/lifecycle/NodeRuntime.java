package io.kafkabinlog.common.lifecycle;

import io.kafkabinlog.common.concurrent.DaemonThreads;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What a long-running node (a pump, a drainer) holds besides its parts: what it opened (closed in
 * reverse), a timer for its heartbeats, one lifecycle thread on which its pause or close runs (an
 * HTTP thread only starts them), and the latch its {@code main} waits on until everything is
 * released.
 */
public final class NodeRuntime {
  private final OpenedResources resources = new OpenedResources();
  private final CountDownLatch shutDown = new CountDownLatch(1);
  private final ExecutorService lifecycle;
  private final ScheduledExecutorService timer;

  /**
   * @param name prefix of the threads' names ({@code pump}: {@code pump-lifecycle}, {@code
   *     pump-timer})
   * @param timerThreads threads of {@link #timer()}
   */
  public NodeRuntime(final String name, final int timerThreads) {
    this.lifecycle = Executors.newSingleThreadExecutor(DaemonThreads.named(name + "-lifecycle"));
    this.timer =
        Executors.newScheduledThreadPool(timerThreads, DaemonThreads.named(name + "-timer"));
  }

  /** Takes {@code resource} to close with the rest at {@link #shutDown()}; returns it. */
  public <T extends AutoCloseable> T own(final T resource) {
    return resources.own(resource);
  }

  /** Runs heartbeats and other periodic work; stopped at {@link #shutDown()}. */
  public ScheduledExecutorService timer() {
    return timer;
  }

  /** Runs a transition (pause, close) on the lifecycle thread, in the order given. */
  public void inBackground(final Runnable transition) {
    lifecycle.execute(transition);
  }

  /**
   * Stops the timer, closes what was opened (last first) and releases {@link #awaitShutDown()}.
   * Idempotent.
   *
   * @return true for the call that did it
   */
  public synchronized boolean shutDown() {
    if (isShutDown()) {
      return false;
    }
    timer.shutdownNow();
    resources.close();
    lifecycle.shutdown();
    shutDown.countDown();
    return true;
  }

  public boolean isShutDown() {
    return shutDown.getCount() == 0;
  }

  /** Blocks until {@link #shutDown()} has released everything. */
  public void awaitShutDown() throws InterruptedException {
    shutDown.await();
  }

  /** Like {@link #awaitShutDown()}, bounded; true if it was shut down. */
  public boolean awaitShutDown(final Duration timeout) throws InterruptedException {
    return shutDown.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
