package io.kafkabinlog.mysqlsink.partitioned;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.mysqlsink.checkpoint.PartitionPosition;
import org.junit.jupiter.api.Test;

class LaneProgressTest {
  private final LaneProgress progress = new LaneProgress(new PartitionPosition(-1, 100));

  @Test
  void startsAtTheStoredPositionWithNothingToFlush() {
    assertThat(progress.position()).isEqualTo(new PartitionPosition(-1, 100));
    assertThat(progress.unflushed()).isEmpty();
  }

  @Test
  void aTablesPartOfATransactionCompletesOnlyWhatCameBeforeIt() {
    progress.atHead(200);
    assertThat(progress.position()).isEqualTo(new PartitionPosition(-1, 199));
    progress.passed(200, 5);
    // Another table of commit_ts 200 may follow in the partition.
    assertThat(progress.position()).isEqualTo(new PartitionPosition(5, 199));
    progress.passed(200, 8);
    assertThat(progress.position()).isEqualTo(new PartitionPosition(8, 199));
    progress.atHead(300);
    assertThat(progress.position()).isEqualTo(new PartitionPosition(8, 299));
  }

  @Test
  void aDdlAndAMarkerCompleteTheirCommitTs() {
    progress.atHead(200);
    progress.passedDdl(200, 3);
    assertThat(progress.position()).isEqualTo(new PartitionPosition(3, 200));
    progress.resolved(250, 4);
    assertThat(progress.position()).isEqualTo(new PartitionPosition(4, 250));
  }

  @Test
  void neverMovesBack() {
    progress.resolved(500, 10);
    progress.passed(120, 6);
    progress.atHead(50);
    assertThat(progress.position()).isEqualTo(new PartitionPosition(10, 500));
  }

  @Test
  void reportsWhatMovedSinceTheLastFlush() {
    progress.resolved(150, 2);
    assertThat(progress.unflushed()).contains(new PartitionPosition(2, 150));
    progress.flushed(new PartitionPosition(2, 150));
    assertThat(progress.unflushed()).isEmpty();
    progress.resolved(160, 3);
    // A flush of an older position leaves the newer one to flush.
    progress.flushed(new PartitionPosition(2, 150));
    assertThat(progress.unflushed()).contains(new PartitionPosition(3, 160));
  }
}
