package io.kafkabinlog.pump.it;

import io.kafkabinlog.schemas.raw.BinlogHeader;
import io.kafkabinlog.schemas.raw.ChunkHeader;
import io.kafkabinlog.schemas.raw.RawRecords;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * Reads every partition of a raw topic from the beginning up to the end offsets it finds at the
 * start (read_uncommitted: the pump's producer is idempotent, not transactional), handing each
 * record to a {@link Visitor} in partition order.
 */
final class RawTopicReader {
  private static final Duration LIMIT = Duration.ofMinutes(5);

  /** Told about each record of the topic. */
  interface Visitor {
    /**
     * @param chunk the chunk header, or null for a whole binlog
     */
    void record(
        int partition,
        long offset,
        long keyStartTs,
        BinlogHeader header,
        ChunkHeader chunk,
        byte[] value);
  }

  private RawTopicReader() {}

  /** Reads the whole topic; returns the number of records. */
  static long readAll(
      final Map<String, Object> baseConfig, final String topic, final Visitor visitor) {
    final Map<String, Object> config = new HashMap<>(baseConfig);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 << 20);
    config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 16 << 20);
    long count = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      final List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
              .toList();
      final Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      // One partition at a time, so that the visitor sees each partition's records in order.
      for (TopicPartition tp : partitions) {
        final long end = ends.get(tp);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        final long deadline = System.nanoTime() + LIMIT.toNanos();
        while (consumer.position(tp) < end) {
          if (System.nanoTime() > deadline) {
            throw new AssertionError("could not read " + tp + " to offset " + end);
          }
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            if (r.offset() >= end) {
              continue;
            }
            final Header chunk = r.headers().lastHeader(RawRecords.CHUNK_HEADER);
            final Header binlog = r.headers().lastHeader(RawRecords.BINLOG_HEADER);
            if (binlog == null) {
              throw new AssertionError(tp + "@" + r.offset() + " has no binlog header");
            }
            visitor.record(
                r.partition(),
                r.offset(),
                RawRecords.startTsOfKey(r.key()),
                BinlogHeader.decode(binlog.value()),
                chunk == null ? null : ChunkHeader.decode(chunk.value()),
                r.value());
            count++;
          }
        }
      }
    }
    return count;
  }
}
