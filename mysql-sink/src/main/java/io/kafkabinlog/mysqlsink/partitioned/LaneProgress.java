package io.kafkabinlog.mysqlsink.partitioned;

import io.kafkabinlog.mysqlsink.checkpoint.PartitionPosition;
import java.util.Optional;

/**
 * The in-memory {@link PartitionPosition} of one partition this member applies: how far it is known
 * to be applied, and what of that is not written to the progress table yet.
 *
 * <p>A partition's records come in commit_ts order, and its items are applied one after the other,
 * so:
 *
 * <ul>
 *   <li>when an item at commit_ts C is next and everything before it is applied, everything of the
 *       partition at or below C - 1 is applied ({@link #atHead}); this is how a partition waiting
 *       on a DDL at C shows C - 1 to the DDL barrier;
 *   <li>a table's part of a transaction at C does not complete C: another table of the same
 *       transaction may follow in the partition ({@link #passed} keeps C - 1);
 *   <li>a DDL at C is a transaction of its own: passing it completes C ({@link #passedDdl});
 *   <li>a resolved-ts marker W completes W ({@link #resolved}).
 * </ul>
 *
 * Written by the lane's worker, read and flushed by the polling thread: thread-safe.
 */
final class LaneProgress {
  private PartitionPosition position;
  private PartitionPosition flushed;

  /** Starts at the stored position (which is thus flushed). */
  LaneProgress(final PartitionPosition stored) {
    this.position = stored;
    this.flushed = stored;
  }

  synchronized void atHead(final long commitTs) {
    advance(position.nextOffset(), commitTs - 1);
  }

  synchronized void passed(final long commitTs, final long nextOffset) {
    advance(nextOffset, commitTs - 1);
  }

  synchronized void passedDdl(final long commitTs, final long nextOffset) {
    advance(nextOffset, commitTs);
  }

  synchronized void resolved(final long resolvedTs, final long nextOffset) {
    advance(nextOffset, resolvedTs);
  }

  synchronized PartitionPosition position() {
    return position;
  }

  /** The position if it moved since the last {@link #flushed}. */
  synchronized Optional<PartitionPosition> unflushed() {
    return position.equals(flushed) ? Optional.empty() : Optional.of(position);
  }

  /** {@code written} is in the progress table now. */
  synchronized void flushed(final PartitionPosition written) {
    flushed = flushed.max(written);
  }

  private void advance(final long nextOffset, final long commitTs) {
    position = position.max(new PartitionPosition(nextOffset, commitTs));
  }
}
