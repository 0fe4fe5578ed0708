package io.kafkabinlog.mysqlsink.observe;

import io.kafkabinlog.mysqlsink.apply.ApplyOutcome;
import io.kafkabinlog.mysqlsink.model.SinkTxn;
import java.time.Duration;

/**
 * What the sink reports for status and metrics. Called from the consuming thread and the apply
 * workers concurrently; implementations must be thread-safe and cheap. Every method defaults to a
 * no-op.
 */
public interface SinkObserver {
  /** Reports nothing. */
  SinkObserver NONE = new SinkObserver() {};

  /** A transaction was handed to the apply loop. */
  default void submitted(final SinkTxn txn) {}

  /** A worker finished {@code txn} with {@code outcome} after {@code took} (retries included). */
  default void applied(final SinkTxn txn, final ApplyOutcome outcome, final Duration took) {}

  /** A worker could not apply {@code txn}; the sink stops. */
  default void applyFailed(final SinkTxn txn, final String message) {}

  /** A downstream statement or transaction is retried after a retriable error. */
  default void retried() {}

  /** The checkpoint row now says {@code commitTs} (also after loading it at start). */
  default void checkpoint(final long commitTs) {}

  /** The consumer committed {@code nextOffset} on the txn topic. */
  default void offsetCommitted(final long nextOffset) {}

  /**
   * Partitioned mode: this member's partition {@code partition} of the rows topic has everything at
   * or below {@code commitTs} applied, up to offset {@code nextOffset}; {@code queued} items wait.
   */
  default void partitionProgress(
      final int partition, final long commitTs, final long nextOffset, final int queued) {}

  /** Partitioned mode: the partition left this member (rebalance or stop). */
  default void partitionReleased(final int partition) {}

  /** The sink stopped with an error (a worker's, the checkpoint's or Kafka's). */
  default void failed(final String message) {}
}
