package io.kafkabinlog.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TopicReplicationTest {
  @Test
  void zeroesFollowTheClusterSize() {
    final TopicReplication unset = new TopicReplication((short) 0, 0);
    assertThat(unset.resolvedFor(1)).isEqualTo(new TopicReplication((short) 1, 1));
    assertThat(unset.resolvedFor(2)).isEqualTo(new TopicReplication((short) 2, 2));
    assertThat(unset.resolvedFor(5)).isEqualTo(new TopicReplication((short) 3, 2));
    assertThat(unset.resolvedFor(0)).isEqualTo(new TopicReplication((short) 1, 1));
  }

  @Test
  void setValuesAreKept() {
    assertThat(new TopicReplication((short) 2, 0).resolvedFor(5))
        .isEqualTo(new TopicReplication((short) 2, 2));
    assertThat(new TopicReplication((short) 0, 1).resolvedFor(5))
        .isEqualTo(new TopicReplication((short) 3, 1));
  }

  @Test
  void topicConfigsCarryMinInsyncReplicas() {
    assertThat(new TopicReplication((short) 3, 2).topicConfigs())
        .isEqualTo(Map.of("min.insync.replicas", "2"));
  }
}
