package io.kafkabinlog.bench.ordering;

import io.kafkabinlog.common.kafka.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The benchmark's topics (created up front, deleted at the end) and counters of what is readable in
 * them with read_committed, which is what a downstream consumer of an exactly-once app sees.
 */
final class BenchTopics implements AutoCloseable {
  private final Admin admin;
  private final TopicNames names;
  private final int rawPartitions;
  private final int rowsPartitions;
  private final List<String> created = new ArrayList<>();
  private final List<Counter> counters = new ArrayList<>();

  BenchTopics(
      final Admin admin,
      final TopicNames names,
      final int rawPartitions,
      final int rowsPartitions) {
    this.admin = admin;
    this.names = names;
    this.rawPartitions = rawPartitions;
    this.rowsPartitions = rowsPartitions;
  }

  void create() throws Exception {
    final List<NewTopic> topics =
        List.of(
            topic(names.raw(), rawPartitions),
            topic(names.resolutions(), rawPartitions),
            topic(names.control(), 1),
            topic(names.txn(), 1),
            topic(names.rows(), rowsPartitions),
            topic(names.deadLetter(), 1));
    admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
    topics.forEach(t -> created.add(t.name()));
  }

  void createExtra(final String name, final int partitions) throws Exception {
    admin.createTopics(List.of(topic(name, partitions))).all().get(60, TimeUnit.SECONDS);
    created.add(name);
  }

  /**
   * Starts counting the records of {@code topic} that {@code counted} accepts, read_committed from
   * the beginning, on a thread of its own; the returned counter is read while it runs.
   */
  AtomicLong count(
      final String bootstrap,
      final String topic,
      final Predicate<ConsumerRecord<byte[], byte[]>> counted) {
    final Counter counter = new Counter(bootstrap, topic, counted);
    counters.add(counter);
    counter.start();
    return counter.count;
  }

  private static NewTopic topic(final String name, final int partitions) {
    return new NewTopic(name, partitions, (short) 1)
        .configs(Map.of("max.message.bytes", Integer.toString(8 << 20)));
  }

  @Override
  public void close()
      throws java.util.concurrent.ExecutionException, java.util.concurrent.TimeoutException {
    counters.forEach(Counter::finish);
    for (Counter c : counters) {
      try {
        c.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    final List<String> internal;
    try {
      internal =
          admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
              .filter(t -> t.startsWith(prefixOf(names)))
              .collect(Collectors.toList());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    created.addAll(internal);
    try {
      admin.deleteTopics(created.stream().distinct().toList()).all().get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String prefixOf(final TopicNames names) {
    final String raw = names.raw();
    return raw.substring(0, raw.length() - "raw".length());
  }

  /** A read_committed consumer counting records on its own thread. */
  private static final class Counter extends Thread {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final Predicate<ConsumerRecord<byte[], byte[]>> counted;
    private final AtomicLong count = new AtomicLong();
    private volatile boolean running = true;

    Counter(
        final String bootstrap,
        final String topic,
        final Predicate<ConsumerRecord<byte[], byte[]>> counted) {
      super("bench-count-" + topic);
      setDaemon(true);
      this.topic = topic;
      this.counted = counted;
      this.consumer =
          new KafkaConsumer<>(
              Map.of(
                  ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  bootstrap,
                  ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                  "read_committed",
                  ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                  8 << 20),
              new ByteArrayDeserializer(),
              new ByteArrayDeserializer());
    }

    @Override
    public void run() {
      try (consumer) {
        final List<TopicPartition> partitions =
            consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        while (running) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
            if (counted.test(r)) {
              count.incrementAndGet();
            }
          }
        }
      }
    }

    void finish() {
      running = false;
    }
  }
}
