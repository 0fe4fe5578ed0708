package io.kafkabinlog.mysqlsink.config;

import io.kafkabinlog.common.config.ConfigReader;
import io.kafkabinlog.common.config.DurationValidator;
import io.kafkabinlog.common.config.KafkaSection;
import io.kafkabinlog.common.config.OriginalKeys;
import io.kafkabinlog.common.config.PdSection;
import io.kafkabinlog.common.config.SettingOrigin;
import io.kafkabinlog.common.config.Settings;
import io.kafkabinlog.common.net.HostPort;
import io.kafkabinlog.mysqlsink.checkpoint.CheckpointSchema;
import io.kafkabinlog.mysqlsink.filter.TableFilter;
import io.kafkabinlog.mysqlsink.filter.TableName;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Reads and validates {@link MysqlSinkConfig} from {@code mysql-sink.toml} ({@code --config}),
 * {@code MYSQL_SINK_*} environment variables and {@code --key=value} flags, in that order of
 * precedence. Every problem is reported at once, each with its key and where the value came from.
 *
 * <p>The original drainer.toml's {@code [syncer]} keys load as they are; {@code addr} is read as
 * {@code status-addr} and {@code [syncer.to.checkpoint] schema} as {@code checkpoint-schema}.
 * Tables of pairs ({@code [[syncer.replicate-do-table]]}, {@code [[syncer.ignore-table]]}) need
 * both {@code db-name} and {@code tbl-name}; from the environment or flags they are numbered keys
 * ({@code --syncer.ignore-table.0.db-name=x}).
 */
public final class MysqlSinkConfigLoader {
  public static final String ENV_PREFIX = "MYSQL_SINK_";
  static final String COMPONENT = "mysql-sink";

  public static final String CLUSTER_ID = PdSection.CLUSTER_ID;
  public static final String PD_URLS = PdSection.PD_URLS;
  public static final String TSO_URLS = PdSection.TSO_URLS;
  public static final String MODE = "mode";
  public static final String STATUS_ADDR = "status-addr";
  public static final String CLOSE_TIMEOUT = "close-timeout";
  public static final String SCHEMA_REGISTRY_URL = "schema-registry.url";
  public static final String INITIAL_COMMIT_TS = "initial-commit-ts";
  public static final String CHECKPOINT_SCHEMA = "checkpoint-schema";
  public static final String DB_TYPE = "syncer.db-type";
  public static final String WORKER_COUNT = "syncer.worker-count";
  public static final String TXN_BATCH = "syncer.txn-batch";
  public static final String SAFE_MODE = "syncer.safe-mode";
  public static final String IGNORE_SCHEMAS = "syncer.ignore-schemas";
  public static final String REPLICATE_DO_DB = "syncer.replicate-do-db";
  public static final String REPLICATE_DO_TABLE = "syncer.replicate-do-table";
  public static final String IGNORE_TABLE = "syncer.ignore-table";
  public static final String IGNORE_TXN_COMMIT_TS = "syncer.ignore-txn-commit-ts";
  public static final String TO_HOST = "syncer.to.host";
  public static final String TO_PORT = "syncer.to.port";
  public static final String TO_USER = "syncer.to.user";
  public static final String TO_PASSWORD = "syncer.to.password";
  public static final String TO_PASSWORD_FILE = "syncer.to.password-file";

  /**
   * Not 8249 (drainer, ordering stream), 8250 (pump gRPC) or 8251 (pump status): all share a host.
   */
  public static final String DEFAULT_STATUS_ADDR = "127.0.0.1:8252";

  public static final String DEFAULT_REGISTRY_URL = "http://127.0.0.1:8081";

  private static final Pattern PAIR_KEY = Pattern.compile("(\\d+)\\.(db-name|tbl-name)");

  private static final Map<String, String> RENAMED =
      Map.of("addr", STATUS_ADDR, "syncer.to.checkpoint.schema", CHECKPOINT_SCHEMA);

  /** Keys of the original drainer that have no effect here, with the reason. */
  private static final Map<String, String> NOT_APPLICABLE_REASONS =
      OriginalKeys.withLoggingAndPushMetrics(
          Map.ofEntries(
              Map.entry(
                  "data-dir", "the sink keeps its state in the downstream (checkpoint-schema)"),
              Map.entry("node-id", "the Kafka consumer group identifies the sink"),
              Map.entry("detect-interval", "the sink does not talk to pumps"),
              Map.entry("syncer.sql-mode", "statements run in the server's SQL mode"),
              Map.entry(
                  "syncer.to.checkpoint.type", "the checkpoint is always in the downstream")));

  /** Tables whose keys are read as they come (or refused by the sink itself). */
  private static final Set<String> PASS_THROUGH =
      Set.of(KafkaSection.CLIENT_PREFIX, REPLICATE_DO_TABLE + ".", IGNORE_TABLE + ".", "security.");

  private static final OriginalKeys ORIGINAL_KEYS =
      new OriginalKeys(
          RENAMED,
          "does not apply to the mysql-sink and is ignored",
          NOT_APPLICABLE_REASONS,
          "security.",
          "TLS to the downstream is not supported; Kafka's TLS goes in [kafka.client]");

  private MysqlSinkConfigLoader() {}

  /** {@code main}'s entry: the file named by {@code --config}, then {@code MYSQL_SINK_*}, flags. */
  public static MysqlSinkConfig load(final List<String> args, final Map<String, String> env) {
    return from(Settings.load(args, env, ENV_PREFIX));
  }

  /**
   * Validates {@code settings}, logging a warning for each key that is accepted but has no effect.
   *
   * @throws io.kafkabinlog.common.config.ConfigValidationException listing every problem
   */
  public static MysqlSinkConfig from(final Settings settings) {
    final Settings adopted = ORIGINAL_KEYS.adopt(settings);
    return read(adopted, new ConfigReader(COMPONENT, definition(), adopted, PASS_THROUGH));
  }

  /**
   * True if {@link #from} takes {@code key} (defined, an original drainer's name for one, or under
   * a table read as it comes), as opposed to refusing it as unknown: how a process that shares one
   * file among several components (the drainer) knows which keys are the sink's.
   */
  public static boolean accepts(final String key) {
    return ORIGINAL_KEYS.accepts(definition(), PASS_THROUGH, key);
  }

  /** The warnings {@link #from} logs: one per accepted key that has no effect. */
  public static List<String> warnings(final Settings settings) {
    return ORIGINAL_KEYS.warnings(settings);
  }

  /** The sink's keys, for {@code --help} and for the reader. */
  public static ConfigDef definition() {
    final ConfigDef def = new ConfigDef();
    KafkaSection.define(def);
    PdSection.define(def);
    PdSection.defineTsoUrls(
        def, Importance.LOW, "PD endpoints asked for the cluster id (gRPC); empty: pd-urls.");
    PdSection.defineClusterId(
        def,
        Importance.HIGH,
        "The upstream cluster id: topic names and the checkpoint row's clusterID; 0: ask PD"
            + " (tso-urls).");
    def.define(
        MODE,
        Type.STRING,
        "transactional",
        ConfigDef.CaseInsensitiveValidString.in("transactional", "partitioned"),
        Importance.MEDIUM,
        "transactional: the txn topic, whole transactions; partitioned: the rows topic.");
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
        SCHEMA_REGISTRY_URL,
        Type.STRING,
        DEFAULT_REGISTRY_URL,
        MysqlSinkConfigLoader::validateHttpUrl,
        Importance.HIGH,
        "Confluent-API schema registry of the Avro topics.");
    def.define(
        INITIAL_COMMIT_TS,
        Type.LONG,
        0L,
        Range.atLeast(0),
        Importance.MEDIUM,
        "Transactions at or below this commit_ts are skipped while no checkpoint exists.");
    def.define(
        CHECKPOINT_SCHEMA,
        Type.STRING,
        CheckpointSchema.DEFAULT_SCHEMA,
        new ConfigDef.NonEmptyString(),
        Importance.LOW,
        "Downstream schema of the checkpoint, progress and DDL ledger tables.");
    def.define(
        DB_TYPE,
        Type.STRING,
        "mysql",
        ConfigDef.CaseInsensitiveValidString.in("mysql", "tidb"),
        Importance.LOW,
        "The downstream's kind (the original's key; MySQL-protocol servers only).");
    def.define(
        WORKER_COUNT,
        Type.INT,
        16,
        Range.between(1, 1024),
        Importance.MEDIUM,
        "Transactions applied in parallel.");
    def.define(
        TXN_BATCH,
        Type.INT,
        20,
        Range.between(1, 100_000),
        Importance.LOW,
        "Rows one downstream transaction carries at most: consecutive upstream transactions that"
            + " arrive together are grouped into one downstream transaction (an empty one counts"
            + " as one row); a larger transaction is applied alone, never split; a DDL always"
            + " alone.");
    def.define(
        SAFE_MODE,
        Type.BOOLEAN,
        false,
        Importance.MEDIUM,
        "REPLACE for INSERT, DELETE + REPLACE for UPDATE.");
    def.define(
        IGNORE_SCHEMAS,
        Type.STRING,
        TableFilter.DEFAULT_IGNORE_SCHEMAS,
        Importance.MEDIUM,
        "Comma-separated databases not replicated (~regex allowed).");
    def.define(
        REPLICATE_DO_DB,
        Type.LIST,
        "",
        Importance.MEDIUM,
        "Databases replicated, if set (~regex allowed).");
    def.define(
        IGNORE_TXN_COMMIT_TS,
        Type.LIST,
        "",
        Importance.LOW,
        "commit_ts of DDL transactions recorded as applied without running them.");
    def.define(
        TO_HOST,
        Type.STRING,
        "127.0.0.1",
        new ConfigDef.NonEmptyString(),
        Importance.HIGH,
        "Downstream host.");
    def.define(TO_PORT, Type.INT, 3306, Range.between(1, 65535), Importance.HIGH, "Port.");
    def.define(TO_USER, Type.STRING, "root", Importance.HIGH, "User.");
    def.define(
        TO_PASSWORD, Type.PASSWORD, "", Importance.HIGH, "Password (file or environment only).");
    def.define(TO_PASSWORD_FILE, Type.STRING, "", Importance.HIGH, "File holding the password.");
    return ORIGINAL_KEYS.defineIgnored(def);
  }

  private static MysqlSinkConfig read(final Settings settings, final ConfigReader r) {
    final MysqlSinkConfig.Mode mode =
        "partitioned".equalsIgnoreCase(r.getString(MODE).trim())
            ? MysqlSinkConfig.Mode.PARTITIONED
            : MysqlSinkConfig.Mode.TRANSACTIONAL;
    final MysqlSinkConfig config =
        new MysqlSinkConfig(
            r.getLong(CLUSTER_ID),
            PdSection.readTsoUrls(r),
            mode,
            address(r),
            r.getDuration(CLOSE_TIMEOUT, ChronoUnit.SECONDS),
            KafkaSection.read(r),
            uri(r.getString(SCHEMA_REGISTRY_URL)),
            r.getLong(INITIAL_COMMIT_TS),
            r.getString(CHECKPOINT_SCHEMA).trim(),
            new MysqlSinkConfig.Syncer(
                r.getInt(WORKER_COUNT),
                r.getInt(TXN_BATCH),
                r.getBoolean(SAFE_MODE),
                TableFilter.splitSchemas(r.getString(IGNORE_SCHEMAS)),
                r.getList(REPLICATE_DO_DB).stream().map(String::trim).toList(),
                pairs(r, REPLICATE_DO_TABLE),
                pairs(r, IGNORE_TABLE),
                commitTsList(r)),
            new MysqlSinkConfig.Downstream(
                r.getString(TO_HOST).trim(),
                r.getInt(TO_PORT),
                r.getString(TO_USER),
                password(settings, r)));
    r.passThrough("security.").entrySet().stream()
        .filter(e -> !e.getValue().isBlank())
        .forEach(
            e ->
                r.problem(
                    "security." + e.getKey(),
                    "TLS to the downstream is not supported; Kafka's TLS goes in [kafka.client]"));
    r.throwIfInvalid();
    return config;
  }

  /** [[prefix]] entries (numbered keys {@code prefix.N.db-name}), in index order. */
  private static List<TableName> pairs(final ConfigReader r, final String prefix) {
    final Map<Integer, String[]> byIndex = new TreeMap<>();
    r.passThrough(prefix + ".")
        .forEach(
            (key, value) -> {
              final Matcher m = PAIR_KEY.matcher(key);
              if (!m.matches()) {
                r.problem(
                    prefix + "." + key,
                    "unknown key; [[" + prefix + "]] entries have db-name and tbl-name");
                return;
              }
              final String[] pair =
                  byIndex.computeIfAbsent(Integer.parseInt(m.group(1)), i -> new String[2]);
              pair["db-name".equals(m.group(2)) ? 0 : 1] = value.trim();
            });
    final List<TableName> out = new ArrayList<>();
    byIndex.forEach(
        (index, pair) -> {
          for (int i = 0; i < 2; i++) {
            if (pair[i] == null || pair[i].isEmpty()) {
              // A lone db-name would silently match nothing (tables always have a name).
              r.problem(
                  prefix + "." + index + "." + (i == 0 ? "db-name" : "tbl-name"),
                  "required in every [["
                      + prefix
                      + "]] entry (whole databases: replicate-do-db or ignore-schemas)");
            }
          }
          if (pair[0] != null && pair[1] != null && !pair[0].isEmpty() && !pair[1].isEmpty()) {
            out.add(new TableName(pair[0], pair[1]));
          }
        });
    return List.copyOf(out);
  }

  private static Set<Long> commitTsList(final ConfigReader r) {
    final Set<Long> out = new LinkedHashSet<>();
    for (final String text : r.getList(IGNORE_TXN_COMMIT_TS)) {
      try {
        final long ts = Long.parseLong(text.trim());
        r.check(ts > 0, IGNORE_TXN_COMMIT_TS, "commit_ts must be positive, got " + ts);
        out.add(ts);
      } catch (NumberFormatException e) {
        r.problem(IGNORE_TXN_COMMIT_TS, "'" + text + "' is not a commit_ts (a number)");
      }
    }
    return out;
  }

  /** From the environment (or file layer) or password-file; never from a flag, which ps shows. */
  private static String password(final Settings settings, final ConfigReader r) {
    final boolean onFlag =
        settings.origin(TO_PASSWORD).filter(o -> o.kind() == SettingOrigin.Kind.FLAG).isPresent();
    r.check(
        !onFlag,
        TO_PASSWORD,
        "a password on the command line is visible to every user of this machine; use "
            + TO_PASSWORD_FILE
            + " or the "
            + ENV_PREFIX
            + "SYNCER__TO__PASSWORD environment variable");
    final String file = r.getString(TO_PASSWORD_FILE).trim();
    if (file.isEmpty()) {
      return onFlag ? "" : r.getPassword(TO_PASSWORD).value();
    }
    r.check(
        !r.isSet(TO_PASSWORD),
        TO_PASSWORD,
        "set either " + TO_PASSWORD + " or " + TO_PASSWORD_FILE + ", not both");
    try {
      // A trailing newline (echo > file) is not part of the password; other whitespace is.
      return Files.readString(Path.of(file), StandardCharsets.UTF_8).replaceFirst("\\r?\\n$", "");
    } catch (IOException e) {
      r.problem(TO_PASSWORD_FILE, "cannot read " + file + ": " + e.getMessage());
      return "";
    }
  }

  private static HostPort address(final ConfigReader r) {
    try {
      return HostPort.parse(STATUS_ADDR, r.getString(STATUS_ADDR).trim());
    } catch (ConfigException e) {
      return HostPort.parse(STATUS_ADDR, DEFAULT_STATUS_ADDR); // reported by the validator
    }
  }

  private static URI uri(final String text) {
    try {
      return new URI(text.trim());
    } catch (URISyntaxException e) {
      return URI.create(DEFAULT_REGISTRY_URL); // reported by the validator
    }
  }

  /** http(s)://host[:port][/path]. */
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
