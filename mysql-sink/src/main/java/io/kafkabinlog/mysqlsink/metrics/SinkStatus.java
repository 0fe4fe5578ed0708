package io.kafkabinlog.mysqlsink.metrics;

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
    long committedOffset) {}
