package io.kafkabinlog.common.kafka;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Decides every Kafka name of one deployment: {@code <prefix>.<cluster-id>.<stream>}, using only
 * {@code [a-z0-9.-]} (never {@code _}: Kafka's metric names treat '.' and '_' alike, so topics
 * differing only there collide), at most 249 characters.
 *
 * <p>Partitioning that ordering depends on: the raw topic has one partition per pump (bound to the
 * pump's node id in etcd), so each partition has a single writer and keeps that pump's write order;
 * the control topic and the txn topic have one partition each, so one total order exists; the rows
 * topic is keyed by table id, so each table keeps commit order within its partition.
 */
public final class TopicNames {
  private static final int MAX_TOPIC_LENGTH = 249;
  private static final Pattern PREFIX = Pattern.compile("[a-z0-9][a-z0-9.-]*");

  private final String prefix;
  private final String clusterId;

  public TopicNames(final String prefix, final String clusterId) {
    if (!PREFIX.matcher(Objects.requireNonNull(prefix, "prefix")).matches()) {
      throw new IllegalArgumentException("topic prefix must match [a-z0-9][a-z0-9.-]*: " + prefix);
    }
    this.prefix = prefix;
    this.clusterId = sanitise(Objects.requireNonNull(clusterId, "clusterId"));
  }

  /** Pump binlogs as received: one partition per pump. */
  public String raw() {
    return topic("raw");
  }

  /** JOIN, LEAVE and heartbeat records of the pumps: one partition. */
  public String control() {
    return topic("control");
  }

  /** Missing commits or rollbacks written by the resolver, co-partitioned with {@link #raw()}. */
  public String resolutions() {
    return topic("resolutions");
  }

  /** Whole transactions in commit_ts order, then resolved-ts markers: one partition. */
  public String txn() {
    return topic("txn");
  }

  /** Row changes keyed by table id, resolved-ts markers on every partition. */
  public String rows() {
    return topic("rows");
  }

  /** Transactions that could not be decoded, when the dead-letter policy is chosen. */
  public String deadLetter() {
    return topic("dead-letter");
  }

  /** The kafka-sink's per-table Avro topic. */
  public String table(final String database, final String table) {
    return topic("avro." + sanitise(database) + "." + sanitise(table));
  }

  /**
   * The original drainer's Kafka output topic, {@code <clusterID>_obinlog}; its name is fixed by
   * the original consumers, so it is the one place where '_' is used.
   */
  public String obinlog() {
    return clusterId + "_obinlog";
  }

  /** Kafka Streams {@code application.id} of a component. */
  public String applicationId(final String component) {
    return topic(sanitise(component));
  }

  /** Consumer group of a component writing to one downstream target. */
  public String consumerGroup(final String component, final String target) {
    return topic(sanitise(component) + "." + sanitise(target));
  }

  private String topic(final String stream) {
    final String name = prefix + "." + clusterId + "." + stream;
    if (name.length() > MAX_TOPIC_LENGTH) {
      throw new IllegalArgumentException(
          "Kafka name longer than " + MAX_TOPIC_LENGTH + " characters: " + name);
    }
    return name;
  }

  /** Lower-cases and replaces anything outside [a-z0-9-] with '-'. */
  static String sanitise(final String part) {
    final String lower = part.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    if (lower.isEmpty()) {
      throw new IllegalArgumentException("empty name part");
    }
    return lower;
  }
}
