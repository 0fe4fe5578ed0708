package io.kafkabinlog.ordering.pairing;

import java.util.List;

/**
 * Read-only view of stage 1's pending prewrites (interactive queries in the app, the test driver's
 * store in tests).
 */
public interface PendingView {

  /** Pending prewrites with start_ts <= {@code maxStartTs}, oldest first, at most {@code limit}. */
  List<PendingPrewrite> pendingUpTo(long maxStartTs, int limit);
}
