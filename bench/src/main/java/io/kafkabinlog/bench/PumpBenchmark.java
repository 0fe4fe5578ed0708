package io.kafkabinlog.bench;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.DeleteOption;
import io.kafkabinlog.common.kafka.TopicNames;
import io.kafkabinlog.common.tso.Tso;
import io.kafkabinlog.tidbsim.tso.PdKeys;
import io.kafkabinlog.tidbsim.tso.PdServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * WriteBinlog through a pump process (gRPC from this process, the pump producing each binlog to its
 * raw-topic partition and answering after Kafka's acknowledgement) against the same records
 * produced straight to a partition of a topic with the same settings by a plain idempotent acks=all
 * producer. Both run flat out with the same number in flight (peak rates), then paced at half the
 * pump's peak rate (latencies). The ratio is pump peak / raw peak.
 */
final class PumpBenchmark implements Benchmark {
  static final int ROW_BYTES = 1024;
  static final int IN_FLIGHT = 256;
  // Long enough for C2 to compile the hot paths: with 3 s the pump's JIT compiler was still busy
  // for most of the measured phase (the pump's stack is far larger than a bare producer's).
  private static final Duration WARM_UP = Duration.ofSeconds(10);
  private static final String NODE_ID = "bench-pump";

  @Override
  public String name() {
    return "pump";
  }

  @Override
  public String description() {
    return "WriteBinlog records/s through a pump process vs the same records with a raw idempotent"
        + " acks=all producer; then p50/p99 latency of both at half the pump's peak rate";
  }

  @Override
  public BenchResult run(final BenchEnvironment environment) throws Exception {
    final String run = Long.toString(System.currentTimeMillis(), 36);
    final String etcdRoot = "/bench/pump-" + run;
    final String topicPrefix = "bench.pump-" + run;
    final Path dir = Files.createTempDirectory("bench-pump-");
    final String etcdUrls =
        environment.etcdEndpoints().stream().map(URI::toString).collect(Collectors.joining(","));
    try (Client etcd =
            Client.builder().endpoints(environment.etcdEndpoints().toArray(URI[]::new)).build();
        Admin admin =
            Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, environment.kafkaBootstrap()));
        PdServer pd = PdServer.startOnEtcd(etcd, new PdKeys(etcdRoot + "/pd"), 0, "127.0.0.1", 0)) {
      final long clusterId = pd.clusterId();
      final int port = freePort();
      final List<String> pumpArgs =
          List.of(
              "--addr=127.0.0.1:" + port,
              "--advertise-addr=127.0.0.1:" + port,
              "--status-addr=127.0.0.1:" + freePort(),
              "--data-dir=" + dir.resolve("pump"),
              "--node-id=" + NODE_ID,
              "--pd-urls=" + etcdUrls,
              "--tso-urls=" + pd.url(),
              "--registry-root=" + etcdRoot + "/tidb-binlog",
              "--cluster-id=" + Long.toUnsignedString(clusterId),
              "--kafka.bootstrap-servers=" + environment.kafkaBootstrap(),
              "--kafka.topic-prefix=" + topicPrefix,
              "--kafka.raw-partitions=1",
              "--kafka.replication-factor=1",
              "--kafka.min-insync-replicas=1");
      final Path log = dir.resolve("pump.log");
      System.out.println("starting the pump (log: " + log + ")");
      try (PumpChild pump =
          PumpChild.start(jvmOptions(), pumpArgs, NODE_ID, log, Duration.ofMinutes(2))) {
        final TopicNames topics = new TopicNames(topicPrefix, Long.toUnsignedString(clusterId));
        final String baselineTopic = topicPrefix + ".baseline";
        admin
            .createTopics(
                List.of(
                    new NewTopic(baselineTopic, 1, (short) 1)
                        .configs(Map.of("min.insync.replicas", "1"))))
            .all()
            .get(30, TimeUnit.SECONDS);
        final BenchBinlog.Source source =
            new BenchBinlog.Source(Tso.fromInstant(Instant.now()), ROW_BYTES);
        return measure(environment, source, pump, clusterId, port, baselineTopic, topics);
      } finally {
        deleteTopics(admin, topicPrefix);
        etcd.getKVClient()
            .delete(bytes(etcdRoot + "/"), DeleteOption.builder().isPrefix(true).build())
            .get(10, TimeUnit.SECONDS);
      }
    }
  }

  private BenchResult measure(
      final BenchEnvironment environment,
      final BenchBinlog.Source source,
      final PumpChild pump,
      final long clusterId,
      final int port,
      final String baselineTopic,
      final TopicNames topics)
      throws Exception {
    final Duration time = environment.measureTime();
    try (BinlogSink grpc = new GrpcPumpSink("127.0.0.1:" + port, clusterId);
        BinlogSink raw = new KafkaRawSink(producerConfig(environment), baselineTopic)) {
      System.out.printf(
          "records: prewrite (one %d-byte row) + commit pairs, %d in flight, %d s per phase;"
              + " pump writes %s%n",
          ROW_BYTES, IN_FLIGHT, time.toSeconds(), topics.raw());
      LoadRunner.peak(grpc, source, WARM_UP, IN_FLIGHT);
      LoadRunner.peak(raw, source, WARM_UP, IN_FLIGHT);
      final LoadRunner.Rate pumpPeak = LoadRunner.peak(grpc, source, time, IN_FLIGHT);
      System.out.println("pump peak: " + pumpPeak.describe());
      final LoadRunner.Rate rawPeak = LoadRunner.peak(raw, source, time, IN_FLIGHT);
      System.out.println("raw producer peak: " + rawPeak.describe());
      final double half = pumpPeak.recordsPerSecond() / 2;
      final LoadRunner.Latency pumpLatency = LoadRunner.paced(grpc, source, time, half);
      System.out.println("pump WriteBinlog latency " + pumpLatency.describe());
      final LoadRunner.Latency rawLatency = LoadRunner.paced(raw, source, time, half);
      System.out.println("raw produce latency " + rawLatency.describe());
      System.out.printf(
          "targets: ratio >= 0.8 (%.3f), pump p99 <= 10 ms at half peak (%.2f ms)%n",
          pumpPeak.recordsPerSecond() / rawPeak.recordsPerSecond(), pumpLatency.p99());
      return new BenchResult(
          name(), "records/s", pumpPeak.recordsPerSecond(), rawPeak.recordsPerSecond(), true);
    } catch (RuntimeException e) {
      System.out.println("the pump's last log lines:\n" + pump.tail());
      throw e;
    }
  }

  /**
   * The pump's producer settings (KafkaRawLog.producerConfig): idempotent, acks=all, 5 in flight,
   * linger 1 ms, no compression.
   */
  private static Map<String, Object> producerConfig(final BenchEnvironment environment) {
    final Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, environment.kafkaBootstrap());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    return config;
  }

  private static List<String> jvmOptions() {
    final List<String> options = new ArrayList<>(List.of("-Xmx2g"));
    // For profiling the pump, e.g. BENCH_PUMP_JVM_OPTS=-XX:StartFlightRecording=filename=pump.jfr
    final String extra = System.getenv("BENCH_PUMP_JVM_OPTS");
    if (extra != null && !extra.isBlank()) {
      options.addAll(List.of(extra.trim().split("\\s+")));
    }
    return options;
  }

  private static void deleteTopics(final Admin admin, final String prefix) {
    try {
      final Set<String> ours =
          admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
              .filter(t -> t.startsWith(prefix + "."))
              .collect(Collectors.toSet());
      admin.deleteTopics(ours).all().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.out.println("could not delete the benchmark's topics " + prefix + ".*: " + e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static ByteSequence bytes(final String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }
}
