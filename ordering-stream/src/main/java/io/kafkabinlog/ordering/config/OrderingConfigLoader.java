package io.kafkabinlog.ordering.config;

import io.kafkabinlog.common.config.ConfigReader;
import io.kafkabinlog.common.config.DurationValidator;
import io.kafkabinlog.common.config.KafkaSection;
import io.kafkabinlog.common.config.OriginalKeys;
import io.kafkabinlog.common.config.PdSection;
import io.kafkabinlog.common.config.ReplicationSection;
import io.kafkabinlog.common.config.Settings;
import io.kafkabinlog.common.kafka.TopicReplication;
import io.kafkabinlog.common.net.HostPort;
import io.kafkabinlog.ordering.topology.PoisonPolicy;
import io.kafkabinlog.ordering.topology.TopologySettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Reads and validates {@link OrderingConfig} from {@code ordering-stream.toml} ({@code --config}),
 * {@code ORDERING_*} environment variables and {@code --key=value} flags, in that order of
 * precedence. Every problem is reported at once, each with its key and where the value came from.
 *
 * <p>An original {@code drainer.toml} loads: {@code addr} is read as {@code status-addr} (the
 * drainer's HTTP API, same default port 8249) and {@code data-dir} as {@code state-dir}. Keys of
 * the drainer's other duties ({@code [syncer]}: the sinks; {@code detect-interval}, {@code
 * node-id}: membership, which is the control topic here; logging and push-gateway metrics) are
 * accepted with a warning that they do not apply. {@code [security]} with a value is refused: the
 * stream has no TLS listener, and Kafka's TLS goes in {@code [kafka.client]}.
 *
 * <p>{@code [kafka.streams]} passes Kafka Streams properties through ({@code num.stream.threads},
 * {@code commit.interval.ms}, ...), except those the stream decides itself: {@code application.id}
 * (the pumps wait on exactly this group), {@code processing.guarantee} (always {@code
 * exactly_once_v2}), and {@code bootstrap.servers}, {@code state.dir} and {@code
 * replication.factor}, which have keys of their own.
 */
public final class OrderingConfigLoader {
  public static final String ENV_PREFIX = "ORDERING_";
  static final String COMPONENT = "ordering-stream";

  public static final String PD_URLS = PdSection.PD_URLS;
  public static final String TSO_URLS = PdSection.TSO_URLS;
  public static final String CLUSTER_ID = PdSection.CLUSTER_ID;
  public static final String STATE_DIR = "state-dir";
  public static final String ROWS_PARTITIONS = "rows-partitions";
  public static final String STATUS_ADDR = "status-addr";
  public static final String CLOSE_TIMEOUT = "close-timeout";
  public static final String RAW_PARTITIONS = "kafka.raw-partitions";
  public static final String REPLICATION_FACTOR = ReplicationSection.REPLICATION_FACTOR;
  public static final String MIN_INSYNC_REPLICAS = ReplicationSection.MIN_INSYNC_REPLICAS;
  public static final String MAX_MESSAGE_BYTES = "kafka.max-message-bytes";
  public static final String PRODUCE_TIMEOUT = "kafka.produce-timeout";
  public static final String SCHEMA_REGISTRY_URL = "schema-registry.url";
  public static final String TIDB_STATUS_URLS = "schema-source.tidb-status-urls";
  public static final String SCHEMA_SOURCE_TIMEOUT = "schema-source.request-timeout";
  public static final String TXN_STATUS_URLS = "resolver.txn-status-urls";
  public static final String RESOLVE_AFTER = "resolver.resolve-after";
  public static final String RESOLVE_INTERVAL = "resolver.resolve-interval";
  public static final String RESOLVER_TIMEOUT = "resolver.request-timeout";
  public static final String FRAGMENT_BYTES = "fragment-bytes";
  public static final String WATERMARK_INTERVAL = "watermark-interval";
  public static final String OUTPUT_MAX_ROWS = "output-max-rows";
  public static final String OUTPUT_MAX_BYTES = "output-max-bytes";
  public static final String DDL_FETCH_ATTEMPTS = "ddl-fetch-attempts";
  public static final String DDL_FETCH_BACKOFF = "ddl-fetch-backoff";
  public static final String POISON_POLICY = "poison-policy";

  /** Everything under this prefix goes to Kafka Streams without the prefix. */
  public static final String STREAMS_PREFIX = "kafka.streams.";

  public static final String DEFAULT_STATE_DIR = "data.ordering-stream";
  public static final String DEFAULT_STATUS_ADDR = "127.0.0.1:8249";
  public static final String DEFAULT_REGISTRY_URL = "http://127.0.0.1:8081";
  public static final String DEFAULT_TIDB_STATUS_URL = "http://127.0.0.1:10080";

  /** Largest fragment-bytes and output-max-bytes: a record must fit Kafka's int sizes twice. */
  static final int MAX_RECORD_BYTES = 64 << 20;

  static final String SYNCER_PREFIX = "syncer.";
  static final String SECURITY_PREFIX = "security.";

  /** The drainer's names of keys that mean the same here: old -> new. */
  private static final Map<String, String> RENAMED =
      Map.of("addr", STATUS_ADDR, "data-dir", STATE_DIR);

  /** Keys of the original drainer that have no effect here, with the reason. */
  private static final Map<String, String> NOT_APPLICABLE_REASONS =
      OriginalKeys.withLoggingAndPushMetrics(
          Map.ofEntries(
              Map.entry("node-id", "Kafka Streams' consumer group identifies the instances"),
              Map.entry("advertise-addr", "nothing dials the ordering stream; see status-addr"),
              Map.entry("detect-interval", "pumps join and leave through the control topic"),
              Map.entry("synced-check-time", "/status reports Synced from the merge's buffer"),
              Map.entry("compressor", "the stream does not talk to pumps over gRPC"),
              Map.entry("cache-binlog-count", "the stream does not talk to pumps over gRPC"),
              Map.entry(
                  "initial-commit-ts",
                  "the stream publishes every transaction of the raw topic; a sink chooses where to"
                      + " start"),
              Map.entry(
                  "load-schema-snapshot",
                  "schemas always come from the DDL history ([schema-source] tidb-status-urls)")));

  /** The drainer's keys: renamed ones, and those that have no effect here. */
  private static final OriginalKeys ORIGINAL_KEYS =
      new OriginalKeys(
          RENAMED,
          "does not apply to the ordering stream and is ignored",
          NOT_APPLICABLE_REASONS,
          SYNCER_PREFIX,
          "the downstream is configured in mysql-sink.toml or kafka-sink.toml");

  /** Tables whose keys are read as they come (or refused by the stream itself). */
  private static final Set<String> PASS_THROUGH =
      Set.of(KafkaSection.CLIENT_PREFIX, STREAMS_PREFIX, SYNCER_PREFIX, SECURITY_PREFIX);

  /** Kafka Streams properties the stream sets itself, with the key to use instead. */
  private static final Map<String, String> OWN_STREAMS_PROPERTIES =
      Map.of(
          StreamsConfig.APPLICATION_ID_CONFIG,
          "it is <topic-prefix>.<cluster-id>.ordering-stream, the group closing pumps wait on",
          StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
          "it is always exactly_once_v2: every transaction reaches the outputs exactly once",
          StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
          "set kafka.bootstrap-servers instead",
          StreamsConfig.STATE_DIR_CONFIG,
          "set state-dir instead",
          StreamsConfig.REPLICATION_FACTOR_CONFIG,
          "set kafka.replication-factor instead (it applies to the internal topics too)");

  private OrderingConfigLoader() {}

  /** {@code main}'s entry: the file named by {@code --config}, then {@code ORDERING_*}, flags. */
  public static OrderingConfig load(final List<String> args, final Map<String, String> env) {
    return from(Settings.load(args, env, ENV_PREFIX));
  }

  /**
   * Validates {@code settings}, logging a warning for each key that is accepted but does not apply.
   *
   * @throws io.kafkabinlog.common.config.ConfigValidationException listing every problem, each with
   *     its key and where the value came from
   */
  public static OrderingConfig from(final Settings settings) {
    return read(
        new ConfigReader(COMPONENT, definition(), ORIGINAL_KEYS.adopt(settings), PASS_THROUGH));
  }

  /**
   * True if {@link #from} takes {@code key} (defined, an original drainer's name for one, or under
   * a pass-through table), as opposed to refusing it as unknown: how a process that shares one file
   * among several components (the drainer) knows which keys are the stream's.
   */
  public static boolean accepts(final String key) {
    return ORIGINAL_KEYS.accepts(definition(), PASS_THROUGH, key);
  }

  /** The warnings {@link #from} logs: one per accepted key that has no effect. */
  public static List<String> warnings(final Settings settings) {
    return ORIGINAL_KEYS.warnings(settings);
  }

  /** The stream's keys, for {@code --help} and for the reader. */
  public static ConfigDef definition() {
    final ConfigDef def = new ConfigDef();
    KafkaSection.define(def);
    PdSection.define(def);
    PdSection.defineTsoUrls(
        def, Importance.LOW, "PD endpoints asked for the cluster id (gRPC); empty: pd-urls.");
    PdSection.defineClusterId(
        def, Importance.MEDIUM, "The cluster id in the topic names; 0: ask PD (tso-urls).");
    def.define(
        STATE_DIR,
        Type.STRING,
        DEFAULT_STATE_DIR,
        new ConfigDef.NonEmptyString(),
        Importance.HIGH,
        "Kafka Streams state.dir: the local copies of the state stores.");
    def.define(
        ROWS_PARTITIONS,
        Type.INT,
        6,
        Range.between(1, 100_000),
        Importance.MEDIUM,
        "Partitions of the rows topic; an existing topic must have exactly this many.");
    def.define(
        STATUS_ADDR,
        Type.STRING,
        DEFAULT_STATUS_ADDR,
        HostPort::validate,
        Importance.MEDIUM,
        "HTTP GET /status and /metrics (host:port; port 0: any free port).");
    DurationValidator.define(
        def, CLOSE_TIMEOUT, "30s", Duration.ofSeconds(1), "Bound of a graceful close.");
    def.define(
        RAW_PARTITIONS,
        Type.INT,
        16,
        Range.between(1, 100_000),
        Importance.LOW,
        "Partitions of the raw topic if the stream creates it (as the pump's).");
    ReplicationSection.define(def, "the topics the stream creates");
    def.define(
        MAX_MESSAGE_BYTES,
        Type.INT,
        1 << 20,
        Range.atLeast(16 << 10),
        Importance.LOW,
        "max.message.bytes of a raw or resolutions topic the stream creates (as the pump's).");
    DurationValidator.define(
        def,
        PRODUCE_TIMEOUT,
        "30s",
        Duration.ofSeconds(1),
        "Bound of one acknowledged resolution write.");
    def.define(
        SCHEMA_REGISTRY_URL,
        Type.STRING,
        DEFAULT_REGISTRY_URL,
        OrderingConfigLoader::validateHttpUrl,
        Importance.HIGH,
        "Confluent-API schema registry of the Avro outputs.");
    def.define(
        TIDB_STATUS_URLS,
        Type.LIST,
        DEFAULT_TIDB_STATUS_URL,
        OrderingConfigLoader::validateHttpUrls,
        Importance.HIGH,
        "TiDB status APIs serving GET /ddl/history, tried in order.");
    DurationValidator.define(
        def,
        SCHEMA_SOURCE_TIMEOUT,
        "10s",
        Duration.ofMillis(100),
        "Bound of one request to the schema source.");
    def.define(
        TXN_STATUS_URLS,
        Type.LIST,
        "",
        OrderingConfigLoader::validateHttpUrlsOrEmpty,
        Importance.MEDIUM,
        "Transaction-status services for pending prewrites; empty: tidb-status-urls.");
    DurationValidator.define(
        def,
        RESOLVE_AFTER,
        "10s",
        Duration.ZERO,
        "How long a prewrite waits for its commit before the resolver asks.");
    DurationValidator.define(
        def, RESOLVE_INTERVAL, "1s", Duration.ofMillis(10), "How often the resolver looks.");
    DurationValidator.define(
        def,
        RESOLVER_TIMEOUT,
        "5s",
        Duration.ofMillis(100),
        "Bound of one transaction-status request.");
    def.define(
        FRAGMENT_BYTES,
        Type.INT,
        TopologySettings.DEFAULT_FRAGMENT_BYTES,
        Range.between(1024, MAX_RECORD_BYTES),
        Importance.LOW,
        "Size of the fragments a transaction is stored and moved in.");
    DurationValidator.define(
        def,
        WATERMARK_INTERVAL,
        "20ms",
        Duration.ZERO,
        "How often stage 1 sends a changed pump watermark; 0: after every record.");
    def.define(
        OUTPUT_MAX_ROWS,
        Type.INT,
        1000,
        Range.between(1, 1_000_000),
        Importance.LOW,
        "Most row changes in one published record.");
    def.define(
        OUTPUT_MAX_BYTES,
        Type.INT,
        512 * 1024,
        Range.between(1024, MAX_RECORD_BYTES),
        Importance.LOW,
        "Most encoded row bytes in one published record.");
    def.define(
        DDL_FETCH_ATTEMPTS,
        Type.INT,
        5,
        Range.between(1, 1000),
        Importance.LOW,
        "Attempts at fetching a DDL job before it counts as poison.");
    DurationValidator.define(
        def, DDL_FETCH_BACKOFF, "1s", Duration.ZERO, "Pause between DDL fetch attempts.");
    def.define(
        POISON_POLICY,
        Type.STRING,
        "stop",
        ConfigDef.CaseInsensitiveValidString.in("stop", "dead-letter"),
        Importance.MEDIUM,
        "A transaction that cannot be decoded: stop the stream, or divert it to dead-letter.");
    return ORIGINAL_KEYS.defineIgnored(def);
  }

  private static OrderingConfig read(final ConfigReader r) {
    final List<URI> pdUrls = PdSection.read(r);
    final List<URI> tsoUrls = PdSection.readTsoUrls(r);
    final TopicReplication replication = ReplicationSection.read(r);
    final Map<String, String> streams = r.passThrough(STREAMS_PREFIX);
    streams.keySet().stream()
        .filter(OWN_STREAMS_PROPERTIES::containsKey)
        .sorted()
        .forEach(
            key ->
                r.problem(
                    STREAMS_PREFIX + key,
                    "cannot be overridden: " + OWN_STREAMS_PROPERTIES.get(key)));
    r.passThrough(SECURITY_PREFIX).entrySet().stream()
        .filter(e -> !e.getValue().isBlank())
        .forEach(
            e ->
                r.problem(
                    SECURITY_PREFIX + e.getKey(),
                    "TLS is not supported by the ordering stream (no listener but the status API);"
                        + " Kafka's TLS goes in [kafka.client]. Remove [security]"));
    final List<URI> tidbStatus = r.getUris(TIDB_STATUS_URLS);
    final List<URI> txnStatus =
        r.getList(TXN_STATUS_URLS).isEmpty() ? tidbStatus : r.getUris(TXN_STATUS_URLS);
    final OrderingConfig config =
        new OrderingConfig(
            pdUrls,
            tsoUrls,
            r.getLong(CLUSTER_ID),
            Path.of(r.getString(STATE_DIR).trim()),
            r.getInt(ROWS_PARTITIONS),
            address(r, STATUS_ADDR, DEFAULT_STATUS_ADDR),
            seconds(r, CLOSE_TIMEOUT),
            KafkaSection.read(r),
            new OrderingConfig.Topics(
                r.getInt(RAW_PARTITIONS),
                replication.factor(),
                replication.minInsyncReplicas(),
                r.getInt(MAX_MESSAGE_BYTES),
                seconds(r, PRODUCE_TIMEOUT)),
            streams,
            new OrderingConfig.Schemas(
                uri(r.getString(SCHEMA_REGISTRY_URL), DEFAULT_REGISTRY_URL),
                tidbStatus,
                seconds(r, SCHEMA_SOURCE_TIMEOUT)),
            new OrderingConfig.Resolver(
                txnStatus,
                seconds(r, RESOLVE_AFTER),
                seconds(r, RESOLVE_INTERVAL),
                seconds(r, RESOLVER_TIMEOUT)),
            new OrderingConfig.Stages(
                r.getInt(FRAGMENT_BYTES),
                seconds(r, WATERMARK_INTERVAL),
                r.getInt(OUTPUT_MAX_ROWS),
                r.getInt(OUTPUT_MAX_BYTES),
                r.getInt(DDL_FETCH_ATTEMPTS),
                seconds(r, DDL_FETCH_BACKOFF),
                poisonPolicy(r.getString(POISON_POLICY))));
    r.throwIfInvalid();
    return config;
  }

  private static Duration seconds(final ConfigReader r, final String key) {
    return r.getDuration(key, ChronoUnit.SECONDS);
  }

  private static PoisonPolicy poisonPolicy(final String text) {
    return "dead-letter".equalsIgnoreCase(text.trim())
        ? PoisonPolicy.DEAD_LETTER
        : PoisonPolicy.STOP;
  }

  private static HostPort address(final ConfigReader r, final String key, final String fallback) {
    try {
      return HostPort.parse(key, r.getString(key).trim());
    } catch (ConfigException e) {
      return HostPort.parse(key, fallback); // reported by the validator
    }
  }

  private static URI uri(final String text, final String fallback) {
    try {
      return new URI(text.trim());
    } catch (URISyntaxException e) {
      return URI.create(fallback); // reported by the validator
    }
  }

  private static void validateHttpUrls(final String name, final Object value) {
    final List<?> urls = (List<?>) value;
    if (urls.isEmpty()) {
      throw new ConfigException(name, value, "needs at least one URL");
    }
    urls.forEach(url -> validateHttpUrl(name, url));
  }

  private static void validateHttpUrlsOrEmpty(final String name, final Object value) {
    ((List<?>) value).forEach(url -> validateHttpUrl(name, url));
  }

  /** http(s)://host[:port][/path]; the port may be left out (a registry behind a proxy). */
  private static void validateHttpUrl(final String name, final Object value) {
    final String text = String.valueOf(value).trim();
    try {
      final URI uri = new URI(text);
      final String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      if (!("http".equals(scheme) || "https".equals(scheme)) || uri.getHost() == null) {
        throw new ConfigException(
            name, value, "'" + text + "' must look like http://host:port or https://host:port");
      }
    } catch (URISyntaxException e) {
      throw new ConfigException(name, value, "'" + text + "' is not a URL: " + e.getReason());
    }
  }
}
