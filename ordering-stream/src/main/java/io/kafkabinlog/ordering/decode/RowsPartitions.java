package io.kafkabinlog.ordering.decode;

import java.nio.ByteBuffer;
import org.apache.kafka.common.utils.Utils;

/**
 * Where a table's records go on the rows topic: the key is the logical table id as 8 big-endian
 * bytes and the partition is {@code Utils.toPositive(Utils.murmur2(key)) % partitions}, which is
 * what Kafka's default partitioner picks for that key, so any producer or consumer that keys by
 * table id the same way agrees. A partitioned table's partitions share their table's partition, so
 * its rows and its DDL stay in order.
 */
public final class RowsPartitions {
  private RowsPartitions() {}

  /** The rows-topic partition of a (logical) table id. */
  public static int of(final long tableId, final int partitions) {
    return Utils.toPositive(Utils.murmur2(key(tableId))) % partitions;
  }

  /** An id or ts as the 8 big-endian bytes every stage 3 key is. */
  public static byte[] key(final long value) {
    return ByteBuffer.allocate(8).putLong(value).array();
  }
}
