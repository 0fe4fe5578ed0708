package io.kafkabinlog.mysqlsink.e2e;

import io.kafkabinlog.testkit.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A MariaDB server of the test's own (the Debian {@code mariadbd} that {@code scripts/services.sh}
 * installs), on a free port with its own data directory, so that a test can take it away and bring
 * it back without touching the shared server other tests use. Small buffers; root without a
 * password, as the shared one.
 */
final class PrivateMariaDb implements AutoCloseable {
  private final Path dir;
  private final int port;
  private final List<String> extraFlags;
  private Process process;

  private PrivateMariaDb(final Path dir, final int port, final List<String> extraFlags) {
    this.dir = dir;
    this.port = port;
    this.extraFlags = List.copyOf(extraFlags);
  }

  /**
   * Initialises a data directory under {@code dir} ({@code mariadb-install-db}) and starts the
   * server.
   *
   * @param extraFlags more {@code mariadbd} flags, e.g. {@code --innodb-lock-wait-timeout=2}
   */
  static PrivateMariaDb start(final Path dir, final String... extraFlags) throws Exception {
    Files.createDirectories(dir);
    final Process install =
        new ProcessBuilder(
                "mariadb-install-db",
                "--no-defaults",
                "--datadir=" + dir.resolve("data"),
                "--user=root",
                "--auth-root-authentication-method=normal",
                "--skip-test-db")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("install-db.log").toFile())
            .start();
    if (!install.waitFor(120, TimeUnit.SECONDS) || install.exitValue() != 0) {
      install.destroyForcibly();
      throw new AssertionError(
          "mariadb-install-db failed: " + Files.readString(dir.resolve("install-db.log")));
    }
    final PrivateMariaDb server = new PrivateMariaDb(dir, FreePorts.next(), List.of(extraFlags));
    server.startServer();
    return server;
  }

  Downstream downstream() {
    return new Downstream("127.0.0.1", port, "root", "");
  }

  int port() {
    return port;
  }

  /** Starts the server again on the same port and data directory and waits until it answers. */
  void startServer() throws Exception {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("already running");
    }
    final List<String> command =
        new java.util.ArrayList<>(
            List.of(
                "mariadbd",
                "--no-defaults",
                "--user=root",
                "--datadir=" + dir.resolve("data"),
                "--port=" + port,
                "--bind-address=127.0.0.1",
                "--socket=" + dir.resolve("mysqld.sock"),
                "--pid-file=" + dir.resolve("mariadbd.pid"),
                "--log-error=" + dir.resolve("error.log"),
                "--innodb-buffer-pool-size=64M",
                "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_general_ci"));
    command.addAll(extraFlags);
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("stdout.log").toFile()))
            .start();
    final long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    SQLException last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("mariadbd exited: " + errorLogTail());
      }
      try (Connection c = downstream().connect()) {
        if (c.isValid(5)) {
          return;
        }
      } catch (SQLException e) {
        last = e;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("mariadbd not answering on " + port + ": " + last, last);
  }

  /** SIGKILL: the server goes away at once, uncommitted work is lost, recovery runs on start. */
  void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  String errorLogTail() {
    try {
      final List<String> lines = Files.readAllLines(dir.resolve("error.log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no error log: " + e + ")";
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          kill9();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
