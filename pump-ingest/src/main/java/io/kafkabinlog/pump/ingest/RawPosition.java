package io.kafkabinlog.pump.ingest;

/**
 * Where an acknowledged binlog sits in the raw topic: for a chunked binlog, its last chunk.
 *
 * @param partition the pump's data partition
 * @param offset offset of the (last) record
 * @param records number of Kafka records written (1, or the chunk count)
 */
public record RawPosition(int partition, long offset, int records) {}
