package io.kafkabinlog.common.lifecycle;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a component opened, closed in reverse order; a failure to close one does not skip the rest.
 * Thread-safe, so that a shutdown hook may close while the start still opens.
 */
public final class OpenedResources implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OpenedResources.class);

  private final Deque<AutoCloseable> opened = new ArrayDeque<>();

  /** Takes {@code resource} to close with the rest; returns it. */
  public synchronized <T extends AutoCloseable> T own(final T resource) {
    opened.push(resource);
    return resource;
  }

  @Override
  public synchronized void close() {
    while (!opened.isEmpty()) {
      final AutoCloseable resource = opened.pop();
      try {
        resource.close();
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        LOG.warn("closing {} failed: {}", resource.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
