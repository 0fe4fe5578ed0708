package io.kafkabinlog.ordering.merge;

import io.kafkabinlog.ordering.observe.OrderingObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Records stage 2's observer calls for assertions (single-threaded under the test driver). */
final class RecordingObserver implements OrderingObserver {
  /** A member's last reported state. */
  record Member(String nodeId, long effectiveTs, boolean leaving) {}

  final List<String> duplicates = new ArrayList<>();
  final List<String> left = new ArrayList<>();
  final Map<Integer, Member> members = new TreeMap<>();
  long resolvedTs;
  long heartbeatTs;
  int buffered;

  @Override
  public void member(
      final int partition, final String nodeId, final long effectiveTs, final boolean leaving) {
    members.put(partition, new Member(nodeId, effectiveTs, leaving));
  }

  @Override
  public void memberLeft(final int partition, final String nodeId) {
    left.add(partition + ":" + nodeId);
    members.remove(partition);
  }

  @Override
  public void heartbeat(final long ts) {
    heartbeatTs = ts;
  }

  @Override
  public void resolvedTs(final long ts) {
    resolvedTs = ts;
  }

  @Override
  public void duplicate(final long startTs, final long commitTs) {
    duplicates.add(startTs + "@" + commitTs);
  }

  @Override
  public void buffered(final int transactions) {
    buffered = transactions;
  }
}
