package io.kafkabinlog.ordering.observe;

/**
 * What the stages report for status and metrics. Called on stream threads (and the resolver's
 * thread), so implementations must be thread-safe and cheap; every method defaults to nothing.
 */
public interface OrderingObserver {

  /** An observer that records nothing (tests, benchmarks). */
  OrderingObserver NONE = new OrderingObserver() {};

  // ---- stage 1, per raw partition ----

  /** Stage 1 of {@code partition} sent watermark M_p. */
  default void pumpWatermark(int partition, long ts) {}

  /** Pending prewrites of {@code partition} and the oldest one's start_ts (0 when none). */
  default void pendingPrewrites(int partition, int count, long oldestStartTs) {}

  /** A commit binlog whose prewrite is not in this partition (its pump resolves it). */
  default void orphanCommit(int partition, long startTs, long commitTs) {}

  /** A prewrite was dropped by a rollback binlog or a rollback resolution. */
  default void rolledBack(int partition, long startTs) {}

  /** A chunk group was abandoned or rejected (the pump retried or the data is corrupt). */
  default void chunkProblem(int partition, String reason) {}

  /** The resolver wrote a resolution: {@code commitTs} 0 means rolled back. */
  default void resolution(int partition, long startTs, long commitTs) {}

  // ---- stage 2, one task ----

  /**
   * A member's effective watermark (its M_p, or J before the first M_p); {@code leaving} after
   * LEAVE.
   */
  default void member(int partition, String nodeId, long effectiveTs, boolean leaving) {}

  /** A member left the merge (its M_p reached L). */
  default void memberLeft(int partition, String nodeId) {}

  /** The newest control heartbeat read. */
  default void heartbeat(long ts) {}

  /** Stage 2 advanced the resolved ts W. */
  default void resolvedTs(long ts) {}

  /** An exact duplicate (same start_ts and commit_ts from another pump) was dropped. */
  default void duplicate(long startTs, long commitTs) {}

  /** Committed transactions waiting in stage 2's buffer for W to pass them. */
  default void buffered(int transactions) {}

  // ---- stage 3 ----

  /** A transaction was published to the txn and rows topics. */
  default void published(long commitTs, long startTs, int rows, boolean ddl) {}

  /** A poison transaction was diverted to the dead-letter topic. */
  default void deadLettered(long commitTs, long startTs, String reason) {}

  /** A DDL job was applied to the schema history. */
  default void ddlApplied(long jobId, long schemaVersion) {}
}
