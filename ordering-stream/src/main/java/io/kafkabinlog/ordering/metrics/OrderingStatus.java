package io.kafkabinlog.ordering.metrics;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the ordering stream reports at one moment ({@link OrderingMetrics#snapshot()}); the status
 * API renders it. TSO values are 0 when not known yet.
 *
 * @param takenAtMillis wall clock of the snapshot, for ages and lags
 * @param streamsState the Kafka Streams client's state ({@code CREATED}, {@code REBALANCING},
 *     {@code RUNNING}, ...)
 * @param error why the stream stopped, empty while it has not failed
 * @param resolvedTs W: every transaction with commit_ts at or below it has been published
 * @param heartbeatTs the newest control heartbeat stage 2 has read
 * @param buffered committed transactions in stage 2's buffer, waiting for W to pass them
 * @param pumps one entry per raw partition the stream has heard of, by partition
 * @param resolver what the pending-prewrite resolver did
 * @param counts what was published or dropped
 * @param schemaVersion the schema version of the newest DDL job applied (0: none yet)
 */
public record OrderingStatus(
    long takenAtMillis,
    String streamsState,
    String error,
    long resolvedTs,
    long heartbeatTs,
    int buffered,
    List<Pump> pumps,
    Resolver resolver,
    Counts counts,
    long schemaVersion) {

  public OrderingStatus {
    Objects.requireNonNull(streamsState, "streamsState");
    Objects.requireNonNull(error, "error");
    pumps = List.copyOf(pumps);
    Objects.requireNonNull(resolver, "resolver");
    Objects.requireNonNull(counts, "counts");
  }

  /**
   * One raw partition: a pump's data, as stage 1 and stage 2 see it.
   *
   * @param watermark M_p as stage 1 last sent it (0: none yet)
   * @param pendingPrewrites prewrites stage 1 holds without their commit
   * @param oldestPendingStartTs start_ts of the oldest of them (0: none)
   * @param member stage 2's membership entry; empty before JOIN or after the member left
   */
  public record Pump(
      int partition,
      long watermark,
      int pendingPrewrites,
      long oldestPendingStartTs,
      Optional<Member> member) {
    public Pump {
      Objects.requireNonNull(member, "member");
    }
  }

  /**
   * A member of the merge.
   *
   * @param nodeId the pump's node id
   * @param effectiveTs its watermark for the merge: M_p, or J before the first M_p
   * @param leaving true after its LEAVE, until its M_p reaches L
   */
  public record Member(String nodeId, long effectiveTs, boolean leaving) {
    public Member {
      Objects.requireNonNull(nodeId, "nodeId");
    }
  }

  /**
   * The resolver's work since start.
   *
   * @param committed commits written on behalf of a transaction that committed
   * @param rolledBack rollbacks written for one that did not
   * @param passes passes over the pending prewrites
   * @param failures passes that failed (status service or Kafka unreachable)
   * @param lastError the last failure's message, empty once a pass succeeds again
   */
  public record Resolver(
      long committed, long rolledBack, long passes, long failures, String lastError) {
    public Resolver {
      Objects.requireNonNull(lastError, "lastError");
    }
  }

  /**
   * Counts since start.
   *
   * @param publishedTxns transactions published to the txn and rows topics
   * @param publishedRows row changes among them
   * @param ddlJobs DDL jobs applied to the schema history
   * @param duplicates exact duplicates dropped by the merge
   * @param orphanCommits commit binlogs without their prewrite in the partition
   * @param rollbacks prewrites dropped by a rollback
   * @param deadLettered transactions diverted to the dead-letter topic
   * @param chunkProblems chunk groups abandoned or rejected
   */
  public record Counts(
      long publishedTxns,
      long publishedRows,
      long ddlJobs,
      long duplicates,
      long orphanCommits,
      long rollbacks,
      long deadLettered,
      long chunkProblems) {}
}
