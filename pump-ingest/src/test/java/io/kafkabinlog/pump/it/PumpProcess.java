package io.kafkabinlog.pump.it;

import io.kafkabinlog.testkit.JvmProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One pump ({@code io.kafkabinlog.pump.PumpMain}) in a child JVM, configured by flags only, and
 * started once it logged {@code pump <nodeId> online}. {@link #restart} starts the same node again
 * (same ports, data directory and node id), as an operator restarting a crashed pump would.
 */
final class PumpProcess implements AutoCloseable {
  static final String MAIN = "io.kafkabinlog.pump.PumpMain";
  static final Duration ONLINE_TIMEOUT = Duration.ofSeconds(90);

  private final PumpCluster cluster;
  private final Spec spec;
  private final JvmProcess process;

  /**
   * How one pump is started.
   *
   * @param nodeId node id
   * @param port gRPC port on 127.0.0.1
   * @param statusPort status API port on 127.0.0.1
   * @param dataDir data directory
   * @param jvmOptions e.g. -Xmx2g
   * @param flags further {@code --key=value} settings
   */
  record Spec(
      String nodeId,
      int port,
      int statusPort,
      Path dataDir,
      List<String> jvmOptions,
      List<String> flags) {
    Spec {
      jvmOptions = List.copyOf(jvmOptions);
      flags = List.copyOf(flags);
    }
  }

  private PumpProcess(final PumpCluster cluster, final Spec spec, final JvmProcess process) {
    this.cluster = cluster;
    this.spec = spec;
    this.process = process;
  }

  /** Starts the pump and waits until it is online. */
  static PumpProcess start(final PumpCluster cluster, final Spec spec) throws Exception {
    final List<String> args = new ArrayList<>();
    args.add("--addr=127.0.0.1:" + spec.port());
    args.add("--advertise-addr=127.0.0.1:" + spec.port());
    args.add("--status-addr=127.0.0.1:" + spec.statusPort());
    args.add("--data-dir=" + spec.dataDir());
    args.add("--node-id=" + spec.nodeId());
    args.addAll(cluster.pumpFlags());
    args.addAll(spec.flags());
    final JvmProcess process =
        JvmProcess.builder(MAIN)
            .name("pump-" + spec.nodeId())
            .jvmOptions(spec.jvmOptions().toArray(String[]::new))
            .args(args)
            .start();
    final PumpProcess pump = new PumpProcess(cluster, spec, process);
    try {
      process.awaitLine(
          Pattern.compile("pump " + Pattern.quote(spec.nodeId()) + " online"), ONLINE_TIMEOUT);
    } catch (AssertionError | InterruptedException e) {
      pump.close();
      throw e;
    }
    return pump;
  }

  /** Starts this node again; the current process must have exited. */
  PumpProcess restart() throws Exception {
    if (process.isAlive()) {
      throw new IllegalStateException(process + " still runs");
    }
    return start(cluster, spec);
  }

  String nodeId() {
    return spec.nodeId();
  }

  /** host:port of the gRPC service. */
  String addr() {
    return "127.0.0.1:" + spec.port();
  }

  JvmProcess process() {
    return process;
  }

  /** {@code PUT /state/<nodeId>/<action>} on the status API; returns the HTTP status code. */
  int putState(final String action) throws IOException, InterruptedException {
    final HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            "http://127.0.0.1:"
                                + spec.statusPort()
                                + "/state/"
                                + spec.nodeId()
                                + "/"
                                + action))
                    .PUT(HttpRequest.BodyPublishers.noBody())
                    .timeout(Duration.ofSeconds(30))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return response.statusCode();
  }

  /** {@code GET <path>} on the status API. */
  String get(final String path) throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + spec.statusPort() + path))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  @Override
  public void close() {
    process.close();
  }

  @Override
  public String toString() {
    return "pump " + spec.nodeId() + " (" + process + ")";
  }
}
