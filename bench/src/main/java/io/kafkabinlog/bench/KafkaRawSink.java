package io.kafkabinlog.bench;

import io.kafkabinlog.schemas.raw.RawRecords;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The baseline: the same records straight to one partition with a plain producer (the pump's
 * settings: idempotent, acks=all), key and binlog header as the pump writes them.
 */
final class KafkaRawSink implements BinlogSink {
  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;

  KafkaRawSink(final Map<String, Object> producerConfig, final String topic) {
    this.producer =
        new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
    this.topic = topic;
  }

  @Override
  public void send(final BenchBinlog binlog, final Done done) {
    producer.send(
        new ProducerRecord<>(
            topic,
            0,
            RawRecords.key(binlog.startTs()),
            binlog.payload(),
            List.of(new RecordHeader(RawRecords.BINLOG_HEADER, binlog.header().encode()))),
        (metadata, error) -> done.completed(error));
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(30));
  }
}
