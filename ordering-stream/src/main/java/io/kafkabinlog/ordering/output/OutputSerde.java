package io.kafkabinlog.ordering.output;

import java.util.Optional;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.StreamPartitioner;

/** Serializes {@link OutputRecord}s: Avro through the registry serializer, dead letters as is. */
public final class OutputSerde implements Serde<OutputRecord> {
  private final Serializer<GenericRecord> avro;

  public OutputSerde(final Serializer<GenericRecord> avro) {
    this.avro = avro;
  }

  @Override
  public Serializer<OutputRecord> serializer() {
    return (topic, record) -> {
      if (record == null) {
        return null;
      }
      if (record instanceof OutputRecord.Avro a) {
        return avro.serialize(topic, a.value());
      }
      return ((OutputRecord.DeadLetter) record).value();
    };
  }

  @Override
  public Deserializer<OutputRecord> deserializer() {
    return (topic, bytes) -> {
      throw new UnsupportedOperationException("output records are only written");
    };
  }

  /** Sends each record to the partition stage 3 chose for it. */
  public static <K> StreamPartitioner<K, OutputRecord> partitioner() {
    return new StreamPartitioner<>() {
      @Override
      public Optional<Set<Integer>> partitions(
          final String topic, final K key, final OutputRecord value, final int numPartitions) {
        return Optional.of(Set.of(value.partition()));
      }
    };
  }
}
