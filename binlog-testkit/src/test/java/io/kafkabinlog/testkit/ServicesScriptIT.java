package io.kafkabinlog.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The service script, as the tests run against it: all four up, and a second start a no-op. */
@Tag("integration")
@Timeout(180)
class ServicesScriptIT {
  private static final Pattern RUNNING =
      Pattern.compile("(?m)^(kafka|etcd|mariadb|registry): running \\(pid (\\d+)");

  @Test
  void shouldReportEveryServiceRunningWhileTestsRun() throws Exception {
    final Result status = run("status");
    assertThat(status.exitCode()).as(status.output()).isZero();
    assertThat(pids(status.output()))
        .as(status.output())
        .containsOnlyKeys("kafka", "etcd", "mariadb", "registry");
  }

  @Test
  void shouldTreatASecondStartAsANoOp() throws Exception {
    final Map<String, String> before = pids(run("status").output());

    final Result start = run("start");

    assertThat(start.exitCode()).as(start.output()).isZero();
    assertThat(start.output())
        .contains(
            "kafka: already running",
            "etcd: already running",
            "mariadb: already running",
            "registry: already running");
    assertThat(pids(run("status").output())).isEqualTo(before);
  }

  private static Map<String, String> pids(final String output) {
    final Map<String, String> pids = new TreeMap<>();
    final Matcher m = RUNNING.matcher(output);
    while (m.find()) {
      pids.put(m.group(1), m.group(2));
    }
    return pids;
  }

  private static Result run(final String command) throws IOException, InterruptedException {
    final Path script = projectRoot().resolve("scripts/services.sh");
    final Process process =
        new ProcessBuilder("bash", script.toString(), command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    final String output =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(150, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), output);
  }

  private static Path projectRoot() {
    final String fromBuild = System.getenv("BINLOG_PROJECT_ROOT");
    if (fromBuild != null && Files.exists(Path.of(fromBuild, "scripts/services.sh"))) {
      return Path.of(fromBuild);
    }
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("scripts/services.sh"))) {
      dir = dir.getParent();
    }
    assertThat(dir)
        .as("project root with scripts/services.sh above the working directory")
        .isNotNull();
    return dir;
  }

  private record Result(int exitCode, String output) {}
}
