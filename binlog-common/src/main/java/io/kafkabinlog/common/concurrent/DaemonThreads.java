package io.kafkabinlog.common.concurrent;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread factories for a component's background pools: daemon threads, so that a pool someone
 * forgot to shut down never keeps the JVM alive, with names that say what they do in a thread dump.
 */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** Every thread gets {@code name}. */
  public static ThreadFactory named(final String name) {
    return task -> daemon(task, name);
  }

  /** Threads named {@code prefix-1}, {@code prefix-2}, ... */
  public static ThreadFactory numbered(final String prefix) {
    final AtomicInteger count = new AtomicInteger();
    return task -> daemon(task, prefix + "-" + count.incrementAndGet());
  }

  private static Thread daemon(final Runnable task, final String name) {
    final Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }
}
