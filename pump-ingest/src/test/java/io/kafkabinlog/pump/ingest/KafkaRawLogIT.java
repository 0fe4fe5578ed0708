package io.kafkabinlog.pump.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.kafkabinlog.common.config.KafkaSection.KafkaSettings;
import io.kafkabinlog.pump.metrics.PumpMetrics;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.raw.BinlogHeader;
import io.kafkabinlog.schemas.raw.ChunkHeader;
import io.kafkabinlog.schemas.raw.ChunkReassembler;
import io.kafkabinlog.schemas.raw.RawRecords;
import io.kafkabinlog.testkit.KafkaServiceExtension;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A 20 MiB binlog and 200 small ones appended concurrently to a topic limited to 1 MiB messages:
 * read back uncommitted and reassembled, every acknowledged binlog is there, byte for byte.
 */
@Tag("integration")
class KafkaRawLogIT {
  @RegisterExtension static final KafkaServiceExtension KAFKA = new KafkaServiceExtension();

  private static final int MAX_MESSAGE = 1 << 20;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void chunkedAndWholeBinlogsRoundTrip() throws Exception {
    final String topic = KAFKA.createTopic("raw", 2);
    final ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    KAFKA
        .admin()
        .incrementalAlterConfigs(
            Map.of(
                resource,
                List.of(
                    new AlterConfigOp(
                        new ConfigEntry(
                            TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_MESSAGE)),
                        AlterConfigOp.OpType.SET))))
        .all()
        .get(30, TimeUnit.SECONDS);

    final KafkaSettings settings =
        new KafkaSettings(List.of(KAFKA.bootstrapServers()), "binlog", Map.of());
    final Duration timeout = Duration.ofSeconds(30);
    final List<String> acked = Collections.synchronizedList(new ArrayList<>());
    final Random random = new Random(11);
    final byte[] bigBytes = new byte[20 << 20];
    random.nextBytes(bigBytes);
    final ByteString big = ByteString.copyFrom(bigBytes);
    final Map<Long, ByteString> smalls = new ConcurrentHashMap<>();
    for (long ts = 1; ts <= 200; ts++) {
      final byte[] bytes = new byte[1 + random.nextInt(4000)];
      random.nextBytes(bytes);
      smalls.put(ts, ByteString.copyFrom(bytes));
    }

    final RawPosition bigPosition;
    final Map<Long, RawPosition> smallPositions = new ConcurrentHashMap<>();
    try (KafkaRawLog log =
        new KafkaRawLog(
            new KafkaProducer<>(KafkaRawLog.producerConfig(settings, MAX_MESSAGE, timeout)),
            topic,
            1,
            RawTopics.chunkBytes(MAX_MESSAGE, MAX_MESSAGE),
            timeout,
            new PumpMetrics(new PrometheusRegistry()),
            (header, position) -> acked.add(header.startTs() + "@" + position.offset()))) {
      final ExecutorService writers = Executors.newFixedThreadPool(4);
      final List<CompletableFuture<Void>> smallDone = new ArrayList<>();
      final CompletableFuture<RawPosition> bigDone =
          log.append(new BinlogHeader(BinlogType.Prewrite, 1_000_000, 0), big);
      for (final Map.Entry<Long, ByteString> e : smalls.entrySet()) {
        smallDone.add(
            CompletableFuture.supplyAsync(
                    () ->
                        log.append(
                            new BinlogHeader(BinlogType.Commit, e.getKey(), e.getKey() + 1),
                            e.getValue()),
                    writers)
                .thenCompose(f -> f)
                .thenAccept(p -> smallPositions.put(e.getKey(), p)));
      }
      bigPosition = bigDone.get(60, TimeUnit.SECONDS);
      CompletableFuture.allOf(smallDone.toArray(CompletableFuture[]::new))
          .get(60, TimeUnit.SECONDS);
      writers.shutdown();
    }
    assertThat(bigPosition.records()).isEqualTo(21);
    assertThat(acked).hasSize(201);

    final Map<String, Object> consumerConfig = new HashMap<>(KAFKA.consumerConfig());
    consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    final ChunkReassembler<byte[]> reassembler = ChunkReassembler.inMemory();
    final Map<Long, Long> seenSmall = new HashMap<>();
    byte[] reassembled = null;
    long reassembledAt = -1;
    long lastOffset = -1;
    final long end =
        Math.max(
            bigPosition.offset(),
            smallPositions.values().stream().mapToLong(RawPosition::offset).max().orElseThrow());
    final TopicPartition partition = new TopicPartition(topic, 1);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig)) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (lastOffset < end && System.nanoTime() < deadline) {
        for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          lastOffset = record.offset();
          final BinlogHeader header =
              BinlogHeader.decode(record.headers().lastHeader(RawRecords.BINLOG_HEADER).value());
          assertThat(RawRecords.startTsOfKey(record.key())).isEqualTo(header.startTs());
          final Header chunk = record.headers().lastHeader(RawRecords.CHUNK_HEADER);
          if (chunk == null) {
            assertThat(record.value())
                .as("start_ts %d", header.startTs())
                .isEqualTo(smalls.get(header.startTs()).toByteArray());
            seenSmall.put(header.startTs(), record.offset());
          } else {
            final ChunkReassembler.Result<byte[]> result =
                reassembler.accept(ChunkHeader.decode(chunk.value()), record.value());
            assertThat(result)
                .isInstanceOfAny(ChunkReassembler.Pending.class, ChunkReassembler.Complete.class);
            if (result instanceof ChunkReassembler.Complete<byte[]> complete) {
              reassembled = complete.value();
              reassembledAt = record.offset();
            }
          }
        }
      }
    }
    assertThat(reassembled).isEqualTo(bigBytes);
    assertThat(reassembledAt).isEqualTo(bigPosition.offset());
    assertThat(seenSmall).hasSize(200);
    for (final Map.Entry<Long, RawPosition> e : smallPositions.entrySet()) {
      assertThat(seenSmall.get(e.getKey())).isEqualTo(e.getValue().offset());
    }
  }
}
