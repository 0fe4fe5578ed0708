package io.kafkabinlog.ordering.decode;

import io.kafkabinlog.ordering.observe.OrderingObserver;
import java.util.ArrayList;
import java.util.List;

/** Records stage 3's observer calls. */
final class RecordingObserver implements OrderingObserver {
  record Published(long commitTs, long startTs, int rows, boolean ddl) {}

  record DeadLettered(long commitTs, long startTs, String reason) {}

  final List<Published> published = new ArrayList<>();
  final List<DeadLettered> deadLettered = new ArrayList<>();
  final List<long[]> ddlApplied = new ArrayList<>();

  @Override
  public void published(
      final long commitTs, final long startTs, final int rows, final boolean ddl) {
    published.add(new Published(commitTs, startTs, rows, ddl));
  }

  @Override
  public void deadLettered(final long commitTs, final long startTs, final String reason) {
    deadLettered.add(new DeadLettered(commitTs, startTs, reason));
  }

  @Override
  public void ddlApplied(final long jobId, final long schemaVersion) {
    ddlApplied.add(new long[] {jobId, schemaVersion});
  }
}
