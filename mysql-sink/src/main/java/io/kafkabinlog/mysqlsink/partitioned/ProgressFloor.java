package io.kafkabinlog.mysqlsink.partitioned;

import io.kafkabinlog.mysqlsink.checkpoint.PartitionPosition;
import java.util.Map;

/**
 * The commit_ts at or below which every partition of the rows topic is applied: the minimum of the
 * partitions' progress over <b>all</b> partitions of the topic, whichever member owns them. A
 * partition without a known position counts as {@code unseenCommitTs} (the checkpoint the first
 * member started from: nothing of it can have been applied beyond that).
 *
 * <p>The floor is the compatible checkpoint, and the DDL barrier: a DDL at commit_ts C runs only
 * once {@code floor >= C - 1}, that is once every transaction before it is applied everywhere.
 *
 * @param partitions the topic's partition count
 * @param unseenCommitTs the progress of a partition no member wrote yet
 */
record ProgressFloor(int partitions, long unseenCommitTs) {

  ProgressFloor {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1: " + partitions);
    }
  }

  /**
   * The floor over the stored positions, each raised to this member's own in-memory position where
   * that is further (it may not be flushed yet).
   */
  long of(final Map<Integer, PartitionPosition> stored, final Map<Integer, Long> local) {
    long floor = Long.MAX_VALUE;
    for (int p = 0; p < partitions; p++) {
      final PartitionPosition known = stored.get(p);
      long commitTs = known == null ? unseenCommitTs : known.commitTs();
      final Long mine = local.get(p);
      if (mine != null) {
        commitTs = Math.max(commitTs, mine);
      }
      floor = Math.min(floor, commitTs);
    }
    return floor;
  }

  /** Whether a DDL at {@code ddlCommitTs} may run: everything before it is applied everywhere. */
  static boolean ddlMayRun(final long floor, final long ddlCommitTs) {
    return floor >= ddlCommitTs - 1;
  }
}
