package io.kafkabinlog.tidbsim.engine;

/**
 * What {@link SimCluster#commitGenerated} committed.
 *
 * @param binlogBytes size of the prewrite binlog sent to the pump
 */
public record GeneratedCommit(
    long startTs, long commitTs, long tableId, long rows, int binlogBytes) {}
