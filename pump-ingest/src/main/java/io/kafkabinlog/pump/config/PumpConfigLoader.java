package io.kafkabinlog.pump.config;

import io.kafkabinlog.common.config.ConfigReader;
import io.kafkabinlog.common.config.DurationValidator;
import io.kafkabinlog.common.config.KafkaSection;
import io.kafkabinlog.common.config.NodeSection;
import io.kafkabinlog.common.config.OriginalKeys;
import io.kafkabinlog.common.config.PdSection;
import io.kafkabinlog.common.config.ReplicationSection;
import io.kafkabinlog.common.config.Settings;
import io.kafkabinlog.common.kafka.TopicReplication;
import io.kafkabinlog.common.net.HostPort;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Reads and validates {@link PumpConfig} from {@code pump.toml} ({@code --config}), {@code PUMP_*}
 * environment variables and {@code --key=value} flags, in that order of precedence.
 *
 * <p>An original {@code pump.toml} loads: keys that configured the original's local storage ({@code
 * gc}, {@code [storage]}) and its logging or push-gateway metrics ({@code log-file}, {@code
 * log-level}, {@code metrics-addr}, {@code metrics-interval}) are accepted with a warning that they
 * do not apply. The original's flag {@code -fake-binlog-interval} is read as {@code
 * gen-binlog-interval} and {@code -L} as {@code log-level}. {@code socket} (unix-socket listener)
 * is refused because it is not supported.
 *
 * <p>Choices that differ from the original:
 *
 * <ul>
 *   <li>{@code addr} defaults to {@code 127.0.0.1:8250}, not the first non-loopback IP: listening
 *       on a network interface is something to ask for.
 *   <li>{@code max-message-size} is 1 MiB..{@value #MAX_MESSAGE_SIZE_LIMIT} ({@code
 *       Integer.MAX_VALUE - 4 MiB}, the default): a Java array cannot hold more, and the margin
 *       leaves room for the request's framing around a binlog of that size.
 *   <li>{@code [security]} {@code ssl-ca} without {@code ssl-cert}/{@code ssl-key} is refused (the
 *       pump would silently serve plaintext), as is {@code cert-allowed-cn} without {@code ssl-ca}
 *       (no client certificate would be asked for).
 *   <li>The log level is taken from the {@code LOG_LEVEL} environment variable when the JVM starts
 *       (log4j2.properties); {@code log-level} in the file is validated and otherwise ignored.
 * </ul>
 */
public final class PumpConfigLoader {
  public static final String ENV_PREFIX = "PUMP_";
  static final String COMPONENT = "pump";

  public static final String ADDR = "addr";
  public static final String ADVERTISE_ADDR = NodeSection.ADVERTISE_ADDR;
  public static final String STATUS_ADDR = "status-addr";
  public static final String DATA_DIR = "data-dir";
  public static final String TSO_URLS = PdSection.TSO_URLS;
  public static final String REGISTRY_ROOT = NodeSection.REGISTRY_ROOT;
  public static final String NODE_ID = NodeSection.NODE_ID;
  public static final String HEARTBEAT_INTERVAL = "heartbeat-interval";
  public static final String GEN_BINLOG_INTERVAL = "gen-binlog-interval";
  public static final String CONTROL_HEARTBEAT_INTERVAL = "control-heartbeat-interval";
  public static final String LIVENESS_TTL = NodeSection.LIVENESS_TTL;
  public static final String CLOSE_TIMEOUT = "close-timeout";
  public static final String PAUSE_DRAIN_TIMEOUT = "pause-drain-timeout";
  public static final String MAX_MESSAGE_SIZE = "max-message-size";
  public static final String CLUSTER_ID = PdSection.CLUSTER_ID;
  public static final String SOCKET = "socket";
  public static final String LOG_LEVEL = "log-level";
  public static final String LOG_FILE = "log-file";
  public static final String GC = "gc";
  public static final String METRICS_ADDR = "metrics-addr";
  public static final String METRICS_INTERVAL = "metrics-interval";
  public static final String SSL_CA = "security.ssl-ca";
  public static final String SSL_CERT = "security.ssl-cert";
  public static final String SSL_KEY = "security.ssl-key";
  public static final String CERT_ALLOWED_CN = "security.cert-allowed-cn";
  public static final String RAW_PARTITIONS = "kafka.raw-partitions";
  public static final String REPLICATION_FACTOR = ReplicationSection.REPLICATION_FACTOR;
  public static final String MIN_INSYNC_REPLICAS = ReplicationSection.MIN_INSYNC_REPLICAS;
  public static final String MAX_MESSAGE_BYTES = "kafka.max-message-bytes";
  public static final String PRODUCE_TIMEOUT = "kafka.produce-timeout";
  public static final String ORDERING_GROUP = "kafka.ordering-group";

  /** The original's storage table; accepted and ignored. */
  static final String STORAGE_PREFIX = "storage.";

  public static final String DEFAULT_ADDR = "127.0.0.1:8250";
  public static final String DEFAULT_DATA_DIR = "data.pump";
  public static final int MAX_MESSAGE_SIZE_LIMIT = Integer.MAX_VALUE - (4 << 20);
  static final int MIN_MESSAGE_SIZE = 1 << 20;
  static final int MIN_MAX_MESSAGE_BYTES = 16 << 10;

  /** Original names of renamed keys: old -> new. */
  private static final Map<String, String> RENAMED =
      Map.of("fake-binlog-interval", GEN_BINLOG_INTERVAL, "L", LOG_LEVEL);

  /** The original's keys: renamed ones, and those that have no effect here, with the reason. */
  private static final OriginalKeys ORIGINAL_KEYS =
      new OriginalKeys(
          RENAMED,
          "does not apply and is ignored",
          Map.of(
              GC, "binlogs live in Kafka; retention is the raw topic's retention.ms",
              LOG_FILE, "logs go to stderr; redirect them or let the supervisor collect them",
              LOG_LEVEL, "the level comes from the LOG_LEVEL environment variable at start-up",
              METRICS_ADDR, "no push gateway; Prometheus scrapes GET /metrics on status-addr",
              METRICS_INTERVAL, "no push gateway; Prometheus scrapes GET /metrics on status-addr"),
          STORAGE_PREFIX,
          "it configured the original's local storage, and binlogs live in Kafka here");

  private PumpConfigLoader() {}

  /** {@code main}'s entry: the file named by {@code --config}, then {@code PUMP_*}, then flags. */
  public static PumpConfig load(final List<String> args, final Map<String, String> env) {
    return from(Settings.load(args, env, ENV_PREFIX));
  }

  /**
   * Validates {@code settings}, logging a warning for each key that is accepted but does not apply.
   *
   * @throws io.kafkabinlog.common.config.ConfigValidationException listing every problem, each with
   *     its key and where the value came from
   */
  public static PumpConfig from(final Settings settings) {
    return read(
        new ConfigReader(COMPONENT, definition(), ORIGINAL_KEYS.adopt(settings), passThrough()));
  }

  /** The warnings {@link #from} logs: one per accepted key that has no effect. */
  public static List<String> warnings(final Settings settings) {
    return ORIGINAL_KEYS.warnings(settings);
  }

  /** The pump's keys, for {@code --help} and for the reader. */
  public static ConfigDef definition() {
    final ConfigDef def = new ConfigDef();
    KafkaSection.define(def);
    PdSection.define(def);
    def.define(
        ADDR,
        Type.STRING,
        DEFAULT_ADDR,
        HostPort::validate,
        Importance.HIGH,
        "gRPC listen address (host:port). 0.0.0.0 listens on every interface.");
    def.define(
        ADVERTISE_ADDR,
        Type.STRING,
        "",
        HostPort::validateOrBlank,
        Importance.HIGH,
        "Address published in etcd that TiDB dials; empty: addr. Never a wildcard host.");
    def.define(
        STATUS_ADDR,
        Type.STRING,
        "",
        HostPort::validateOrBlank,
        Importance.MEDIUM,
        "Status HTTP API (/status, /state, /drainers, /metrics); empty: addr's host, port + 1.");
    def.define(
        DATA_DIR,
        Type.STRING,
        DEFAULT_DATA_DIR,
        new ConfigDef.NonEmptyString(),
        Importance.HIGH,
        "Local state: the lock file and the node id. Binlogs live in Kafka.");
    PdSection.defineTsoUrls(
        def,
        Importance.MEDIUM,
        "PD endpoints serving TSOs (gRPC); empty: pd-urls (PD serves both).");
    NodeSection.define(def);
    DurationValidator.define(
        def, HEARTBEAT_INTERVAL, "2", Duration.ofMillis(1), "Registry heartbeat interval.");
    DurationValidator.define(
        def,
        GEN_BINLOG_INTERVAL,
        "3",
        Duration.ofMillis(1),
        "Write a fake binlog (watermark) when nothing was written for this long.");
    DurationValidator.define(
        def,
        CONTROL_HEARTBEAT_INTERVAL,
        "100ms",
        Duration.ofMillis(1),
        "Interval of heartbeats on the control topic.");
    DurationValidator.define(
        def, CLOSE_TIMEOUT, "10m", Duration.ofMillis(1), "Bound of each wait while closing.");
    DurationValidator.define(
        def,
        PAUSE_DRAIN_TIMEOUT,
        "5s",
        Duration.ZERO,
        "How long pausing waits for the commits of prewrites already taken.");
    def.define(
        MAX_MESSAGE_SIZE,
        Type.INT,
        MAX_MESSAGE_SIZE_LIMIT,
        Range.between(MIN_MESSAGE_SIZE, MAX_MESSAGE_SIZE_LIMIT),
        Importance.LOW,
        "Largest gRPC request accepted, in bytes.");
    PdSection.defineClusterId(def, Importance.LOW, "Expected PD cluster id; 0: take PD's.");
    def.define(
        SOCKET,
        Type.STRING,
        "",
        PumpConfigLoader::validateSocket,
        Importance.LOW,
        "The original's unix-socket listener; not supported (must be empty).");
    def.define(
        LOG_LEVEL,
        Type.STRING,
        "info",
        ConfigDef.CaseInsensitiveValidString.in("debug", "info", "warn", "error", "fatal"),
        Importance.LOW,
        "Accepted for compatibility; set the LOG_LEVEL environment variable instead.");
    def.define(
        LOG_FILE, Type.STRING, "", Importance.LOW, "Accepted and ignored: logs go to stderr.");
    def.define(GC, Type.STRING, "", Importance.LOW, "Accepted and ignored: retention is Kafka's.");
    def.define(
        METRICS_ADDR, Type.STRING, "", Importance.LOW, "Accepted and ignored (push gateway).");
    def.define(METRICS_INTERVAL, Type.STRING, "", Importance.LOW, "Accepted and ignored.");
    def.define(
        SSL_CA,
        Type.STRING,
        "",
        Importance.MEDIUM,
        "PEM CA bundle; clients must present a certificate it signed.");
    def.define(SSL_CERT, Type.STRING, "", Importance.MEDIUM, "PEM certificate chain of this pump.");
    def.define(SSL_KEY, Type.STRING, "", Importance.MEDIUM, "PKCS#8 PEM private key of ssl-cert.");
    def.define(
        CERT_ALLOWED_CN,
        Type.LIST,
        "",
        Importance.LOW,
        "Client certificate common names accepted; empty: any the CA signed.");
    def.define(
        RAW_PARTITIONS,
        Type.INT,
        16,
        Range.between(1, 100_000),
        Importance.MEDIUM,
        "Partitions of the raw topic when the pump creates it: the most pumps there can be.");
    ReplicationSection.define(def, "topics the pump creates");
    def.define(
        MAX_MESSAGE_BYTES,
        Type.INT,
        1 << 20,
        Range.atLeast(MIN_MAX_MESSAGE_BYTES),
        Importance.LOW,
        "max.message.bytes of topics the pump creates; larger binlogs are written as chunks.");
    DurationValidator.define(
        def,
        PRODUCE_TIMEOUT,
        "30s",
        Duration.ofSeconds(1),
        "Bound of one acknowledged write to Kafka.");
    def.define(
        ORDERING_GROUP,
        Type.STRING,
        "",
        Importance.LOW,
        "Application id of the ordering stream; empty: <prefix>.<cluster-id>.ordering-stream.");
    return def;
  }

  private static Set<String> passThrough() {
    return Set.of(KafkaSection.CLIENT_PREFIX, STORAGE_PREFIX);
  }

  private static PumpConfig read(final ConfigReader r) {
    final HostPort addr = NodeSection.address(r, ADDR).orElse(HostPort.parse(ADDR, DEFAULT_ADDR));
    final HostPort advertiseAddr = NodeSection.advertiseAddr(r, addr, "pump", "TiDB");
    final HostPort statusAddr = statusAddr(r, addr);
    final List<URI> pdUrls = PdSection.read(r);
    final List<URI> tsoUrls = PdSection.readTsoUrls(r);
    final Duration genBinlog = r.getDuration(GEN_BINLOG_INTERVAL, ChronoUnit.SECONDS);
    final Duration controlHeartbeat = r.getDuration(CONTROL_HEARTBEAT_INTERVAL, ChronoUnit.SECONDS);
    if (!genBinlog.isZero() && !controlHeartbeat.isZero()) {
      r.check(
          controlHeartbeat.compareTo(genBinlog) < 0,
          CONTROL_HEARTBEAT_INTERVAL,
          "must be shorter than gen-binlog-interval ("
              + genBinlog
              + "): heartbeats carry the watermark between fake binlogs");
    }
    final TopicReplication replication = ReplicationSection.read(r);
    final PumpConfig.Security security = security(r);
    final PumpConfig config =
        new PumpConfig(
            addr,
            advertiseAddr,
            statusAddr,
            Path.of(r.getString(DATA_DIR)),
            pdUrls,
            tsoUrls,
            r.getString(REGISTRY_ROOT),
            NodeSection.nodeId(r),
            r.getDuration(HEARTBEAT_INTERVAL, ChronoUnit.SECONDS),
            genBinlog,
            controlHeartbeat,
            r.getDuration(LIVENESS_TTL, ChronoUnit.SECONDS),
            r.getDuration(CLOSE_TIMEOUT, ChronoUnit.SECONDS),
            r.getDuration(PAUSE_DRAIN_TIMEOUT, ChronoUnit.SECONDS),
            r.getInt(MAX_MESSAGE_SIZE),
            r.getLong(CLUSTER_ID),
            security,
            KafkaSection.read(r),
            new PumpConfig.Topics(
                r.getInt(RAW_PARTITIONS),
                replication.factor(),
                replication.minInsyncReplicas(),
                r.getInt(MAX_MESSAGE_BYTES),
                r.getDuration(PRODUCE_TIMEOUT, ChronoUnit.SECONDS),
                optional(r.getString(ORDERING_GROUP))));
    r.throwIfInvalid();
    return config;
  }

  private static HostPort statusAddr(final ConfigReader r, final HostPort addr) {
    final Optional<HostPort> configured = NodeSection.address(r, STATUS_ADDR);
    if (configured.isPresent()) {
      final HostPort status = configured.get();
      r.check(
          status.port() == 0 || status.port() != addr.port(),
          STATUS_ADDR,
          "uses addr's port " + addr.port() + "; the status API needs a port of its own");
      return status;
    }
    if (addr.port() == 0) {
      return addr;
    }
    if (addr.port() == 65535) {
      r.problem(STATUS_ADDR, "not set, and addr's port + 1 is not a port: set status-addr");
      return addr.withPort(0);
    }
    return addr.withPort(addr.port() + 1);
  }

  private static PumpConfig.Security security(final ConfigReader r) {
    final Optional<Path> ca = readableFile(r, SSL_CA);
    final Optional<Path> cert = readableFile(r, SSL_CERT);
    final Optional<Path> key = readableFile(r, SSL_KEY);
    final List<String> allowedCn = r.getList(CERT_ALLOWED_CN).stream().map(String::trim).toList();
    final boolean certSet = isSet(r, SSL_CERT);
    final boolean keySet = isSet(r, SSL_KEY);
    if (certSet != keySet) {
      r.problem(
          certSet ? SSL_KEY : SSL_CERT,
          "ssl-cert and ssl-key go together: set both (TLS) or neither (plaintext)");
    }
    if (isSet(r, SSL_CA) && !certSet && !keySet) {
      r.problem(
          SSL_CA,
          "set without ssl-cert and ssl-key; the pump serves TLS only with its own certificate"
              + " (set both, or remove ssl-ca for plaintext)");
    }
    if (!allowedCn.isEmpty() && !isSet(r, SSL_CA)) {
      r.problem(
          CERT_ALLOWED_CN,
          "needs ssl-ca: client certificates are only requested (and their CN checked) when"
              + " ssl-ca is set");
    }
    return new PumpConfig.Security(ca, cert, key, allowedCn);
  }

  private static boolean isSet(final ConfigReader r, final String key) {
    return !r.getString(key).isBlank();
  }

  private static Optional<Path> readableFile(final ConfigReader r, final String key) {
    final String text = r.getString(key);
    if (text.isBlank()) {
      return Optional.empty();
    }
    final Path file = Path.of(text.trim());
    if (!Files.isRegularFile(file)) {
      r.problem(key, "file " + file + " does not exist (or is not a regular file)");
    } else if (!Files.isReadable(file)) {
      r.problem(key, "file " + file + " is not readable by this process");
    }
    return Optional.of(file);
  }

  private static Optional<String> optional(final String text) {
    return text == null || text.isBlank() ? Optional.empty() : Optional.of(text.trim());
  }

  private static void validateSocket(final String name, final Object value) {
    if (!String.valueOf(value).isBlank()) {
      throw new ConfigException(
          name,
          value,
          "unix-socket mode is not supported; remove 'socket' and point TiDB at addr"
              + " (advertise-addr) over TCP");
    }
  }
}
