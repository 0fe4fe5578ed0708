package io.kafkabinlog.pump.ingest;

import com.google.protobuf.ByteString;
import io.kafkabinlog.common.concurrent.DaemonThreads;
import io.kafkabinlog.common.config.KafkaSection.KafkaSettings;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.pump.metrics.PumpMetrics;
import io.kafkabinlog.schemas.raw.BinlogHeader;
import io.kafkabinlog.schemas.raw.ChunkHeader;
import io.kafkabinlog.schemas.raw.RawRecords;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32C;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pump's data partition of the raw topic, written with an idempotent {@code acks=all} producer
 * in the {@link RawRecords} format.
 *
 * <p>A payload of at most {@code chunkBytes} is one record. A larger one is cut into chunks of one
 * fresh group id per append, with the CRC-32C of the whole payload; chunks are cut and handed to
 * the producer one at a time on this log's single chunk thread, so the heap holds the payload plus
 * the producer's buffer, and two groups never interleave in the partition (whole records may sit
 * between chunks, which the reader allows). After the first failed chunk the rest of the group is
 * not sent.
 *
 * <p>An append's future completes once Kafka acknowledged every record of it, with the position of
 * the last; before completing, the metrics and the {@link WriteListener} are told, so that whatever
 * the reply depends on is updated first. The producer calls back in send order per partition, so
 * the listener sees acknowledgements in partition order.
 */
public final class KafkaRawLog implements RawLog {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaRawLog.class);

  /**
   * Chosen linger: 1 ms adds at most a millisecond to a lone write and lets concurrent writes share
   * a request; the idempotent producer's 5 in-flight requests batch the rest under load.
   */
  static final int LINGER_MS = 1;

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final int partition;
  private final int chunkBytes;
  private final Duration produceTimeout;
  private final PumpMetrics metrics;
  private final WriteListener listener;
  private final ExecutorService chunkLane;

  public KafkaRawLog(
      final Producer<byte[], byte[]> producer,
      final String topic,
      final int partition,
      final int chunkBytes,
      final Duration produceTimeout,
      final PumpMetrics metrics,
      final WriteListener listener) {
    if (chunkBytes <= 0) {
      throw new IllegalArgumentException("chunkBytes must be > 0, got " + chunkBytes);
    }
    this.producer = Objects.requireNonNull(producer, "producer");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.partition = partition;
    this.chunkBytes = chunkBytes;
    this.produceTimeout = Objects.requireNonNull(produceTimeout, "produceTimeout");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.chunkLane =
        Executors.newSingleThreadExecutor(
            DaemonThreads.named("raw-chunks-" + topic + "-" + partition));
  }

  /**
   * Producer settings of the raw log: idempotent, {@code acks=all}, 5 in flight (the most that
   * keeps order with idempotence), {@link #LINGER_MS}, no compression (binlog rows are small and
   * mostly incompressible ids and values; compressing a 1 GiB binlog chunk by chunk costs CPU on
   * the write path), {@code delivery.timeout.ms} and {@code max.block.ms} from the produce timeout.
   * {@code [kafka.client]} properties are applied last and win.
   */
  public static Map<String, Object> producerConfig(
      final KafkaSettings kafka, final int maxRequestSize, final Duration produceTimeout) {
    final int deliveryMs = (int) Math.min(Integer.MAX_VALUE, produceTimeout.toMillis());
    final Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServersString());
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    config.put(ProducerConfig.LINGER_MS_CONFIG, LINGER_MS);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRequestSize);
    // A record must fit the buffer; keep room for a couple of full-size chunks in flight.
    config.put(
        ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(32L << 20, 4L * (long) maxRequestSize));
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryMs);
    // Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms.
    config.put(
        ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
        Math.max(1, Math.min(30_000, deliveryMs - LINGER_MS)));
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (long) deliveryMs);
    config.putAll(kafka.clientProperties());
    return config;
  }

  @Override
  public int partition() {
    return partition;
  }

  /** Largest value of one record; larger payloads are chunked. */
  public int chunkBytes() {
    return chunkBytes;
  }

  @Override
  public CompletableFuture<RawPosition> append(
      final BinlogHeader header, final ByteString payload) {
    final long started = System.nanoTime();
    if (payload.size() <= chunkBytes) {
      return appendWhole(header, payload, started);
    }
    final CompletableFuture<RawPosition> result = new CompletableFuture<>();
    try {
      chunkLane.execute(() -> appendChunks(header, payload, started, result));
    } catch (RuntimeException e) {
      // Rejected: the log is closed.
      result.completeExceptionally(failure(header, e));
    }
    return result;
  }

  private CompletableFuture<RawPosition> appendWhole(
      final BinlogHeader header, final ByteString payload, final long started) {
    final CompletableFuture<RawPosition> result = new CompletableFuture<>();
    final ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(
            topic,
            partition,
            RawRecords.key(header.startTs()),
            payload.toByteArray(),
            List.<Header>of(new RecordHeader(RawRecords.BINLOG_HEADER, header.encode())));
    try {
      producer.send(
          record,
          (metadata, error) -> {
            if (error != null) {
              result.completeExceptionally(failure(header, error));
            } else {
              acknowledged(header, payload.size(), metadata, 1, started, result);
            }
          });
    } catch (RuntimeException e) {
      result.completeExceptionally(failure(header, e));
    }
    return result;
  }

  /** Runs on the chunk lane: one group at a time, chunk by chunk. */
  private void appendChunks(
      final BinlogHeader header,
      final ByteString payload,
      final long started,
      final CompletableFuture<RawPosition> result) {
    final long size = payload.size();
    final int count = (int) ((size + chunkBytes - 1) / chunkBytes);
    final CRC32C crc = new CRC32C();
    for (final ByteBuffer buffer : payload.asReadOnlyByteBufferList()) {
      crc.update(buffer);
    }
    final UUID group = UUID.randomUUID();
    final byte[] key = RawRecords.key(header.startTs());
    final byte[] binlogHeader = header.encode();
    final AtomicBoolean failed = new AtomicBoolean();
    final AtomicInteger acked = new AtomicInteger();
    for (int index = 0; index < count && !failed.get(); index++) {
      final int from = index * chunkBytes;
      final int to = (int) Math.min(size, (long) from + chunkBytes);
      final ChunkHeader chunk = new ChunkHeader(group, index, count, size, (int) crc.getValue());
      final ProducerRecord<byte[], byte[]> record =
          new ProducerRecord<>(
              topic,
              partition,
              key,
              payload.substring(from, to).toByteArray(),
              List.<Header>of(
                  new RecordHeader(RawRecords.BINLOG_HEADER, binlogHeader),
                  new RecordHeader(RawRecords.CHUNK_HEADER, chunk.encode())));
      try {
        producer.send(
            record,
            (metadata, error) -> {
              if (error != null) {
                if (failed.compareAndSet(false, true)) {
                  result.completeExceptionally(failure(header, error));
                }
              } else if (acked.incrementAndGet() == count && !failed.get()) {
                acknowledged(header, size, metadata, count, started, result);
              }
            });
      } catch (RuntimeException e) {
        if (failed.compareAndSet(false, true)) {
          result.completeExceptionally(failure(header, e));
        }
      }
    }
  }

  private void acknowledged(
      final BinlogHeader header,
      final long size,
      final RecordMetadata last,
      final int records,
      final long started,
      final CompletableFuture<RawPosition> result) {
    final RawPosition position = new RawPosition(partition, last.offset(), records);
    try {
      metrics.produced(size, records, System.nanoTime() - started);
      listener.onAcknowledged(header, position);
    } catch (RuntimeException e) {
      // The binlog is durable; a broken listener must not turn that into a failed write.
      LOG.error("write listener failed for start_ts {} at {}", header.startTs(), position, e);
    }
    result.complete(position);
  }

  private RetriableBinlogException failure(final BinlogHeader header, final Throwable cause) {
    return new RetriableBinlogException(
        ErrorCode.KAFKA_UNAVAILABLE,
        "Kafka did not acknowledge the binlog of start_ts "
            + header.startTs()
            + " on "
            + topic
            + "-"
            + partition
            + ": "
            + cause,
        cause);
  }

  @Override
  public void close() {
    chunkLane.shutdown();
    try {
      if (!chunkLane.awaitTermination(produceTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("chunked appends still running after {}; closing the producer", produceTimeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(produceTimeout);
  }
}
