package io.kafkabinlog.mysqlsink.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkabinlog.mysqlsink.MysqlSinkMain;
import io.kafkabinlog.testkit.FreePorts;
import io.kafkabinlog.testkit.JvmProcess;
import io.kafkabinlog.testkit.PipelineStack;
import io.kafkabinlog.testkit.ServiceEndpoints;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A mysql-sink ({@link MysqlSinkMain}) in a child JVM, consuming the stack's txn topic into a
 * downstream with a checkpoint schema of the test's own, and its status API.
 */
final class SinkProcess {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern STARTED = Pattern.compile("mysql-sink: checkpoint commit_ts");
  private static final Pattern MEMBER_STARTED =
      Pattern.compile("mysql-sink \\(partitioned\\): checkpoint");

  private final JvmProcess process;
  private final int statusPort;

  private SinkProcess(final JvmProcess process, final int statusPort) {
    this.process = process;
    this.statusPort = statusPort;
  }

  /**
   * Starts a sink in transactional mode and waits until it has loaded its checkpoint and consumes
   * (the txn topic must exist: start the ordering stream first).
   *
   * @param extra more {@code --key=value} flags
   */
  static SinkProcess start(
      final PipelineStack stack,
      final Downstream to,
      final String checkpointSchema,
      final String... extra)
      throws Exception {
    return start(stack, to, checkpointSchema, "transactional", "mysql-sink", STARTED, extra);
  }

  /**
   * Starts a member of the partitioned mode's consumer group (the rows topic), 4 workers, and waits
   * until it has loaded the checkpoint; it may not have partitions yet.
   */
  static SinkProcess startMember(
      final PipelineStack stack,
      final Downstream to,
      final String checkpointSchema,
      final String name)
      throws Exception {
    return start(
        stack,
        to,
        checkpointSchema,
        "partitioned",
        "mysql-sink-" + name,
        MEMBER_STARTED,
        "--syncer.worker-count=4",
        "--close-timeout=20s");
  }

  private static SinkProcess start(
      final PipelineStack stack,
      final Downstream to,
      final String checkpointSchema,
      final String mode,
      final String name,
      final Pattern started,
      final String... extra)
      throws Exception {
    final int port = FreePorts.next();
    final List<String> args = new ArrayList<>();
    args.add("--cluster-id=" + stack.clusterId());
    args.add("--mode=" + mode);
    args.add("--status-addr=127.0.0.1:" + port);
    args.add("--kafka.bootstrap-servers=" + stack.bootstrapServers());
    args.add("--kafka.topic-prefix=" + stack.topicPrefix());
    args.add("--schema-registry.url=" + ServiceEndpoints.fromEnvironment().schemaRegistryUrl());
    args.add("--checkpoint-schema=" + checkpointSchema);
    args.add("--syncer.to.host=" + to.host());
    args.add("--syncer.to.port=" + to.port());
    args.add("--syncer.to.user=" + to.user());
    final List<String> more = List.of(extra);
    if (more.stream().noneMatch(a -> a.startsWith("--close-timeout="))) {
      args.add("--close-timeout=10s");
    }
    args.addAll(more);
    final JvmProcess process =
        stack.track(
            JvmProcess.builder(MysqlSinkMain.class)
                .name(name)
                .jvmOptions("-Xmx384m")
                // A password never goes on the command line (the loader refuses it there).
                .env("MYSQL_SINK_SYNCER__TO__PASSWORD", to.password())
                .args(args)
                .start());
    process.awaitLine(started, Duration.ofSeconds(60));
    return new SinkProcess(process, port);
  }

  /** The partitions this member applies now (partitioned mode; {@code GET /status}). */
  List<Integer> partitions() throws IOException, InterruptedException {
    final List<Integer> partitions = new ArrayList<>();
    status().path("partitions").forEach(p -> partitions.add(p.path("partition").asInt()));
    return partitions;
  }

  /** Waits until this member has partitions. */
  void awaitPartitions(final Duration timeout) throws Exception {
    final long deadline = System.nanoTime() + timeout.toNanos();
    while (partitions().isEmpty()) {
      if (!process.isAlive()) {
        throw new AssertionError("mysql-sink exited: " + process.tail());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no partitions within " + timeout + "; " + process.tail());
      }
      Thread.sleep(250);
    }
  }

  JvmProcess process() {
    return process;
  }

  /** {@code GET /status}. */
  JsonNode status() throws IOException, InterruptedException {
    return JSON.readTree(get("/status"));
  }

  /** The checkpoint commit_ts the sink reports ({@code GET /commit_ts}). */
  long checkpointTs() throws IOException, InterruptedException {
    return JSON.readTree(get("/commit_ts")).path("data").path("ts").asLong();
  }

  /**
   * Waits until the checkpoint reaches {@code commitTs}.
   *
   * @return the checkpoint then
   * @throws AssertionError if the sink exits first or the timeout passes
   */
  long awaitCheckpoint(final long commitTs, final Duration timeout) throws Exception {
    final long deadline = System.nanoTime() + timeout.toNanos();
    long seen = -1;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("mysql-sink exited: " + process.tail());
      }
      seen = checkpointTs();
      if (seen >= commitTs) {
        return seen;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        "checkpoint "
            + seen
            + " did not reach "
            + commitTs
            + " within "
            + timeout
            + "; status "
            + status()
            + "; "
            + process.tail());
  }

  private String get(final String path) throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statusPort + path))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
