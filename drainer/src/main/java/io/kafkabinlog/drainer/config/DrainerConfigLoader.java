package io.kafkabinlog.drainer.config;

import io.kafkabinlog.common.config.ConfigReader;
import io.kafkabinlog.common.config.ConfigValidationException;
import io.kafkabinlog.common.config.DurationValidator;
import io.kafkabinlog.common.config.NodeSection;
import io.kafkabinlog.common.config.OriginalKeys;
import io.kafkabinlog.common.config.SettingOrigin;
import io.kafkabinlog.common.config.Settings;
import io.kafkabinlog.common.net.HostPort;
import io.kafkabinlog.mysqlsink.config.MysqlSinkConfig;
import io.kafkabinlog.mysqlsink.config.MysqlSinkConfigLoader;
import io.kafkabinlog.ordering.config.OrderingConfig;
import io.kafkabinlog.ordering.config.OrderingConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Reads and validates {@link DrainerConfig} from one {@code drainer.toml} ({@code --config}), the
 * original's {@code BINLOG_SERVER_*} environment variables, {@code DRAINER_*} ones (which win), and
 * {@code --key=value} flags, in that order of precedence. Every problem of the drainer, its
 * ordering stream and its mysql-sink is reported at once, each with its key and where the value
 * came from.
 *
 * <p>The drainer's own keys ({@code addr}, {@code advertise-addr}, {@code node-id}, {@code
 * data-dir}, {@code registry-root}, {@code heartbeat-interval}, {@code liveness-ttl}, {@code
 * initial-commit-ts}, {@code [syncer] db-type}) are read here. Every other key goes to the
 * component whose loader takes it ({@link OrderingConfigLoader#accepts}, {@link
 * MysqlSinkConfigLoader#accepts}), to both if both do ({@code pd-urls}, {@code cluster-id}, {@code
 * [kafka]}, {@code [schema-registry]}, {@code close-timeout}); those loaders validate them. {@code
 * [syncer]} keys are the sink's only. A key no one takes is a problem. The ordering stream's {@code
 * state-dir} defaults to {@code <data-dir>/ordering-stream}. The components' own {@code
 * status-addr} is refused: the drainer serves one HTTP API on {@code addr}.
 *
 * <p>{@code [syncer] db-type} must name a MySQL-protocol downstream ({@code mysql}, {@code tidb}):
 * {@code kafka} is served by the kafka-sink, {@code file} by nothing here.
 */
public final class DrainerConfigLoader {
  public static final String ENV_PREFIX = "DRAINER_";

  /** The original drainer's environment prefix; {@link #ENV_PREFIX} wins over it. */
  public static final String ORIGINAL_ENV_PREFIX = "BINLOG_SERVER_";

  static final String COMPONENT = "drainer";

  public static final String ADDR = "addr";
  public static final String ADVERTISE_ADDR = NodeSection.ADVERTISE_ADDR;
  public static final String NODE_ID = NodeSection.NODE_ID;
  public static final String DATA_DIR = "data-dir";
  public static final String REGISTRY_ROOT = NodeSection.REGISTRY_ROOT;
  public static final String HEARTBEAT_INTERVAL = "heartbeat-interval";
  public static final String LIVENESS_TTL = NodeSection.LIVENESS_TTL;
  public static final String INITIAL_COMMIT_TS = "initial-commit-ts";
  public static final String DB_TYPE = MysqlSinkConfigLoader.DB_TYPE;
  public static final String STATUS_ADDR = "status-addr";
  public static final String STATE_DIR = OrderingConfigLoader.STATE_DIR;
  public static final String LOOPBACK_CONTROL = "syncer.loopback-control";
  public static final String SYNC_DDL = "syncer.sync-ddl";
  public static final String ENCRYPTED_PASSWORD = "syncer.to.encrypted_password";

  public static final String DEFAULT_ADDR = "127.0.0.1:8249";
  public static final String DEFAULT_DATA_DIR = "data.drainer";

  /** Where the ordering stream's state stores go under data-dir unless state-dir is set. */
  public static final String ORDERING_STATE_SUBDIR = "ordering-stream";

  private static final String SECURITY_PREFIX = "security.";
  private static final String SYNCER_PREFIX = "syncer.";

  /** The original's [syncer.relay]: a relay log for a consistent downstream after a crash. */
  private static final String RELAY_PREFIX = "syncer.relay.";

  /** db-type values the drainer's sink serves: MySQL-protocol servers. */
  private static final Set<String> DB_TYPES = Set.of("mysql", "tidb");

  /** db-type values of the original that other components (or nothing) serve, and what then. */
  private static final Map<String, String> OTHER_DB_TYPES =
      Map.of(
          "kafka",
          "the Kafka output is the kafka-sink's (bin/kafka-sink --config=kafka-sink.toml, beside"
              + " an ordering stream)",
          "file",
          "the file output (for reparo) is not available",
          "pb",
          "the file output (for reparo) is not available");

  /** Original keys with no effect in the drainer or either component, with the reason. */
  private static final Map<String, String> NOT_APPLICABLE_REASONS =
      OriginalKeys.withLoggingAndPushMetrics(
          Map.ofEntries(
              Map.entry("detect-interval", "pumps join and leave through the control topic"),
              Map.entry(
                  "syncer.enable-dispatch",
                  "transactions are applied in parallel where their rows do not conflict"),
              Map.entry(
                  "syncer.disable-dispatch",
                  "transactions are applied in parallel where their rows do not conflict"),
              Map.entry(
                  "syncer.enable-detect", "conflict detection between transactions is always on"),
              Map.entry(
                  "syncer.disable-detect", "conflict detection between transactions is always on"),
              Map.entry("syncer.channel-id", "loopback control is not supported")));

  private static final OriginalKeys ORIGINAL_KEYS =
      new OriginalKeys(
          Map.of(),
          "does not apply to the drainer and is ignored",
          NOT_APPLICABLE_REASONS,
          RELAY_PREFIX,
          "no relay log is needed: the checkpoint commits in the same downstream transaction as"
              + " the data, so the downstream is consistent at the checkpoint after any crash");

  /** The keys {@link #definition()} defines (after the maps it reads, which it needs). */
  private static final Set<String> OWN_KEYS = Set.copyOf(definition().configKeys().keySet());

  private DrainerConfigLoader() {}

  /**
   * {@code main}'s entry: the file named by {@code --config}, then {@code BINLOG_SERVER_*}, then
   * {@code DRAINER_*}, then flags.
   */
  public static DrainerConfig load(final List<String> args, final Map<String, String> env) {
    final Settings file =
        Settings.configFileFlag(args).map(Settings::fromToml).orElse(Settings.empty());
    return from(
        file.overriddenBy(Settings.fromEnv(env, ORIGINAL_ENV_PREFIX))
            .overriddenBy(Settings.fromEnv(env, ENV_PREFIX))
            .overriddenBy(Settings.fromFlags(args)));
  }

  /**
   * Validates {@code settings}, logging a warning for each key that is accepted but has no effect.
   *
   * @throws ConfigValidationException listing every problem of the drainer and its components
   */
  public static DrainerConfig from(final Settings settings) {
    final Settings adopted = ORIGINAL_KEYS.adopt(settings);
    final ConfigReader r =
        new ConfigReader(
            COMPONENT,
            definition(),
            adopted.only(key -> isOwn(key) || isUnknown(key)),
            Set.of(SECURITY_PREFIX, RELAY_PREFIX));
    final HostPort addr = NodeSection.address(r, ADDR).orElse(HostPort.parse(ADDR, DEFAULT_ADDR));
    final HostPort advertiseAddr = NodeSection.advertiseAddr(r, addr, "drainer", "binlogctl");
    final Path dataDir = Path.of(r.getString(DATA_DIR).trim());
    final long initialCommitTs = r.getLong(INITIAL_COMMIT_TS);
    checkOwn(r);

    // A set: a bad shared key (pd-urls, [kafka]) is reported alike by both components.
    final Set<String> problems = new LinkedHashSet<>(r.problems());
    final OrderingConfig ordering =
        component(problems, orderingSettings(adopted, dataDir), OrderingConfigLoader::from);
    final MysqlSinkConfig sink =
        component(problems, sinkSettings(adopted), MysqlSinkConfigLoader::from);
    if (!problems.isEmpty()) {
      throw new ConfigValidationException(COMPONENT, List.copyOf(problems));
    }
    return new DrainerConfig(
        addr,
        advertiseAddr,
        NodeSection.nodeId(r),
        dataDir,
        r.getString(REGISTRY_ROOT),
        r.getDuration(HEARTBEAT_INTERVAL, ChronoUnit.SECONDS),
        r.getDuration(LIVENESS_TTL, ChronoUnit.SECONDS),
        initialCommitTs,
        ordering,
        initialCommitTs == DrainerConfig.INITIAL_COMMIT_TS_NOW
            ? sink
            : sink.withInitialCommitTs(initialCommitTs));
  }

  /** The warnings {@link #from} logs for the drainer's own keys (its components log theirs). */
  public static List<String> warnings(final Settings settings) {
    return ORIGINAL_KEYS.warnings(settings);
  }

  /** The drainer's own keys, for {@code --help} and for the reader. */
  public static ConfigDef definition() {
    final ConfigDef def = new ConfigDef();
    NodeSection.define(def);
    def.define(
        ADDR,
        Type.STRING,
        DEFAULT_ADDR,
        HostPort::validate,
        Importance.HIGH,
        "HTTP API: /status, /commit_ts, /state/<node-id>/pause|close, /metrics (port 0: any).");
    def.define(
        ADVERTISE_ADDR,
        Type.STRING,
        "",
        HostPort::validateOrBlank,
        Importance.HIGH,
        "The registry entry's host, where binlogctl reaches the API; empty: addr. Never a"
            + " wildcard host.");
    def.define(
        DATA_DIR,
        Type.STRING,
        DEFAULT_DATA_DIR,
        new ConfigDef.NonEmptyString(),
        Importance.HIGH,
        "Local state: the lock file, the node id and the ordering stream's state stores.");
    DurationValidator.define(
        def, HEARTBEAT_INTERVAL, "1", Duration.ofMillis(1), "Registry heartbeat interval.");
    def.define(
        INITIAL_COMMIT_TS,
        Type.LONG,
        DrainerConfig.INITIAL_COMMIT_TS_NOW,
        Range.atLeast(DrainerConfig.INITIAL_COMMIT_TS_NOW),
        Importance.MEDIUM,
        "Where replication starts while the downstream has no checkpoint; -1: PD's TSO at start.");
    def.define(
        DB_TYPE,
        Type.STRING,
        "mysql",
        Importance.HIGH,
        "The downstream's kind: mysql or tidb (kafka: the kafka-sink serves it).");
    def.define(
        STATUS_ADDR,
        Type.STRING,
        "",
        Importance.LOW,
        "Not a drainer key (the ordering stream's and the mysql-sink's): see addr.");
    def.define(
        LOOPBACK_CONTROL,
        Type.BOOLEAN,
        false,
        Importance.LOW,
        "The original's bidirectional replication; only false is supported.");
    def.define(
        SYNC_DDL,
        Type.BOOLEAN,
        true,
        Importance.LOW,
        "The original's switch for DDL; only true is supported (DDL is replicated).");
    def.define(
        ENCRYPTED_PASSWORD,
        Type.STRING,
        "",
        Importance.LOW,
        "The original's encrypted password; not supported, see [syncer.to] password-file.");
    return ORIGINAL_KEYS.defineIgnored(def);
  }

  private static boolean isOwn(final String key) {
    return OWN_KEYS.contains(key)
        || key.startsWith(SECURITY_PREFIX)
        || key.startsWith(RELAY_PREFIX);
  }

  /** Taken by no one: the drainer's reader reports it as unknown, with its origin. */
  private static boolean isUnknown(final String key) {
    return !isOwn(key) && !forOrdering(key) && !forSink(key);
  }

  private static boolean forOrdering(final String key) {
    return !isOwn(key) && !key.startsWith(SYNCER_PREFIX) && OrderingConfigLoader.accepts(key);
  }

  private static boolean forSink(final String key) {
    return (!isOwn(key) || DB_TYPE.equals(key)) && MysqlSinkConfigLoader.accepts(key);
  }

  private static void checkOwn(final ConfigReader r) {
    final String dbType = dbType(r.getString(DB_TYPE));
    if (!DB_TYPES.contains(dbType)) {
      r.problem(
          DB_TYPE,
          "\""
              + dbType
              + "\" is not a drainer downstream: "
              + OTHER_DB_TYPES.getOrDefault(
                  dbType, "the drainer writes to MySQL-protocol servers only")
              + "; use db-type = \"mysql\" (or \"tidb\")"
              + ("kafka".equals(dbType) ? "" : ". db-type \"kafka\" is served by the kafka-sink"));
    }
    r.check(
        !r.isSet(STATUS_ADDR),
        STATUS_ADDR,
        "the drainer serves one HTTP API (status, metrics, state) on addr; remove status-addr");
    r.check(
        !r.getBoolean(LOOPBACK_CONTROL),
        LOOPBACK_CONTROL,
        "bidirectional replication (loopback control) is not supported; set it to false");
    r.check(
        r.getBoolean(SYNC_DDL),
        SYNC_DDL,
        "DDL is always replicated (the sink needs the downstream schema to follow); set it to"
            + " true, or skip one DDL with ignore-txn-commit-ts");
    r.check(
        r.getString(ENCRYPTED_PASSWORD).isBlank(),
        ENCRYPTED_PASSWORD,
        "encrypted passwords are not supported; use [syncer.to] password-file or the "
            + ENV_PREFIX
            + "SYNCER__TO__PASSWORD environment variable");
    r.passThrough(SECURITY_PREFIX).entrySet().stream()
        .filter(e -> !e.getValue().isBlank())
        .forEach(
            e ->
                r.problem(
                    SECURITY_PREFIX + e.getKey(),
                    "TLS is not supported by the drainer (no listener but its HTTP API); Kafka's"
                        + " TLS goes in [kafka.client]. Remove [security]"));
  }

  /** The stream's keys, with state-dir under data-dir unless set. */
  private static Settings orderingSettings(final Settings adopted, final Path dataDir) {
    final Settings own = adopted.only(DrainerConfigLoader::forOrdering);
    if (own.values().containsKey(STATE_DIR)) {
      return own;
    }
    return own.overriddenBy(
        Settings.of(
            Map.of(STATE_DIR, dataDir.resolve(ORDERING_STATE_SUBDIR).toString()),
            new SettingOrigin(SettingOrigin.Kind.DERIVED, DATA_DIR)));
  }

  /** The sink's keys; db-type only if it names a downstream the sink serves. */
  private static Settings sinkSettings(final Settings adopted) {
    return adopted.only(
        key ->
            forSink(key)
                && (!DB_TYPE.equals(key)
                    || DB_TYPES.contains(dbType(String.valueOf(adopted.values().get(key))))));
  }

  private static String dbType(final String value) {
    return value.trim().toLowerCase(Locale.ROOT);
  }

  /** The component's config, or null with its problems added to {@code problems}. */
  private static <T> T component(
      final Set<String> problems, final Settings settings, final Function<Settings, T> loader) {
    try {
      return loader.apply(settings);
    } catch (ConfigValidationException e) {
      problems.addAll(e.problems());
      return null;
    }
  }
}
