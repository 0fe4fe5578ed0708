package io.kafkabinlog.ordering.pairing;

import io.kafkabinlog.ordering.observe.OrderingObserver;
import java.util.ArrayList;
import java.util.List;

/** Keeps stage 1's and the resolver's observer calls as readable strings. */
final class RecordingObserver implements OrderingObserver {
  final List<String> watermarks = new ArrayList<>();
  final List<String> pending = new ArrayList<>();
  final List<String> orphans = new ArrayList<>();
  final List<String> rolledBack = new ArrayList<>();
  final List<String> chunkProblems = new ArrayList<>();
  final List<String> resolutions = new ArrayList<>();

  @Override
  public synchronized void pumpWatermark(final int partition, final long ts) {
    watermarks.add(partition + ":" + ts);
  }

  @Override
  public synchronized void pendingPrewrites(
      final int partition, final int count, final long oldestStartTs) {
    pending.add(partition + ":" + count + "@" + oldestStartTs);
  }

  @Override
  public synchronized void orphanCommit(
      final int partition, final long startTs, final long commitTs) {
    orphans.add(partition + ":" + startTs + "->" + commitTs);
  }

  @Override
  public synchronized void rolledBack(final int partition, final long startTs) {
    rolledBack.add(partition + ":" + startTs);
  }

  @Override
  public synchronized void chunkProblem(final int partition, final String reason) {
    chunkProblems.add(partition + ":" + reason);
  }

  @Override
  public synchronized void resolution(
      final int partition, final long startTs, final long commitTs) {
    resolutions.add(partition + ":" + startTs + "->" + commitTs);
  }
}
