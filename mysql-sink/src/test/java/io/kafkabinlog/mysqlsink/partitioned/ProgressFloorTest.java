package io.kafkabinlog.mysqlsink.partitioned;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.mysqlsink.checkpoint.PartitionPosition;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressFloorTest {
  private final ProgressFloor floor = new ProgressFloor(3, 100);

  @Test
  void theFloorIsTheMinimumOverAllPartitionsOfTheTopic() {
    assertThat(
            floor.of(
                Map.of(
                    0, new PartitionPosition(10, 500),
                    1, new PartitionPosition(4, 300),
                    2, new PartitionPosition(7, 900)),
                Map.of()))
        .isEqualTo(300);
  }

  @Test
  void aPartitionNoMemberWroteYetCountsAsTheStartingCheckpoint() {
    assertThat(
            floor.of(
                Map.of(0, new PartitionPosition(10, 500), 2, new PartitionPosition(7, 900)),
                Map.of()))
        .as("partition 1 has no row")
        .isEqualTo(100);
    assertThat(floor.of(Map.of(), Map.of())).isEqualTo(100);
  }

  @Test
  void rowsOfOtherTopicsOrPartitionsBeyondTheCountDoNotCount() {
    assertThat(
            floor.of(
                Map.of(
                    0, new PartitionPosition(1, 500),
                    1, new PartitionPosition(1, 600),
                    2, new PartitionPosition(1, 700),
                    3, new PartitionPosition(1, 5)),
                Map.of()))
        .isEqualTo(500);
  }

  @Test
  void thisMembersUnflushedProgressRaisesItsPartitionsButNeverLowersThem() {
    final Map<Integer, PartitionPosition> stored =
        Map.of(
            0, new PartitionPosition(10, 500),
            1, new PartitionPosition(4, 300),
            2, new PartitionPosition(7, 900));
    assertThat(floor.of(stored, Map.of(1, 800L))).isEqualTo(500);
    assertThat(floor.of(stored, Map.of(1, 200L, 0, 100L))).isEqualTo(300);
    assertThat(floor.of(Map.of(), Map.of(0, 400L, 1, 400L, 2, 450L))).isEqualTo(400);
  }

  @Test
  void aDdlRunsOnlyOnceEverythingBeforeItIsAppliedEverywhere() {
    assertThat(ProgressFloor.ddlMayRun(499, 500)).isTrue();
    assertThat(ProgressFloor.ddlMayRun(500, 500)).as("applied by another member").isTrue();
    assertThat(ProgressFloor.ddlMayRun(498, 500)).isFalse();
    // Three partitions: the DDL's own waits at 499, one partition still behind at 450.
    final long behind =
        floor.of(
            Map.of(1, new PartitionPosition(3, 450), 2, new PartitionPosition(3, 700)),
            Map.of(0, 499L));
    assertThat(ProgressFloor.ddlMayRun(behind, 500)).isFalse();
    final long caughtUp =
        floor.of(
            Map.of(1, new PartitionPosition(3, 499), 2, new PartitionPosition(3, 700)),
            Map.of(0, 499L));
    assertThat(ProgressFloor.ddlMayRun(caughtUp, 500)).isTrue();
  }

  @Test
  void aTopicHasPartitions() {
    assertThatThrownBy(() -> new ProgressFloor(0, 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
