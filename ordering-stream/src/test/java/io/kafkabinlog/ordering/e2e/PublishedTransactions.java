package io.kafkabinlog.ordering.e2e;

import io.kafkabinlog.schemas.registry.AvroDeserializer;
import io.kafkabinlog.schemas.registry.SchemaRegistryClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the txn topic as a downstream consumer does (read_committed, Avro through the registry) and
 * checks its shape on the way: a transaction is fragment records 0..n with the same commit_ts, the
 * last one flagged; resolved-ts markers in between are counted, not kept.
 */
final class PublishedTransactions implements AutoCloseable {
  /** One published transaction: its ids, row count and whether it is a DDL. */
  record Published(long commitTs, long startTs, int rows, boolean ddl) {}

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final AvroDeserializer avro;
  private final String topic;
  private final List<Published> transactions = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  private long markers;
  private long lastResolved;
  private GenericRecord open;
  private int openRows;
  private int expectedFragment;

  PublishedTransactions(final String bootstrap, final String registryUrl, final String topic) {
    this.topic = topic;
    this.avro = new AvroDeserializer(new SchemaRegistryClient(registryUrl), null);
    this.consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                16 << 20),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    final TopicPartition partition = new TopicPartition(topic, 0);
    consumer.assign(List.of(partition));
    consumer.seekToBeginning(List.of(partition));
  }

  /** Reads what is there now (one poll round). */
  void poll() {
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
      accept(avro.deserialize(topic, r.value()), r.offset());
    }
  }

  private void accept(final GenericRecord value, final long offset) {
    final String type = value.getSchema().getName();
    if (type.equals("ResolvedTs")) {
      markers++;
      final long w = (Long) value.get("resolved_ts");
      if (w < lastResolved) {
        violations.add("resolved ts went back to " + w + " at offset " + offset);
      }
      lastResolved = w;
      return;
    }
    final long commitTs = (Long) value.get("commit_ts");
    final int fragment = (Integer) value.get("fragment");
    if (open != null && (Long) open.get("commit_ts") != commitTs) {
      violations.add("transaction " + open.get("commit_ts") + " unfinished at offset " + offset);
      open = null;
    }
    if (fragment != expectedFragment) {
      violations.add("fragment " + fragment + " of " + commitTs + " at offset " + offset);
    }
    if (commitTs <= lastResolved && fragment == 0) {
      violations.add("transaction " + commitTs + " after resolved ts " + lastResolved);
    }
    open = value;
    openRows += ((List<?>) value.get("rows")).size();
    expectedFragment = fragment + 1;
    if (Boolean.TRUE.equals(value.get("last_fragment"))) {
      transactions.add(
          new Published(
              commitTs, (Long) value.get("start_ts"), openRows, value.get("ddl") != null));
      open = null;
      openRows = 0;
      expectedFragment = 0;
    }
  }

  List<Published> transactions() {
    return transactions;
  }

  List<String> violations() {
    return violations;
  }

  long markers() {
    return markers;
  }

  long lastResolved() {
    return lastResolved;
  }

  @Override
  public void close() {
    consumer.close();
  }
}
