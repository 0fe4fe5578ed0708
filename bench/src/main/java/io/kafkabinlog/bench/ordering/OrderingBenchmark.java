package io.kafkabinlog.bench.ordering;

import io.kafkabinlog.bench.BenchEnvironment;
import io.kafkabinlog.bench.BenchResult;
import io.kafkabinlog.bench.Benchmark;
import io.kafkabinlog.common.kafka.TopicNames;
import io.kafkabinlog.ordering.observe.OrderingObserver;
import io.kafkabinlog.ordering.topology.OrderingTopology;
import io.kafkabinlog.ordering.topology.TopologySettings;
import io.kafkabinlog.schemas.registry.AvroDeserializer;
import io.kafkabinlog.schemas.registry.AvroSerializer;
import io.kafkabinlog.schemas.registry.SchemaRegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The ordering stream's throughput against a pass-through Kafka Streams application, both with
 * exactly_once_v2, both reading the same pre-filled raw topic in the same run: the baseline copies
 * every raw record to one output topic; the measured side pairs, merges, decodes and publishes Avro
 * transactions. Figures are committed transactions per second.
 */
public final class OrderingBenchmark implements Benchmark {
  static final int RAW_PARTITIONS = 4;
  static final int ROWS_PARTITIONS = 6;
  static final int ROWS_PER_TXN = 4;

  @Override
  public String name() {
    return "ordering";
  }

  @Override
  public String description() {
    return "ordering stream (pair, merge, decode, Avro) vs a pass-through Streams app on the same"
        + " raw topic, txns/s, both exactly_once_v2";
  }

  @Override
  public BenchResult run(final BenchEnvironment env) throws Exception {
    final int transactions =
        (int) Math.max(20_000, 8_000 * env.measureTime().toSeconds()); // ~ a few seconds each
    final String prefix = "bench." + Long.toHexString(ThreadLocalRandom.current().nextLong());
    final TopicNames names = new TopicNames(prefix, "1");
    final Path work = Files.createTempDirectory("ordering-bench");
    try (Admin admin =
            Admin.create(
                java.util.Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, env.kafkaBootstrap()));
        BenchTopics topics = new BenchTopics(admin, names, RAW_PARTITIONS, ROWS_PARTITIONS)) {
      topics.create();
      final BenchWorkload workload = BenchWorkload.create(work.resolve("catalog"), ROWS_PER_TXN);
      System.out.printf(
          Locale.ROOT,
          "pre-filling %s with %,d transactions (%d rows each) over %d partitions%n",
          names.raw(),
          transactions,
          ROWS_PER_TXN,
          RAW_PARTITIONS);
      final long records = workload.fill(env.kafkaBootstrap(), names, RAW_PARTITIONS, transactions);

      final String passThroughOut = prefix + ".passthrough";
      topics.createExtra(passThroughOut, 1);
      final double baseline =
          measure(
              "pass-through",
              passThrough(names, passThroughOut),
              streamsProps(env, prefix + ".passthrough-app", work.resolve("pt")),
              topics.count(env.kafkaBootstrap(), passThroughOut, r -> true)::get,
              records,
              transactions);

      final SchemaRegistryClient registry = new SchemaRegistryClient(env.schemaRegistryUrl());
      final AvroDeserializer avro = new AvroDeserializer(registry, null);
      final AtomicLong published =
          topics.count(
              env.kafkaBootstrap(),
              names.txn(),
              r -> {
                final GenericRecord value = avro.deserialize(names.txn(), r.value());
                return value.getSchema().getName().equals("Transaction")
                    && value.get("ddl") == null
                    && Boolean.TRUE.equals(value.get("last_fragment"));
              });
      final Topology ordering =
          new OrderingTopology(
                  TopologySettings.defaults(names, ROWS_PARTITIONS),
                  workload.schemaSource(),
                  new AvroSerializer(registry, false, true),
                  OrderingObserver.NONE)
              .build();
      final double measured =
          measure(
              "ordering",
              ordering,
              streamsProps(env, names.applicationId("ordering-stream"), work.resolve("os")),
              published::get,
              transactions,
              transactions);
      return new BenchResult(name(), "txns/s", measured, baseline, true);
    }
  }

  private static Topology passThrough(final TopicNames names, final String out) {
    final StreamsBuilder builder = new StreamsBuilder();
    builder.stream(
            List.of(names.raw(), names.resolutions()),
            Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .to(out, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
    return builder.build();
  }

  private static Properties streamsProps(
      final BenchEnvironment env, final String applicationId, final Path stateDir) {
    final Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, env.kafkaBootstrap());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
    p.put(StreamsConfig.producerPrefix("max.request.size"), 4 << 20);
    return p;
  }

  /**
   * Runs {@code topology} until {@code progress} reaches {@code target}; the rate counts from the
   * first progress (so the group join and task assignment are not measured) to the end.
   */
  private static double measure(
      final String label,
      final Topology topology,
      final Properties props,
      final LongSupplier progress,
      final long target,
      final int transactions)
      throws InterruptedException {
    try (KafkaStreams streams = new KafkaStreams(topology, props)) {
      final AtomicLong failed = new AtomicLong();
      streams.setUncaughtExceptionHandler(
          e -> {
            failed.incrementAndGet();
            System.err.println(label + " failed: " + e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler
                .StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
          });
      streams.start();
      final long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      long first = 0;
      long firstCount = 0;
      long count;
      while ((count = progress.getAsLong()) < target) {
        if (failed.get() > 0 || System.nanoTime() > deadline) {
          throw new IllegalStateException(
              label + " stopped at " + count + " of " + target + " (see the log above)");
        }
        if (first == 0 && count > 0) {
          first = System.nanoTime();
          firstCount = count;
        }
        Thread.sleep(20);
      }
      final long end = System.nanoTime();
      if (first == 0) {
        first = end - 1;
      }
      final double fraction = (double) (target - firstCount) / target;
      final double rate = transactions * fraction / ((end - first) / 1e9);
      System.out.printf(Locale.ROOT, "%s: %,.0f txns/s%n", label, rate);
      streams.close(Duration.ofSeconds(30));
      return rate;
    }
  }
}
