package io.kafkabinlog.common.kafka;

import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How a created topic is replicated; 0 means "choose from the cluster's size".
 *
 * @param factor replication factor; 0: min(3, brokers)
 * @param minInsyncReplicas {@code min.insync.replicas}; 0: min(2, replication factor)
 */
public record TopicReplication(short factor, int minInsyncReplicas) {

  /** Both values set: the defaults applied for a cluster of {@code brokers} brokers. */
  public TopicReplication resolvedFor(final int brokers) {
    final short resolved = factor > 0 ? factor : (short) Math.max(1, Math.min(3, brokers));
    return new TopicReplication(
        resolved, minInsyncReplicas > 0 ? minInsyncReplicas : Math.min(2, resolved));
  }

  /** The topic configs that carry this: {@code min.insync.replicas}. */
  public Map<String, String> topicConfigs() {
    return Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(minInsyncReplicas));
  }
}
