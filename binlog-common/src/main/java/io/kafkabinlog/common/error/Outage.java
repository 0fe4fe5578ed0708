package io.kafkabinlog.common.error;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether something a repeated task depends on (the TSO, Kafka, the registry) is failing right now,
 * so that the task logs when an outage starts and when it ends instead of on every attempt.
 * Thread-safe: a producer callback may report on another thread than the one that tries.
 */
public final class Outage {
  private final AtomicBoolean ongoing = new AtomicBoolean();

  /** Notes a failed attempt; true only for the one that starts an outage (warn then). */
  public boolean failed() {
    return !ongoing.getAndSet(true);
  }

  /** Notes a successful attempt; true only for the one that ends an outage (say so then). */
  public boolean succeeded() {
    return ongoing.getAndSet(false);
  }
}
