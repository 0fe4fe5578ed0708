package io.kafkabinlog.ordering.merge;

import java.nio.ByteBuffer;

/**
 * Stage 2's own progress.
 *
 * @param resolvedTs W: every transaction with commit_ts <= W has been emitted
 * @param heartbeatTs H: the newest control heartbeat read (the largest ts)
 * @param lastEmittedCommitTs commit_ts of the last transaction emitted (0 before any)
 */
record MergeProgress(long resolvedTs, long heartbeatTs, long lastEmittedCommitTs) {
  static final MergeProgress INITIAL = new MergeProgress(0, 0, 0);

  MergeProgress withResolved(final long ts) {
    return new MergeProgress(ts, heartbeatTs, lastEmittedCommitTs);
  }

  MergeProgress withHeartbeat(final long ts) {
    return new MergeProgress(resolvedTs, Math.max(heartbeatTs, ts), lastEmittedCommitTs);
  }

  MergeProgress withLastEmitted(final long commitTs) {
    return new MergeProgress(resolvedTs, heartbeatTs, commitTs);
  }

  byte[] toBytes() {
    return ByteBuffer.allocate(24)
        .putLong(resolvedTs)
        .putLong(heartbeatTs)
        .putLong(lastEmittedCommitTs)
        .array();
  }

  static MergeProgress fromBytes(final byte[] bytes) {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    return new MergeProgress(b.getLong(), b.getLong(), b.getLong());
  }
}
