package io.kafkabinlog.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The whole upstream half of the pipeline as separate processes, for end-to-end tests: tidb-sim's
 * PD + TiDB status stand-in ({@code tidb-sim tso}), pumps, the ordering stream, and tidb-sim
 * workloads, all against the real local Kafka and etcd, under a topic prefix and etcd prefix of the
 * test's own. Closing stops every process still running and deletes the test's topics.
 *
 * <p>The component main classes are named, not linked: the module running the test puts them on its
 * test classpath, which the child JVMs inherit.
 */
public final class PipelineStack implements AutoCloseable {
  public static final String TIDB_SIM_MAIN = "io.kafkabinlog.tidbsim.TidbSimMain";
  public static final String PUMP_MAIN = "io.kafkabinlog.pump.PumpMain";
  public static final String ORDERING_MAIN = "io.kafkabinlog.ordering.OrderingStreamMain";
  public static final int RAW_PARTITIONS = 4;
  public static final int ROWS_PARTITIONS = 3;
  private static final int PUMP_START_ATTEMPTS = 3;

  private final EtcdServiceExtension etcd;
  private final KafkaServiceExtension kafka;
  private final Path dir;
  private final long clusterId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
  private final String topicPrefix = "it." + TestNames.unique("e2e", 24);
  private final int pdPort;
  private final int statusPort;
  private final List<JvmProcess> started = new ArrayList<>();
  private final JvmProcess tso;

  public PipelineStack(
      final EtcdServiceExtension etcd, final KafkaServiceExtension kafka, final Path dir)
      throws Exception {
    this.etcd = etcd;
    this.kafka = kafka;
    this.dir = dir;
    this.pdPort = FreePorts.next();
    this.statusPort = FreePorts.next();
    this.tso =
        track(
            JvmProcess.builder(TIDB_SIM_MAIN)
                .name("tidb-sim-tso")
                .jvmOptions("-Xmx256m")
                .args(
                    "tso",
                    "--data-dir=" + simDataDir(),
                    "--addr=127.0.0.1:" + pdPort,
                    "--status-addr=127.0.0.1:" + statusPort,
                    "--cluster-id=" + clusterId,
                    "--pd-root=" + etcd.prefix() + "/pd",
                    "--pd-urls=" + etcd.endpoints())
                .start());
    tso.awaitLine(Pattern.compile("tidb-sim tso: PD \\(TSO\\) on"), Duration.ofSeconds(60));
  }

  public Path simDataDir() {
    return dir.resolve("sim");
  }

  /** The test's topic prefix ({@code kafka.topic-prefix} of every process). */
  public String topicPrefix() {
    return topicPrefix;
  }

  /** The upstream cluster id, unsigned decimal. */
  public String clusterId() {
    return Long.toUnsignedString(clusterId);
  }

  public String tsoUrl() {
    return "http://127.0.0.1:" + pdPort;
  }

  public String tidbStatusUrl() {
    return "http://127.0.0.1:" + statusPort;
  }

  public String registryRoot() {
    return etcd.prefix() + "/tidb-binlog";
  }

  /** Starts a pump and waits until it is online. */
  public JvmProcess startPump(final String nodeId) throws Exception {
    return startPump(nodeId, "-Xmx512m");
  }

  /** Starts a pump with JVM options of its own and waits until it is online. */
  public JvmProcess startPump(final String nodeId, final String... jvmOptions) throws Exception {
    final Path data = Files.createDirectories(dir.resolve("pump-" + nodeId));
    for (int attempt = 1; ; attempt++) {
      final JvmProcess pump = launchPump(nodeId, data, jvmOptions);
      try {
        pump.awaitLine(
            Pattern.compile("pump " + Pattern.quote(nodeId) + " online"), Duration.ofSeconds(90));
        return pump;
      } catch (AssertionError e) {
        // On a loaded machine a cold pump JVM's first PD call can outlast its 3 s TSO timeout;
        // the pump then exits at start, as it should, and a supervisor would start it again.
        if (attempt >= PUMP_START_ATTEMPTS
            || pump.isAlive()
            || !pump.output().contains("timestamp oracle unavailable")) {
          throw e;
        }
      }
    }
  }

  private JvmProcess launchPump(final String nodeId, final Path data, final String... jvmOptions)
      throws IOException {
    final int port = FreePorts.next();
    return track(
        JvmProcess.builder(PUMP_MAIN)
            .name("pump-" + nodeId)
            .jvmOptions(jvmOptions)
            .args(
                "--addr=127.0.0.1:" + port,
                "--advertise-addr=127.0.0.1:" + port,
                "--status-addr=127.0.0.1:" + FreePorts.next(),
                "--data-dir=" + data,
                "--node-id=" + nodeId,
                "--pd-urls=" + etcd.endpoints(),
                "--tso-urls=" + tsoUrl(),
                "--registry-root=" + registryRoot(),
                "--cluster-id=" + Long.toUnsignedString(clusterId),
                "--kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                "--kafka.topic-prefix=" + topicPrefix,
                "--kafka.raw-partitions=" + RAW_PARTITIONS,
                "--kafka.replication-factor=1",
                "--kafka.min-insync-replicas=1",
                "--heartbeat-interval=1",
                "--gen-binlog-interval=1")
            .start());
  }

  /** The ordering stream's flags, for a state directory and a status port. */
  public List<String> orderingFlags(
      final Path stateDir, final int statusPort, final Duration resolveAfter) {
    return List.of(
        "--cluster-id=" + Long.toUnsignedString(clusterId),
        "--pd-urls=" + etcd.endpoints(),
        "--state-dir=" + stateDir,
        "--status-addr=127.0.0.1:" + statusPort,
        "--rows-partitions=" + ROWS_PARTITIONS,
        "--kafka.bootstrap-servers=" + kafka.bootstrapServers(),
        "--kafka.topic-prefix=" + topicPrefix,
        "--kafka.replication-factor=1",
        "--kafka.min-insync-replicas=1",
        "--schema-registry.url=" + ServiceEndpoints.fromEnvironment().schemaRegistryUrl(),
        "--schema-source.tidb-status-urls=" + tidbStatusUrl(),
        "--resolver.txn-status-urls=" + tidbStatusUrl(),
        "--resolver.resolve-after=" + resolveAfter.toSeconds() + "s");
  }

  /** Starts the ordering stream and waits until its Kafka Streams client runs. */
  public OrderingNode startOrdering(final Path stateDir) throws Exception {
    return startOrdering(stateDir, Duration.ofSeconds(5));
  }

  /** Starts the ordering stream with a resolver wait of its own. */
  public OrderingNode startOrdering(final Path stateDir, final Duration resolveAfter)
      throws Exception {
    return startOrdering(stateDir, resolveAfter, "-Xmx768m");
  }

  /** Starts the ordering stream with JVM options of its own. */
  public OrderingNode startOrdering(
      final Path stateDir, final Duration resolveAfter, final String... jvmOptions)
      throws Exception {
    final int port = FreePorts.next();
    final JvmProcess process =
        track(
            JvmProcess.builder(ORDERING_MAIN)
                .name("ordering-stream")
                .jvmOptions(jvmOptions)
                .args(orderingFlags(stateDir, port, resolveAfter))
                .start());
    final OrderingNode node = new OrderingNode(process, port);
    node.awaitRunning(Duration.ofSeconds(120));
    return node;
  }

  /** Starts a tidb-sim workload against the pumps. */
  public JvmProcess runSim(final String workload, final Duration duration, final String... extra)
      throws IOException {
    return runSim("-Xmx512m", workload, duration, extra);
  }

  /** Starts a tidb-sim workload with a heap cap of its own ({@code large} holds the binlog). */
  public JvmProcess runSim(
      final String xmx, final String workload, final Duration duration, final String... extra)
      throws IOException {
    final List<String> args = new ArrayList<>();
    args.add("run");
    args.add("--workload=" + workload);
    args.add("--duration=" + duration.toSeconds() + "s");
    args.add("--progress-interval=1s");
    args.add("--data-dir=" + simDataDir());
    args.add("--pd-urls=" + etcd.endpoints());
    args.add("--tso-urls=" + tsoUrl());
    args.add("--binlog.registry-root=" + registryRoot());
    args.addAll(List.of(extra));
    return track(
        JvmProcess.builder(TIDB_SIM_MAIN)
            .name("tidb-sim-" + workload)
            .jvmOptions(xmx)
            .args(args)
            .start());
  }

  /** PD's etcd endpoints (the registry's, too). */
  public String pdUrls() {
    return etcd.endpoints();
  }

  /** The Kafka bootstrap servers every process uses. */
  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** Adds a process the test started itself, so closing the stack stops it too. */
  public JvmProcess track(final JvmProcess process) {
    started.add(process);
    return process;
  }

  @Override
  public void close()
      throws java.util.concurrent.ExecutionException, java.util.concurrent.TimeoutException {
    for (int i = started.size() - 1; i >= 0; i--) {
      started.get(i).close();
    }
    try {
      final Set<String> ours =
          kafka.admin().listTopics().names().get(30, TimeUnit.SECONDS).stream()
              .filter(t -> t.startsWith(topicPrefix + "."))
              .collect(Collectors.toSet());
      if (!ours.isEmpty()) {
        kafka.admin().deleteTopics((Collection<String>) ours).all().get(60, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A running ordering-stream process and its status API. */
  public record OrderingNode(JvmProcess process, int statusPort) {

    public String status() throws IOException, InterruptedException {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statusPort + "/status"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    }

    public void awaitRunning(final Duration timeout) throws Exception {
      final long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        if (!process.isAlive()) {
          throw new AssertionError("ordering stream exited: " + process.tail());
        }
        try {
          if (status().contains("\"RUNNING\"")) {
            return;
          }
        } catch (IOException e) {
          // not listening yet
        }
        Thread.sleep(250);
      }
      throw new AssertionError(
          "ordering stream not RUNNING after " + timeout + ": " + process.tail());
    }
  }
}
