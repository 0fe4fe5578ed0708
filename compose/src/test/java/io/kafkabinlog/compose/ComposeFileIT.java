package io.kafkabinlog.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Checks {@code compose/docker-compose.yml} without a Docker engine: Docker Compose itself must
 * accept it ({@code docker-compose config}), and every host file it references (config mounts,
 * secret files, env files, build context and Dockerfile) must exist in the repository.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ComposeFileIT {

  private static final String COMPOSE_FILE = "docker-compose.yml";

  private static final List<String> EXPECTED_SERVICES =
      List.of(
          "kafka",
          "etcd",
          "mariadb",
          "schema-registry",
          "pump-1",
          "pump-2",
          "ordering-stream",
          "mysql-sink",
          "kafka-sink");

  /** Services built from this repository that read a TOML config file. */
  private static final List<String> PIPELINE_SERVICES =
      List.of("schema-registry", "pump-1", "pump-2", "ordering-stream", "mysql-sink", "kafka-sink");

  private static final Pattern CONFIG_FLAG = Pattern.compile("--config=(\\S+)");

  private static Path composeDir;
  private static JsonNode compose;

  /** A host path the compose file mounts into a container. */
  private record BindMount(String service, String source, String target) {}

  @BeforeAll
  static void loadComposeFile() throws IOException {
    composeDir = findComposeDir();
    compose =
        new ObjectMapper(new YAMLFactory()).readTree(composeDir.resolve(COMPOSE_FILE).toFile());
    assertThat(compose.path("services").isObject())
        .as("%s has a services mapping", composeDir.resolve(COMPOSE_FILE))
        .isTrue();
  }

  @Test
  void shouldValidateWithDockerComposeConfig() throws IOException, InterruptedException {
    Path dockerCompose =
        findOnPath("docker-compose")
            .orElseThrow(
                () ->
                    new AssertionError(
                        "docker-compose is not on PATH ("
                            + System.getenv("PATH")
                            + "); install Debian's docker-compose: ./scripts/test.sh does that"));

    Process process =
        new ProcessBuilder(
                dockerCompose.toString(),
                "-f",
                composeDir.resolve(COMPOSE_FILE).toString(),
                "config")
            .directory(composeDir.toFile())
            .redirectErrorStream(true)
            .start();
    process.getOutputStream().close();
    String output;
    try (InputStream in = process.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("docker-compose config did not finish within 60 s; output:%n%s", output);
    }

    assertThat(process.exitValue())
        .as("exit code of docker-compose -f %s config; output:%n%s", COMPOSE_FILE, output)
        .isZero();
  }

  @Test
  void shouldDeclareTheExpectedServices() {
    assertThat(fieldNames(compose.path("services")))
        .as("services in %s", COMPOSE_FILE)
        .containsAll(EXPECTED_SERVICES);
  }

  @Test
  void shouldReferenceOnlyExistingBindMountSources() {
    List<String> missing = new ArrayList<>();
    for (BindMount mount : bindMounts()) {
      Path source = resolveHostPath(composeDir, mount.source());
      if (!Files.exists(source)) {
        missing.add(mount.service() + ": " + mount.source() + " (" + source + ")");
      }
    }
    assertThat(missing).as("bind-mount sources that do not exist").isEmpty();
  }

  @Test
  void shouldBindMountAConfigFileIntoEveryPipelineService() {
    List<BindMount> mounts = bindMounts();
    for (String service : PIPELINE_SERVICES) {
      List<String> configSources =
          mounts.stream()
              .filter(mount -> mount.service().equals(service))
              .map(BindMount::source)
              .filter(source -> source.endsWith(".toml"))
              .toList();
      assertThat(configSources)
          .as(
              "bind-mounted .toml configs of %s (so the mount check cannot pass vacuously)",
              service)
          .isNotEmpty();
      for (String source : configSources) {
        assertThat(resolveHostPath(composeDir, source)).as("config of %s", service).isRegularFile();
      }
    }
  }

  @Test
  void shouldMountTheConfigFileEachCommandNames() {
    List<BindMount> mounts = bindMounts();
    for (Map.Entry<String, JsonNode> service : compose.path("services").properties()) {
      Matcher matcher = CONFIG_FLAG.matcher(commandLine(service.getValue().path("command")));
      if (!matcher.find()) {
        continue;
      }
      List<String> targets =
          mounts.stream()
              .filter(mount -> mount.service().equals(service.getKey()))
              .map(BindMount::target)
              .toList();
      assertThat(targets)
          .as(
              "bind-mount targets of %s, whose command reads %s",
              service.getKey(), matcher.group(1))
          .contains(matcher.group(1));
    }
  }

  @Test
  void shouldReferenceOnlyExistingSecretAndConfigFiles() {
    List<String> missing = new ArrayList<>();
    for (String section : List.of("secrets", "configs")) {
      for (Map.Entry<String, JsonNode> entry : compose.path(section).properties()) {
        JsonNode file = entry.getValue().path("file");
        if (file.isTextual() && !Files.exists(resolveHostPath(composeDir, file.asText()))) {
          missing.add(section + "." + entry.getKey() + ": " + file.asText());
        }
      }
    }
    assertThat(missing).as("secret/config files that do not exist").isEmpty();
  }

  @Test
  void shouldDeclareEverySecretAServiceUses() {
    Set<String> declared = fieldNames(compose.path("secrets"));
    for (Map.Entry<String, JsonNode> service : compose.path("services").properties()) {
      for (JsonNode secret : service.getValue().path("secrets")) {
        String name = secret.isTextual() ? secret.asText() : secret.path("source").asText();
        assertThat(declared)
            .as("top-level secrets used by service %s", service.getKey())
            .contains(name);
      }
    }
  }

  @Test
  void shouldReferenceOnlyExistingEnvFiles() {
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, JsonNode> service : compose.path("services").properties()) {
      JsonNode envFile = service.getValue().path("env_file");
      List<JsonNode> entries = new ArrayList<>();
      if (envFile.isArray()) {
        envFile.forEach(entries::add);
      } else if (!envFile.isMissingNode()) {
        entries.add(envFile);
      }
      for (JsonNode entry : entries) {
        String file = entry.isTextual() ? entry.asText() : entry.path("path").asText();
        boolean required = entry.isTextual() || entry.path("required").asBoolean(true);
        if (required && !Files.exists(resolveHostPath(composeDir, file))) {
          missing.add(service.getKey() + ": " + file);
        }
      }
    }
    assertThat(missing).as("env files that do not exist").isEmpty();
  }

  @Test
  void shouldReferenceAnExistingBuildContextAndDockerfile() {
    int builds = 0;
    for (Map.Entry<String, JsonNode> service : compose.path("services").properties()) {
      JsonNode build = service.getValue().path("build");
      if (build.isMissingNode()) {
        continue;
      }
      builds++;
      String contextText = build.isTextual() ? build.asText() : build.path("context").asText(".");
      Path context = resolveHostPath(composeDir, contextText);
      assertThat(context).as("build context of %s", service.getKey()).isDirectory();
      String dockerfile = build.path("dockerfile").asText("Dockerfile");
      assertThat(context.resolve(dockerfile).normalize())
          .as("Dockerfile of %s (relative to its build context %s)", service.getKey(), context)
          .isRegularFile();
    }
    assertThat(builds).as("services built from this repository").isPositive();
  }

  // ------------------------------------------------------------------------------------------

  private static List<BindMount> bindMounts() {
    List<BindMount> mounts = new ArrayList<>();
    for (Map.Entry<String, JsonNode> service : compose.path("services").properties()) {
      for (JsonNode volume : service.getValue().path("volumes")) {
        if (volume.isTextual()) {
          // Short syntax: SOURCE:TARGET[:MODE], or TARGET alone (an anonymous volume). SOURCE is
          // a host path when it starts with '.', '/' or '~', otherwise a named volume.
          String[] parts = volume.asText().split(":", -1);
          if (parts.length >= 2 && isHostPath(parts[0])) {
            mounts.add(new BindMount(service.getKey(), parts[0], parts[1]));
          }
        } else if ("bind".equals(volume.path("type").asText())) {
          mounts.add(
              new BindMount(
                  service.getKey(),
                  volume.path("source").asText(),
                  volume.path("target").asText()));
        }
      }
    }
    return mounts;
  }

  private static boolean isHostPath(String source) {
    return source.startsWith(".") || source.startsWith("/") || source.startsWith("~");
  }

  private static Path resolveHostPath(Path base, String path) {
    if (path.equals("~") || path.startsWith("~/")) {
      return Paths.get(System.getProperty("user.home"))
          .resolve(path.substring(1).replaceFirst("^/", ""));
    }
    return base.resolve(path).normalize();
  }

  private static String commandLine(JsonNode command) {
    if (command.isTextual()) {
      return command.asText();
    }
    List<String> parts = new ArrayList<>();
    command.forEach(part -> parts.add(part.asText()));
    return String.join(" ", parts);
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new LinkedHashSet<>();
    node.properties().forEach(entry -> names.add(entry.getKey()));
    return names;
  }

  private static Optional<Path> findOnPath(String executable) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Paths.get(dir).resolve(executable);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * The folder holding docker-compose.yml: {@code $BINLOG_PROJECT_ROOT/compose} (set by failsafe),
   * else the first {@code compose/} found walking up from the working directory.
   */
  private static Path findComposeDir() {
    String root = System.getenv("BINLOG_PROJECT_ROOT");
    if (root != null && !root.isBlank()) {
      Path dir = Paths.get(root).toAbsolutePath().normalize().resolve("compose");
      if (Files.isRegularFile(dir.resolve(COMPOSE_FILE))) {
        return dir;
      }
    }
    Path start = Paths.get("").toAbsolutePath().normalize();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("compose");
      if (Files.isRegularFile(candidate.resolve(COMPOSE_FILE))) {
        return candidate;
      }
    }
    throw new AssertionError(
        "compose/"
            + COMPOSE_FILE
            + " not found: BINLOG_PROJECT_ROOT="
            + root
            + ", and no parent of "
            + start
            + " contains it");
  }
}
