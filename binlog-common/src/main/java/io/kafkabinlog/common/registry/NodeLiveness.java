package io.kafkabinlog.common.registry;

/**
 * A held liveness lease. Closing it revokes the lease, so the node reads as not live at once; a
 * process that dies without closing reads as not live once the lease's TTL has passed.
 */
public interface NodeLiveness extends AutoCloseable {
  /** True while the lease is kept alive (false after close or a lost lease). */
  boolean isHeld();

  @Override
  void close();
}
