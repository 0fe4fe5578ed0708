package io.kafkabinlog.ordering.pairing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.error.BinlogException;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.schemas.binlog.BinlogParser;
import io.kafkabinlog.schemas.binlog.Binlogs;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.raw.BinlogHeader;
import io.kafkabinlog.schemas.raw.RawRecords;
import io.kafkabinlog.testkit.KafkaServiceExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The resolver's writer against the real broker: partition, key, header and value as stage 1 reads
 * them.
 */
@Tag("integration")
class KafkaResolutionWriterIT {
  @RegisterExtension static final KafkaServiceExtension KAFKA = new KafkaServiceExtension();

  private static final int PARTITIONS = 3;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void writesCommitsAndRollbacksToTheGivenPartitionInTheRawFormat() throws Exception {
    final String topic = KAFKA.createTopic("resolutions", PARTITIONS);
    try (KafkaResolutionWriter writer =
        new KafkaResolutionWriter(
            new KafkaProducer<>(KAFKA.producerConfig()), topic, Duration.ofSeconds(20))) {
      writer.write(2, 100, 150);
      writer.write(1, 200, 0);
    }

    final List<ConsumerRecord<byte[], byte[]>> records = readAll(topic, 2);
    assertThat(records).hasSize(2);
    final ConsumerRecord<byte[], byte[]> commit =
        records.stream().filter(r -> r.partition() == 2).findFirst().orElseThrow();
    assertThat(commit.key()).isEqualTo(RawRecords.key(100));
    assertThat(BinlogHeader.decode(commit.headers().lastHeader(RawRecords.BINLOG_HEADER).value()))
        .isEqualTo(new BinlogHeader(BinlogType.Commit, 100, 150));
    assertThat(commit.headers().lastHeader(RawRecords.CHUNK_HEADER)).isNull();
    assertThat(new BinlogParser().parse(commit.value())).isEqualTo(Binlogs.commit(100, 150));

    final ConsumerRecord<byte[], byte[]> rollback =
        records.stream().filter(r -> r.partition() == 1).findFirst().orElseThrow();
    assertThat(rollback.key()).isEqualTo(RawRecords.key(200));
    assertThat(BinlogHeader.decode(rollback.headers().lastHeader(RawRecords.BINLOG_HEADER).value()))
        .isEqualTo(new BinlogHeader(BinlogType.Rollback, 200, 0));
    assertThat(new BinlogParser().parse(rollback.value())).isEqualTo(Binlogs.rollback(200));
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aWriteKafkaCannotTakeIsRetriableKafkaUnavailable() throws Exception {
    final String topic = KAFKA.createTopic("resolutions", PARTITIONS);
    final Map<String, Object> config = KAFKA.producerConfig();
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1500);
    try (KafkaResolutionWriter writer =
        new KafkaResolutionWriter(new KafkaProducer<>(config), topic, Duration.ofSeconds(5))) {
      // Partition 7 of a 3-partition topic never shows up in the metadata.
      assertThatThrownBy(() -> writer.write(7, 100, 150))
          .isInstanceOf(RetriableBinlogException.class)
          .satisfies(
              e -> {
                assertThat(((BinlogException) e).code()).isEqualTo(ErrorCode.KAFKA_UNAVAILABLE);
                assertThat(e.getMessage()).contains("start_ts 100", topic + "-7");
              });
    }
  }

  private static List<ConsumerRecord<byte[], byte[]>> readAll(final String topic, final int n) {
    final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KAFKA.consumerConfig())) {
      final List<TopicPartition> partitions =
          IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(topic, p)).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (records.size() < n && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }
}
