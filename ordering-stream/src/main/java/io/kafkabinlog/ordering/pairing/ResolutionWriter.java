package io.kafkabinlog.ordering.pairing;

/**
 * Writes the commit (or rollback) binlog the resolver decided on into the resolutions topic, in the
 * partition of the prewrite's raw partition, in the raw record format, so stage 1 reads it like one
 * from the pump. Returns once the write is acknowledged.
 */
public interface ResolutionWriter extends AutoCloseable {

  /** {@code commitTs} 0 writes a rollback binlog. */
  void write(int partition, long startTs, long commitTs);

  @Override
  default void close() {}
}
