package io.kafkabinlog.mysqlsink.checkpoint;

/**
 * How far one rows-topic partition is applied downstream (partitioned mode).
 *
 * @param nextOffset the Kafka offset after the last record whose work is applied (every record
 *     before it is done); -1 while nothing of the partition was applied yet
 * @param commitTs every record of the partition with a commit_ts at or below this is applied
 */
public record PartitionPosition(long nextOffset, long commitTs) {

  /** The later of the two, field by field: both fields only ever grow. */
  public PartitionPosition max(final PartitionPosition other) {
    return new PartitionPosition(
        Math.max(nextOffset, other.nextOffset), Math.max(commitTs, other.commitTs));
  }
}
