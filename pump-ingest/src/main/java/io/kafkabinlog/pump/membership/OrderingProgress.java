package io.kafkabinlog.pump.membership;

import io.kafkabinlog.common.error.BoundedWait;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.RetriableBinlogException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * Whether the ordering stream has read past given positions, from the offsets its consumer group
 * (the Kafka Streams application id) committed. A closing pump asks it for the position of its
 * final fake binlog (raw partition) and of its LEAVE (control partition). Under exactly-once the
 * offsets are committed with the stream's output, so "passed" means processed, not just fetched.
 */
public final class OrderingProgress {
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

  /** The answer of {@link #check}. */
  public enum State {
    /** The group has no committed offset for any of the partitions: no stream ever ran. */
    NO_GROUP,
    /** Some position is not passed yet. */
    BEHIND,
    /** The committed offset is beyond the position on every partition. */
    PASSED
  }

  /**
   * @param state the answer
   * @param lag records between the committed offsets and the positions, inclusive (0 unless BEHIND;
   *     a partition without a committed offset counts from its start)
   */
  public record Progress(State state, long lag) {
    public Progress {
      Objects.requireNonNull(state, "state");
    }
  }

  private final Admin admin;
  private final String groupId;
  private final Duration timeout;

  public OrderingProgress(final Admin admin, final String groupId) {
    this(admin, groupId, DEFAULT_TIMEOUT);
  }

  public OrderingProgress(final Admin admin, final String groupId, final Duration timeout) {
    this.admin = Objects.requireNonNull(admin, "admin");
    this.groupId = Objects.requireNonNull(groupId, "groupId");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * @param positions offset of a record per partition that the stream must have read
   * @throws RetriableBinlogException if Kafka does not answer in time
   */
  public Progress check(final Map<TopicPartition, Long> positions) {
    if (positions.isEmpty()) {
      throw new IllegalArgumentException("no positions to check");
    }
    final Map<TopicPartition, OffsetAndMetadata> committed = committed();
    long lag = 0;
    boolean anyCommitted = false;
    for (final Map.Entry<TopicPartition, Long> position : positions.entrySet()) {
      final OffsetAndMetadata offset = committed.get(position.getKey());
      final long next = offset == null ? 0 : offset.offset();
      anyCommitted |= offset != null;
      lag += Math.max(0, position.getValue() + 1 - next);
    }
    if (!anyCommitted) {
      return new Progress(State.NO_GROUP, 0);
    }
    return lag == 0 ? new Progress(State.PASSED, 0) : new Progress(State.BEHIND, lag);
  }

  private Map<TopicPartition, OffsetAndMetadata> committed() {
    final Map<TopicPartition, OffsetAndMetadata> offsets;
    try {
      offsets =
          BoundedWait.await(
              admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata(),
              timeout,
              ErrorCode.KAFKA_UNAVAILABLE,
              "Kafka",
              "list the committed offsets of the ordering stream's group " + groupId,
              "[kafka] bootstrap-servers and [kafka] ordering-group");
    } catch (RetriableBinlogException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return Map.of();
      }
      throw e;
    }
    // Partitions without a committed offset may come back with a null value.
    final Map<TopicPartition, OffsetAndMetadata> present = new HashMap<>();
    offsets.forEach(
        (partition, offset) -> {
          if (offset != null) {
            present.put(partition, offset);
          }
        });
    return present;
  }
}
