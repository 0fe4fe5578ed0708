package io.kafkabinlog.testkit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Java main class run in a child JVM, for tests that need a real process: one that can be killed
 * with SIGKILL, stopped with SIGTERM, or measured apart from the test JVM. Stdout and stderr go to
 * one log file ({@link #log()}) that tests wait on with {@link #awaitLine}. Closing kills the child
 * if it still runs, so a failed test never leaves one behind.
 *
 * <p>By default the child gets the test JVM's class path ({@code java.class.path}: under Maven a
 * manifest-only jar naming every entry) and the test JVM's environment plus {@link Builder#env}.
 */
public final class JvmProcess implements AutoCloseable {
  private static final Duration POLL = Duration.ofMillis(50);
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("HHmmss-SSS");

  private final String name;
  private final Process process;
  private final Path log;

  private JvmProcess(final String name, final Process process, final Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** A builder for a child JVM running {@code mainClass}. */
  public static Builder builder(final String mainClass) {
    return new Builder(mainClass);
  }

  /** A builder for a child JVM running {@code mainClass}. */
  public static Builder builder(final Class<?> mainClass) {
    return new Builder(mainClass.getName());
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  /** The file that receives the child's stdout and stderr. */
  public Path log() {
    return log;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The exit code once the child has exited. */
  public OptionalInt exitCode() {
    return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
  }

  /** Everything the child printed so far. */
  public String output() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The lines of the output that match {@code pattern} (found anywhere in the line). */
  public List<String> linesMatching(final Pattern pattern) {
    return output().lines().filter(l -> pattern.matcher(l).find()).toList();
  }

  /**
   * Waits until a line of the output (from its beginning) contains a match of {@code pattern}.
   *
   * @return the first match, with its groups
   * @throws AssertionError if the child exits first or the timeout passes; the message holds the
   *     end of the output
   */
  public MatchResult awaitLine(final Pattern pattern, final Duration timeout)
      throws InterruptedException {
    final long deadline = System.nanoTime() + timeout.toNanos();
    final StringBuilder partial = new StringBuilder();
    long offset = 0;
    while (true) {
      // Read what is there before checking liveness, so that the last lines of a child that
      // printed and exited are still seen.
      final boolean aliveBefore = process.isAlive();
      final byte[] fresh = readFrom(offset);
      offset += fresh.length;
      partial.append(new String(fresh, StandardCharsets.UTF_8));
      int newline;
      while ((newline = partial.indexOf("\n")) >= 0) {
        final String line = partial.substring(0, newline);
        partial.delete(0, newline + 1);
        final Matcher m = pattern.matcher(line);
        if (m.find()) {
          return m.toMatchResult();
        }
      }
      if (!aliveBefore) {
        final Matcher m = pattern.matcher(partial);
        if (m.find()) {
          return m.toMatchResult();
        }
        throw new AssertionError(
            name
                + " exited with code "
                + process.exitValue()
                + " before printing a line matching /"
                + pattern
                + "/; "
                + tail());
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            name + " printed no line matching /" + pattern + "/ within " + timeout + "; " + tail());
      }
      Thread.sleep(POLL.toMillis());
    }
  }

  /**
   * Waits for the child to exit by itself.
   *
   * @return its exit code
   * @throws AssertionError if it still runs after {@code timeout}
   */
  public int waitFor(final Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " still runs after " + timeout + "; " + tail());
    }
    return process.exitValue();
  }

  /**
   * Sends SIGTERM ({@link Process#destroy()} on Linux) and waits for the exit.
   *
   * @return the exit code
   * @throws AssertionError if it still runs after {@code timeout} (it is then killed)
   */
  public int terminate(final Duration timeout) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      kill9();
      throw new AssertionError(name + " ignored SIGTERM for " + timeout + "; killed; " + tail());
    }
    return process.exitValue();
  }

  /**
   * Sends SIGKILL ({@link Process#destroyForcibly()} on Linux): no shutdown hook runs. Returns once
   * the child is gone.
   *
   * @return the exit code (137 on Linux)
   */
  public int kill9() throws InterruptedException {
    process.destroyForcibly();
    return process.waitFor();
  }

  /** Kills the child if it still runs. */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The last lines of the output, for failure messages. */
  public String tail() {
    final List<String> lines = output().lines().toList();
    final List<String> last = lines.subList(Math.max(0, lines.size() - 40), lines.size());
    return "last output lines (" + log + "):\n  " + String.join("\n  ", last);
  }

  @Override
  public String toString() {
    return name + "[pid " + process.pid() + "]";
  }

  private byte[] readFrom(final long offset) {
    try (RandomAccessFile in = new RandomAccessFile(log.toFile(), "r")) {
      final long length = in.length();
      if (length <= offset) {
        return new byte[0];
      }
      final byte[] bytes = new byte[(int) Math.min(length - offset, 1 << 20)];
      in.seek(offset);
      in.readFully(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What to run and how. */
  public static final class Builder {
    private final String mainClass;
    private final List<String> jvmOptions = new ArrayList<>();
    private final List<String> args = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private String classpath = System.getProperty("java.class.path");
    private String name;
    private Path logDir = Path.of("target", "process-logs");
    private Path workDir;

    private Builder(final String mainClass) {
      this.mainClass = Objects.requireNonNull(mainClass, "mainClass");
      this.name = mainClass.substring(mainClass.lastIndexOf('.') + 1);
    }

    /** Names the process in its log file and failure messages (default: the main class). */
    public Builder name(final String processName) {
      this.name = processName.replaceAll("[^A-Za-z0-9._-]+", "-");
      return this;
    }

    /** JVM options, e.g. {@code -Xmx2g}. */
    public Builder jvmOptions(final String... options) {
      jvmOptions.addAll(Arrays.asList(options));
      return this;
    }

    public Builder args(final String... arguments) {
      args.addAll(Arrays.asList(arguments));
      return this;
    }

    public Builder args(final List<String> arguments) {
      args.addAll(arguments);
      return this;
    }

    /** Adds (or overrides) an environment variable of the child. */
    public Builder env(final String key, final String value) {
      env.put(key, value);
      return this;
    }

    /** Class path of the child (default: the test JVM's). */
    public Builder classpath(final String path) {
      this.classpath = Objects.requireNonNull(path, "classpath");
      return this;
    }

    /** Directory of the log file (default {@code target/process-logs}). */
    public Builder logDir(final Path dir) {
      this.logDir = Objects.requireNonNull(dir, "logDir");
      return this;
    }

    /** Working directory of the child (default: the test JVM's). */
    public Builder workDir(final Path dir) {
      this.workDir = dir;
      return this;
    }

    /** The command line this builder starts. */
    public List<String> command() {
      final List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmOptions);
      command.add("-cp");
      command.add(classpath);
      command.add(mainClass);
      command.addAll(args);
      return command;
    }

    public JvmProcess start() throws IOException {
      Files.createDirectories(logDir);
      final Path log =
          logDir.resolve(
              name + "-" + LocalTime.now().format(STAMP) + "-" + System.nanoTime() % 1000 + ".log");
      Files.writeString(log, "", StandardCharsets.UTF_8);
      final ProcessBuilder pb =
          new ProcessBuilder(command())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .redirectInput(ProcessBuilder.Redirect.PIPE);
      if (workDir != null) {
        pb.directory(workDir.toFile());
      }
      pb.environment().putAll(env);
      return new JvmProcess(name, pb.start(), log);
    }
  }
}
