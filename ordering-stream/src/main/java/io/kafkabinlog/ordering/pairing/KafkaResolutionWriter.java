package io.kafkabinlog.ordering.pairing;

import java.time.Duration;
import org.apache.kafka.clients.producer.Producer;

/** {@link ResolutionWriter} producing to the resolutions topic (raw record format). */
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
    throw new UnsupportedOperationException("not built yet " + producer + topic + timeout);
  }
}
