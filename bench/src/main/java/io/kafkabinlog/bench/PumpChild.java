package io.kafkabinlog.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A pump ({@code io.kafkabinlog.pump.PumpMain}) in a process of its own, on this JVM's class path,
 * so that the benchmark's client and the pump do not share a heap or JIT. Output goes to a log
 * file; {@link #start} returns once the pump logged that it is online.
 */
final class PumpChild implements AutoCloseable {
  private static final String MAIN = "io.kafkabinlog.pump.PumpMain";

  private final Process process;
  private final Path log;

  private PumpChild(final Process process, final Path log) {
    this.process = process;
    this.log = log;
  }

  static PumpChild start(
      final List<String> jvmOptions,
      final List<String> args,
      final String nodeId,
      final Path log,
      final Duration timeout)
      throws IOException, InterruptedException {
    final List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(MAIN);
    command.addAll(args);
    final Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    final PumpChild child = new PumpChild(process, log);
    final String online = "pump " + nodeId + " online";
    final long deadline = System.nanoTime() + timeout.toNanos();
    while (!Files.readString(log, StandardCharsets.UTF_8).contains(online)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        child.close();
        throw new IllegalStateException(
            "the pump did not come online (exit "
                + (process.isAlive() ? "-" : process.exitValue())
                + "); its log: "
                + log
                + "\n"
                + child.tail());
      }
      Thread.sleep(100);
    }
    return child;
  }

  Path log() {
    return log;
  }

  String tail() throws IOException {
    final List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  /** SIGTERM (the pump pauses and exits), then SIGKILL if it takes too long. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
