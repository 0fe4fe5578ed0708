package io.kafkabinlog.mysqlsink.metrics;

import java.util.List;

/**
 * The sink's state at one instant, for {@code GET /status}.
 *
 * @param takenAtMillis wall clock when taken
 * @param checkpointTs commit_ts of the checkpoint row; 0 before it is known
 * @param appliedTxns transactions executed downstream by this run
 * @param recordedOnlyTxns transactions recorded without executing anything (schema-only DDL, ...)
 * @param alreadyAppliedTxns transactions a previous run had applied (replay after a restart)
 * @param appliedRows row changes executed by this run
 * @param inFlight transactions handed to the apply loop and not finished
 * @param retries downstream retries after retriable errors
 * @param lastError the first error that stopped the sink; empty while none
 * @param committedOffset the txn topic offset last committed; -1 before the first commit
 * @param partitions partitioned mode: this member's rows-topic partitions, by partition; empty in
 *     the transactional mode
 */
public record SinkStatus(
    long takenAtMillis,
    long checkpointTs,
    long appliedTxns,
    long recordedOnlyTxns,
    long alreadyAppliedTxns,
    long appliedRows,
    long inFlight,
    long retries,
    String lastError,
    long committedOffset,
    List<PartitionStatus> partitions) {

  public SinkStatus {
    partitions = List.copyOf(partitions);
  }

  /** A status without partitions (the transactional mode). */
  public SinkStatus(
      final long takenAtMillis,
      final long checkpointTs,
      final long appliedTxns,
      final long recordedOnlyTxns,
      final long alreadyAppliedTxns,
      final long appliedRows,
      final long inFlight,
      final long retries,
      final String lastError,
      final long committedOffset) {
    this(
        takenAtMillis,
        checkpointTs,
        appliedTxns,
        recordedOnlyTxns,
        alreadyAppliedTxns,
        appliedRows,
        inFlight,
        retries,
        lastError,
        committedOffset,
        List.of());
  }

  /**
   * One rows-topic partition this member applies.
   *
   * @param commitTs everything of the partition at or below this commit_ts is applied
   * @param nextOffset the offset after the last applied record; -1 before the first
   * @param queued items fetched and not applied yet
   */
  public record PartitionStatus(int partition, long commitTs, long nextOffset, int queued) {}
}
