package io.kafkabinlog.common.config;

import io.kafkabinlog.common.kafka.TopicReplication;
import org.apache.kafka.common.config.ConfigDef;

/**
 * {@code [kafka] replication-factor} and {@code min-insync-replicas}: how the topics a component
 * creates are replicated. The pump and the ordering stream read the same keys, so that whichever
 * creates a shared topic first creates it alike.
 */
public final class ReplicationSection {
  public static final String REPLICATION_FACTOR = "kafka.replication-factor";
  public static final String MIN_INSYNC_REPLICAS = "kafka.min-insync-replicas";

  private ReplicationSection() {}

  /**
   * Adds the two keys; {@code createdTopics} names the topics in their documentation (e.g. {@code
   * "topics the pump creates"}).
   */
  public static ConfigDef define(final ConfigDef def, final String createdTopics) {
    return def.define(
            REPLICATION_FACTOR,
            ConfigDef.Type.INT,
            0,
            ConfigDef.Range.between(0, Short.MAX_VALUE),
            ConfigDef.Importance.MEDIUM,
            "Replication factor of " + createdTopics + "; 0: min(3, brokers).")
        .define(
            MIN_INSYNC_REPLICAS,
            ConfigDef.Type.INT,
            0,
            ConfigDef.Range.atLeast(0),
            ConfigDef.Importance.MEDIUM,
            "min.insync.replicas of " + createdTopics + "; 0: min(2, replication factor).");
  }

  /** Reads the keys; a min-insync-replicas above a set replication factor is a problem. */
  public static TopicReplication read(final ConfigReader r) {
    final int replicationFactor = r.getInt(REPLICATION_FACTOR);
    final int minInsync = r.getInt(MIN_INSYNC_REPLICAS);
    r.check(
        replicationFactor == 0 || minInsync <= replicationFactor,
        MIN_INSYNC_REPLICAS,
        "must not exceed kafka.replication-factor (" + replicationFactor + ")");
    return new TopicReplication((short) replicationFactor, minInsync);
  }
}
