package io.kafkabinlog.binlogctl.offline;

import com.google.protobuf.InvalidProtocolBufferException;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.schemas.proto.control.PumpControl;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * Checks that a pump without a liveness key really stopped writing: over a quiet window its raw
 * partition does not grow and the control topic gets no record of it. A running pump writes a
 * control heartbeat about every 100 ms, so a window of a second sees ten of them; a pump that lost
 * its etcd lease but still runs (it logs that and keeps serving) is caught here. Offsets are
 * compared, not clocks, so skewed clocks between hosts do not matter.
 */
final class PumpQuietCheck {
  private final Consumer<byte[], byte[]> consumer;
  private final Duration window;
  private final Duration timeout;

  /**
   * @param consumer a consumer without a group, owned by the caller
   */
  PumpQuietCheck(
      final Consumer<byte[], byte[]> consumer, final Duration window, final Duration timeout) {
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    this.window = Objects.requireNonNull(window, "window");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * @throws FatalBinlogException {@code REGISTRY_CONFLICT} naming what the pump wrote
   * @throws RetriableBinlogException {@code KAFKA_UNAVAILABLE} if Kafka did not answer
   */
  void verify(final String nodeId, final TopicPartition raw, final TopicPartition control) {
    final List<TopicPartition> both = List.of(raw, control);
    final Map<TopicPartition, Long> before = endOffsets(both);
    try {
      Thread.sleep(window.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriableBinlogException(
          ErrorCode.SHUTTING_DOWN, "interrupted during the quiet window of pump " + nodeId, e);
    }
    final Map<TopicPartition, Long> after = endOffsets(both);
    final long rawGrowth = after.get(raw) - before.get(raw);
    if (rawGrowth > 0) {
      throw stillRunning(
          nodeId,
          rawGrowth + " records were appended to its raw partition " + raw + " within " + window);
    }
    final byte[] key = nodeId.getBytes(StandardCharsets.UTF_8);
    final long from = before.get(control);
    final long to = after.get(control);
    if (to <= from) {
      return;
    }
    try {
      consumer.assign(List.of(control));
      consumer.seek(control, from);
      final long deadline = System.nanoTime() + timeout.toNanos();
      while (consumer.position(control, timeout) < to) {
        if (System.nanoTime() > deadline) {
          throw new RetriableBinlogException(
              ErrorCode.KAFKA_UNAVAILABLE,
              "could not read control topic "
                  + control
                  + " from "
                  + from
                  + " to "
                  + to
                  + " within "
                  + timeout);
        }
        for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.offset() < to && Arrays.equals(record.key(), key)) {
            throw stillRunning(
                nodeId,
                "it wrote "
                    + describe(record.value())
                    + " to control topic "
                    + control
                    + " at offset "
                    + record.offset()
                    + " within "
                    + window);
          }
        }
      }
    } catch (KafkaException e) {
      throw new RetriableBinlogException(
          ErrorCode.KAFKA_UNAVAILABLE, "could not read control topic " + control + ": " + e, e);
    }
  }

  private Map<TopicPartition, Long> endOffsets(final List<TopicPartition> partitions) {
    try {
      return consumer.endOffsets(partitions, timeout);
    } catch (KafkaException e) {
      throw new RetriableBinlogException(
          ErrorCode.KAFKA_UNAVAILABLE,
          "could not read the end offsets of " + partitions + " within " + timeout + ": " + e,
          e);
    }
  }

  private static String describe(final byte[] value) {
    try {
      return PumpControl.parseFrom(value).getKind().name();
    } catch (InvalidProtocolBufferException e) {
      return "a record";
    }
  }

  private static FatalBinlogException stillRunning(final String nodeId, final String evidence) {
    return new FatalBinlogException(
        ErrorCode.REGISTRY_CONFLICT,
        "pump "
            + nodeId
            + " holds no liveness key but still writes: "
            + evidence
            + ". It probably lost its etcd lease and runs on; stop that process (or retry"
            + " if it is just shutting down), then run offline-pump again");
  }
}
