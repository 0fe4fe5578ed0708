package io.kafkabinlog.pump.ingest;

import com.google.protobuf.ByteString;
import io.kafkabinlog.schemas.raw.BinlogHeader;
import java.util.concurrent.CompletableFuture;

/**
 * The pump's data partition of the raw topic (format: {@link
 * io.kafkabinlog.schemas.raw.RawRecords}). Implementations write with an idempotent producer and
 * {@code acks=all}, and split payloads above the topic's max message size into chunks.
 */
public interface RawLog extends AutoCloseable {
  /**
   * Appends one binlog. The future completes once Kafka acknowledged every record of it, and fails
   * with a {@link io.kafkabinlog.common.error.BinlogException} (retriable: Kafka unavailable or
   * timed out) otherwise; after a failure nothing of the binlog counts as written (a partial chunk
   * group is abandoned by the reader).
   */
  CompletableFuture<RawPosition> append(BinlogHeader header, ByteString payload);

  /** The data partition this log writes. */
  int partition();

  /** Flushes and closes the producer, waiting at most the configured close timeout. */
  @Override
  void close();
}
