package io.kafkabinlog.pump.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.kafkabinlog.common.config.KafkaSection.KafkaSettings;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.pump.metrics.PumpMetrics;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.raw.BinlogHeader;
import io.kafkabinlog.schemas.raw.ChunkHeader;
import io.kafkabinlog.schemas.raw.ChunkReassembler;
import io.kafkabinlog.schemas.raw.RawRecords;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KafkaRawLogTest {
  private static final String TOPIC = "binlog.1.raw";
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private final PumpMetrics metrics = new PumpMetrics(new PrometheusRegistry());
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());
  private final Random random = new Random(7);
  private KafkaRawLog log;

  @AfterEach
  void close() {
    if (log != null) {
      log.close();
    }
  }

  private static MockProducer<byte[], byte[]> producer(final boolean autoComplete) {
    return new MockProducer<>(
        autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private KafkaRawLog log(final MockProducer<byte[], byte[]> producer, final int chunkBytes) {
    log =
        new KafkaRawLog(
            producer,
            TOPIC,
            3,
            chunkBytes,
            TIMEOUT,
            metrics,
            (header, position) -> events.add(header.startTs() + "@" + position.offset()));
    return log;
  }

  private ByteString payload(final int size) {
    final byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    return ByteString.copyFrom(bytes);
  }

  private static BinlogHeader prewrite(final long startTs) {
    return new BinlogHeader(BinlogType.Prewrite, startTs, 0);
  }

  private static byte[] header(final ProducerRecord<byte[], byte[]> record, final String name) {
    final Header h = record.headers().lastHeader(name);
    return h == null ? null : h.value();
  }

  @Test
  void smallPayloadIsOneRecordAndCompletesOnlyAfterAck() throws Exception {
    final MockProducer<byte[], byte[]> producer = producer(false);
    final KafkaRawLog raw = log(producer, 1000);
    final ByteString payload = payload(1000);
    final CompletableFuture<RawPosition> future = raw.append(prewrite(42), payload);
    assertThat(future).isNotDone();
    assertThat(producer.history()).hasSize(1);
    final ProducerRecord<byte[], byte[]> record = producer.history().get(0);
    assertThat(record.partition()).isEqualTo(3);
    assertThat(RawRecords.startTsOfKey(record.key())).isEqualTo(42);
    assertThat(record.value()).isEqualTo(payload.toByteArray());
    assertThat(BinlogHeader.decode(header(record, RawRecords.BINLOG_HEADER)))
        .isEqualTo(prewrite(42));
    assertThat(header(record, RawRecords.CHUNK_HEADER)).isNull();
    assertThat(events).isEmpty();
    producer.completeNext();
    assertThat(future.get(1, TimeUnit.SECONDS)).isEqualTo(new RawPosition(3, 0, 1));
    assertThat(events).containsExactly("42@0");
  }

  @Test
  void listenerRunsBeforeTheFutureCompletes() throws Exception {
    final MockProducer<byte[], byte[]> producer = producer(false);
    final List<CompletableFuture<RawPosition>> futures = new ArrayList<>();
    final List<Boolean> doneAtListener = Collections.synchronizedList(new ArrayList<>());
    log =
        new KafkaRawLog(
            producer,
            TOPIC,
            3,
            100,
            TIMEOUT,
            metrics,
            (header, position) -> doneAtListener.add(futures.get(0).isDone()));
    futures.add(log.append(prewrite(7), payload(10)));
    assertThat(futures.get(0)).isNotDone();
    producer.completeNext();
    assertThat(futures.get(0).get(1, TimeUnit.SECONDS)).isEqualTo(new RawPosition(3, 0, 1));
    assertThat(doneAtListener).containsExactly(false);
  }

  @Test
  void largePayloadIsChunkedInOrderAndReassembles() throws Exception {
    final MockProducer<byte[], byte[]> producer = producer(false);
    final KafkaRawLog raw = log(producer, 1000);
    final ByteString payload = payload(2500);
    final CompletableFuture<RawPosition> future = raw.append(prewrite(42), payload);
    await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 3);
    final ChunkReassembler<byte[]> reassembler = ChunkReassembler.inMemory();
    final Set<UUID> groups = new HashSet<>();
    ChunkReassembler.Result<byte[]> last = null;
    for (int i = 0; i < 3; i++) {
      final ProducerRecord<byte[], byte[]> record = producer.history().get(i);
      final ChunkHeader chunk = ChunkHeader.decode(header(record, RawRecords.CHUNK_HEADER));
      assertThat(chunk.index()).isEqualTo(i);
      assertThat(chunk.count()).isEqualTo(3);
      assertThat(chunk.totalLength()).isEqualTo(2500);
      assertThat(record.value()).hasSize(i < 2 ? 1000 : 500);
      assertThat(BinlogHeader.decode(header(record, RawRecords.BINLOG_HEADER)))
          .isEqualTo(prewrite(42));
      assertThat(RawRecords.startTsOfKey(record.key())).isEqualTo(42);
      groups.add(chunk.groupId());
      last = reassembler.accept(chunk, record.value());
    }
    assertThat(groups).hasSize(1);
    assertThat(((ChunkReassembler.Complete<byte[]>) last).value()).isEqualTo(payload.toByteArray());

    producer.completeNext();
    producer.completeNext();
    assertThat(future).isNotDone();
    assertThat(events).isEmpty();
    producer.completeNext();
    assertThat(future.get(1, TimeUnit.SECONDS)).isEqualTo(new RawPosition(3, 2, 3));
    assertThat(events).containsExactly("42@2");
  }

  @Test
  void kafkaErrorFailsTheAppendRetriably() {
    final MockProducer<byte[], byte[]> producer = producer(false);
    final KafkaRawLog raw = log(producer, 1000);
    final CompletableFuture<RawPosition> future = raw.append(prewrite(42), payload(10));
    producer.errorNext(new TimeoutException("expired"));
    assertThat(future)
        .failsWithin(Duration.ofSeconds(1))
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(
            RetriableBinlogException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.KAFKA_UNAVAILABLE);
              assertThat(e.getMessage()).contains(TOPIC + "-3").contains("expired");
            });
    assertThat(events).isEmpty();
  }

  @Test
  void failureMidGroupStopsTheGroupAndFailsTheAppend() {
    final AtomicInteger sends = new AtomicInteger();
    final MockProducer<byte[], byte[]> producer =
        new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
          @Override
          public synchronized Future<RecordMetadata> send(
              final ProducerRecord<byte[], byte[]> record, final Callback callback) {
            if (sends.incrementAndGet() == 2) {
              // The broker refused chunk 1 before chunk 2 was handed over.
              callback.onCompletion(null, new TimeoutException("chunk 1 expired"));
              return CompletableFuture.failedFuture(new TimeoutException("chunk 1 expired"));
            }
            return super.send(record, callback);
          }
        };
    final KafkaRawLog raw = log(producer, 100);
    final CompletableFuture<RawPosition> future = raw.append(prewrite(9), payload(1000));
    assertThat(future)
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(RetriableBinlogException.class)
        .withMessageContaining("chunk 1 expired");
    assertThat(sends).hasValue(2);
    assertThat(producer.history()).hasSize(1);
    assertThat(events).isEmpty();

    // The retry is a new group that completes.
    final CompletableFuture<RawPosition> retry = raw.append(prewrite(9), payload(250));
    assertThat(retry).succeedsWithin(Duration.ofSeconds(5));
    final UUID first = chunkGroup(producer.history().get(0));
    assertThat(chunkGroup(producer.history().get(1))).isNotEqualTo(first);
  }

  @Test
  void concurrentAppendsNeverInterleaveTwoGroups() throws Exception {
    final MockProducer<byte[], byte[]> producer = producer(true);
    final KafkaRawLog raw = log(producer, 64);
    final List<CompletableFuture<RawPosition>> futures =
        Collections.synchronizedList(new ArrayList<>());
    final List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      final int thread = t;
      threads.add(
          new Thread(
              () -> {
                for (int i = 0; i < 20; i++) {
                  final int size = (i % 3 == 0) ? 40 : 64 * 5 + i;
                  futures.add(raw.append(prewrite(thread * 1000L + i + 1), payload(size)));
                }
              }));
    }
    threads.forEach(Thread::start);
    for (final Thread thread : threads) {
      thread.join();
    }
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    UUID open = null;
    int nextIndex = 0;
    for (final ProducerRecord<byte[], byte[]> record : producer.history()) {
      final byte[] chunkBytes = header(record, RawRecords.CHUNK_HEADER);
      if (chunkBytes == null) {
        continue;
      }
      final ChunkHeader chunk = ChunkHeader.decode(chunkBytes);
      if (open == null) {
        assertThat(chunk.index()).isZero();
        open = chunk.groupId();
      }
      assertThat(chunk.groupId()).isEqualTo(open);
      assertThat(chunk.index()).isEqualTo(nextIndex);
      nextIndex++;
      if (chunk.isLast()) {
        open = null;
        nextIndex = 0;
      }
    }
    assertThat(events).hasSize(160);
  }

  @Test
  void producerConfigIsIdempotentAcksAllAndPassThroughWins() {
    final KafkaSettings kafka =
        new KafkaSettings(
            List.of("k1:9092", "k2:9092"),
            "binlog",
            Map.of("security.protocol", "SSL", ProducerConfig.LINGER_MS_CONFIG, "3"));
    final Map<String, Object> config =
        KafkaRawLog.producerConfig(kafka, 1 << 20, Duration.ofSeconds(20));
    assertThat(config)
        .containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "k1:9092,k2:9092")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5)
        .containsEntry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1 << 20)
        .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000)
        .containsEntry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 19_999)
        .containsEntry("security.protocol", "SSL")
        .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "3");
    // Kafka's own validation accepts it.
    new ProducerConfig(config);
  }

  private static UUID chunkGroup(final ProducerRecord<byte[], byte[]> record) {
    return ChunkHeader.decode(header(record, RawRecords.CHUNK_HEADER)).groupId();
  }
}
