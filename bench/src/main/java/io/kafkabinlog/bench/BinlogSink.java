package io.kafkabinlog.bench;

/** Where the pump benchmark sends its binlogs: the pump over gRPC, or Kafka directly. */
interface BinlogSink extends AutoCloseable {
  /**
   * Sends one binlog asynchronously; {@code done} runs once it is acknowledged (or failed, with the
   * error).
   */
  void send(BenchBinlog binlog, Done done);

  /** Completion of one send. */
  @FunctionalInterface
  interface Done {
    void completed(Throwable error);
  }

  @Override
  void close();
}
