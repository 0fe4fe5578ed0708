package io.kafkabinlog.ordering.pairing;

import io.kafkabinlog.common.error.BoundedWait;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.schemas.binlog.Binlogs;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.raw.BinlogHeader;
import io.kafkabinlog.schemas.raw.RawRecords;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * {@link ResolutionWriter} producing to the resolutions topic in the raw record format: key {@link
 * RawRecords#key start_ts}, value the marshalled {@code Binlogs.commit(S, C)} or {@code
 * Binlogs.rollback(S)}, header {@value RawRecords#BINLOG_HEADER}, in the given partition (the
 * prewrite's raw partition). Each write waits for its acknowledgement at most {@code timeout}; a
 * failure or a timeout is a {@link RetriableBinlogException} {@code KAFKA_UNAVAILABLE} (writing the
 * same resolution again is harmless). Closing the writer closes the producer.
 */
public final class KafkaResolutionWriter implements ResolutionWriter {
  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final Duration timeout;

  public KafkaResolutionWriter(
      final Producer<byte[], byte[]> producer, final String topic, final Duration timeout) {
    this.producer = producer;
    this.topic = topic;
    this.timeout = timeout;
  }

  @Override
  public void write(final int partition, final long startTs, final long commitTs) {
    final BinlogHeader header =
        commitTs == 0
            ? new BinlogHeader(BinlogType.Rollback, startTs, 0)
            : new BinlogHeader(BinlogType.Commit, startTs, commitTs);
    final byte[] value =
        (commitTs == 0 ? Binlogs.rollback(startTs) : Binlogs.commit(startTs, commitTs))
            .toByteArray();
    final ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(
            topic,
            partition,
            RawRecords.key(startTs),
            value,
            List.<Header>of(new RecordHeader(RawRecords.BINLOG_HEADER, header.encode())));
    final String what =
        "acknowledge the "
            + (commitTs == 0 ? "rollback" : "commit")
            + " resolution of start_ts "
            + startTs
            + " in "
            + topic
            + "-"
            + partition;
    final Future<RecordMetadata> sent;
    try {
      sent = producer.send(record);
    } catch (KafkaException e) {
      throw new RetriableBinlogException(
          ErrorCode.KAFKA_UNAVAILABLE, "Kafka refused to " + what + ": " + e, e);
    }
    BoundedWait.await(
        sent, timeout, ErrorCode.KAFKA_UNAVAILABLE, "Kafka", what, "[kafka] bootstrap-servers");
  }

  @Override
  public void close() {
    producer.close(timeout);
  }
}
