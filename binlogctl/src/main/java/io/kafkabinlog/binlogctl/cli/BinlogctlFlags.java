package io.kafkabinlog.binlogctl.cli;

import io.kafkabinlog.common.config.DurationValidator;
import io.kafkabinlog.common.config.KafkaSection;
import io.kafkabinlog.common.config.KafkaSection.KafkaSettings;
import io.kafkabinlog.common.config.PdSection;
import io.kafkabinlog.common.registry.NodeState;
import io.kafkabinlog.common.registry.RegistryKeys;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * binlogctl's flags: the original's ({@code -cmd}, {@code -node-id}, {@code -state}, {@code
 * -pd-urls}, {@code -show-offline-nodes}, {@code -data-dir}, {@code -time-zone}, {@code -text},
 * {@code -ssl-*}, {@code -V}) and ours ({@code -registry-root}, {@code -cluster-id}, {@code
 * -tso-urls}, {@code -kafka.*}, {@code -quiet-window}).
 */
public final class BinlogctlFlags {
  public static final String DEFAULT_DATA_DIR = "binlog_position";
  public static final Duration DEFAULT_QUIET_WINDOW = Duration.ofSeconds(1);

  private static final String CLIENT_PREFIX = "kafka.client.";
  private static final Set<String> SSL = Set.of("ssl-ca", "ssl-cert", "ssl-key");
  private static final Pattern HOST_PORT = Pattern.compile("[^\\s:/,]+:\\d{1,5}");
  private static final Pattern TOPIC_PREFIX = Pattern.compile("[a-z0-9][a-z0-9.-]{0,99}");

  private static final GoFlags FLAGS =
      new GoFlags(
          Set.of(
              "cmd",
              "node-id",
              "state",
              "pd-urls",
              "data-dir",
              "time-zone",
              "text",
              "ssl-ca",
              "ssl-cert",
              "ssl-key",
              "registry-root",
              "cluster-id",
              "tso-urls",
              "kafka.bootstrap-servers",
              "kafka.topic-prefix",
              "quiet-window"),
          Set.of("show-offline-nodes", "V"),
          List.of(CLIENT_PREFIX));

  public static final String USAGE =
      """
      usage: binlogctl -cmd <command> [flags]   (flags also as --name=value)

      commands (-cmd, default pumps):
        pumps | drainers                   list the nodes in the registry (offline ones with
                                           -show-offline-nodes)
        update-pump | update-drainer       -node-id ID -state online|pausing|paused|closing|offline:
                                           set the state in the registry only (repairs dead nodes)
        pause-pump | pause-drainer         -node-id ID: PUT /state/ID/pause on the node
        offline-pump | offline-drainer     -node-id ID: PUT /state/ID/close on the node; for a pump
                                           that is not alive, write its final watermark and LEAVE
                                           on its behalf, then set it offline
        generate_meta                      write <data-dir>/savepoint with commitTS = a fresh TSO

      flags:
        -pd-urls URLS              PD's etcd, comma separated (default http://127.0.0.1:2379)
        -registry-root KEY         root key of the registry (default /tidb-binlog)
        -node-id ID, -state STATE  the node and state of the commands above
        -show-offline-nodes        also list offline nodes
        -data-dir DIR              generate_meta's directory (default binlog_position)
        -time-zone ZONE            generate_meta: add the time in UTC and in ZONE (or Local)
        -tso-urls URLS             PD endpoints for TSOs and the cluster id (default -pd-urls)
        -cluster-id ID             the pumps' cluster id (default: the one PD reports)
        -kafka.bootstrap-servers   the pumps' Kafka (default 127.0.0.1:9092)
        -kafka.topic-prefix        the pumps' topic prefix (default binlog)
        -kafka.client.NAME=VALUE   a Kafka client property (SASL, SSL, ...)
        -quiet-window DURATION     how long a dead pump must stay silent in Kafka before
                                   offline-pump writes on its behalf (default 1s)
        -V                         print the version
      exit codes: 0 done, 1 failed (the message names the node or endpoint), 2 usage error
      """;

  private BinlogctlFlags() {}

  /** What the command line asks for. */
  public sealed interface Request permits Help, Version, Run {}

  /** {@code -h}: print the usage. */
  public record Help() implements Request {}

  /** {@code -V}: print the version. */
  public record Version() implements Request {}

  /** Run a command. */
  public record Run(BinlogctlOptions options) implements Request {}

  /**
   * Reads and checks the command line.
   *
   * @throws UsageException naming the flag that is wrong
   */
  public static Request parse(final List<String> args) throws UsageException {
    final GoFlags.Parsed parsed = FLAGS.parse(args);
    if (parsed.help()) {
      return new Help();
    }
    if (!parsed.positional().isEmpty()) {
      throw new UsageException("'" + parsed.positional().get(0) + "' is an invalid flag");
    }
    final Map<String, String> v = parsed.values();
    if ("true".equals(v.get("V"))) {
      return new Version();
    }
    for (final String ssl : SSL) {
      if (!v.getOrDefault(ssl, "").isEmpty()) {
        throw new UsageException(
            "-" + ssl + ": TLS to etcd, PD and the nodes is not supported by this binlogctl yet");
      }
    }
    final String cmdName = v.getOrDefault("cmd", Command.PUMPS.wireName());
    final Command command =
        Command.fromWireName(cmdName)
            .orElseThrow(() -> new UsageException("cmd " + cmdName + " not supported"));
    if (command == Command.ENCRYPT) {
      throw new UsageException(
          "cmd encrypt not supported: no component of this project reads an encrypted_password"
              + " (mysql-sink takes its password from the config, the environment or a file)");
    }
    final String nodeId = v.getOrDefault("node-id", "");
    if (command.needsNodeId() && nodeId.isBlank()) {
      throw new UsageException("-node-id is required for -cmd " + command.wireName());
    }
    final Optional<NodeState> state = state(command, v.get("state"));
    final List<URI> pdUrls = urls("pd-urls", v.getOrDefault("pd-urls", PdSection.DEFAULT_PD_URLS));
    final String tsoText = v.getOrDefault("tso-urls", "");
    final List<URI> tsoUrls = tsoText.isBlank() ? pdUrls : urls("tso-urls", tsoText);
    return new Run(
        new BinlogctlOptions(
            command,
            nodeId,
            state,
            pdUrls,
            "true".equals(v.get("show-offline-nodes")),
            Path.of(v.getOrDefault("data-dir", DEFAULT_DATA_DIR)),
            timeZone(v.get("time-zone")),
            registryRoot(v.getOrDefault("registry-root", RegistryKeys.DEFAULT_ROOT)),
            clusterId(v.getOrDefault("cluster-id", "0")),
            tsoUrls,
            kafka(v),
            quietWindow(v.get("quiet-window"))));
  }

  private static Optional<NodeState> state(final Command command, final String text)
      throws UsageException {
    final boolean updates = command == Command.UPDATE_PUMP || command == Command.UPDATE_DRAINER;
    if (!updates) {
      return Optional.empty();
    }
    if (text == null || text.isBlank()) {
      throw new UsageException(
          "-state is required for -cmd "
              + command.wireName()
              + " (online, pausing, paused, closing or offline)");
    }
    try {
      return Optional.of(NodeState.fromWireName(text));
    } catch (IllegalArgumentException e) {
      throw new UsageException("state " + text + " is illegal: " + e.getMessage());
    }
  }

  private static List<URI> urls(final String flag, final String text) throws UsageException {
    final List<String> parts =
        Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    if (parts.isEmpty()) {
      throw new UsageException("-" + flag + " needs at least one URL");
    }
    final List<URI> urls = new java.util.ArrayList<>();
    for (final String part : parts) {
      try {
        final URI uri = new URI(part);
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
            || uri.getHost() == null
            || uri.getPort() < 0) {
          throw new UsageException(
              "-" + flag + ": '" + part + "' must look like http://host:port or https://host:port");
        }
        urls.add(uri);
      } catch (URISyntaxException e) {
        throw new UsageException("-" + flag + ": '" + part + "' is not a URL: " + e.getReason());
      }
    }
    return List.copyOf(urls);
  }

  private static Optional<ZoneId> timeZone(final String text) throws UsageException {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    if (text.equals("Local")) {
      return Optional.of(ZoneId.systemDefault());
    }
    try {
      return Optional.of(ZoneId.of(text));
    } catch (DateTimeException e) {
      throw new UsageException(
          "-time-zone: unknown time zone " + text + " (" + e.getMessage() + ")");
    }
  }

  private static String registryRoot(final String text) throws UsageException {
    try {
      return new RegistryKeys(text).root();
    } catch (IllegalArgumentException e) {
      throw new UsageException("-registry-root: " + e.getMessage());
    }
  }

  private static long clusterId(final String text) throws UsageException {
    try {
      return Long.parseUnsignedLong(text.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("-cluster-id: '" + text + "' is not an unsigned 64-bit number");
    }
  }

  private static KafkaSettings kafka(final Map<String, String> v) throws UsageException {
    final List<String> servers =
        Arrays.stream(
                v.getOrDefault(
                        KafkaSection.BOOTSTRAP_SERVERS, KafkaSection.DEFAULT_BOOTSTRAP_SERVERS)
                    .split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toList();
    if (servers.isEmpty()) {
      throw new UsageException("-" + KafkaSection.BOOTSTRAP_SERVERS + " needs a host:port");
    }
    for (final String server : servers) {
      if (!HOST_PORT.matcher(server).matches()) {
        throw new UsageException(
            "-" + KafkaSection.BOOTSTRAP_SERVERS + ": '" + server + "' is not host:port");
      }
    }
    final String prefix =
        v.getOrDefault(KafkaSection.TOPIC_PREFIX, KafkaSection.DEFAULT_TOPIC_PREFIX);
    if (!TOPIC_PREFIX.matcher(prefix).matches()) {
      throw new UsageException(
          "-"
              + KafkaSection.TOPIC_PREFIX
              + ": '"
              + prefix
              + "' must be 1-100 characters of [a-z0-9.-], starting with a letter or digit");
    }
    final Map<String, String> client = new LinkedHashMap<>();
    v.forEach(
        (name, value) -> {
          if (name.startsWith(CLIENT_PREFIX)) {
            client.put(name.substring(CLIENT_PREFIX.length()), value);
          }
        });
    return new KafkaSettings(servers, prefix, client);
  }

  private static Duration quietWindow(final String text) throws UsageException {
    if (text == null || text.isBlank()) {
      return DEFAULT_QUIET_WINDOW;
    }
    final Duration window;
    try {
      window = DurationValidator.parse(text, ChronoUnit.SECONDS);
    } catch (IllegalArgumentException e) {
      throw new UsageException("-quiet-window: " + e.getMessage());
    }
    if (window.isNegative() || window.isZero()) {
      throw new UsageException("-quiet-window must be positive: " + text);
    }
    return window;
  }
}
