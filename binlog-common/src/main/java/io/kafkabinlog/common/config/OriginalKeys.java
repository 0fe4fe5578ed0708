package io.kafkabinlog.common.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the keys of the original component's config file (TiDB binlog's pump.toml, drainer.toml) are
 * taken, so that an original file loads and its user learns what changed: renamed keys move to
 * their new names, and keys accepted without effect get a warning each.
 *
 * @param renamed old key -> new key
 * @param verdict what each warning says of an ignored key, e.g. {@code "does not apply and is
 *     ignored"}
 * @param ignored ignored key -> why it has no effect; a key set to a blank value gets no warning
 * @param ignoredTable prefix of a whole table that is ignored, ending in a dot (e.g. {@code
 *     "storage."}), warned of in one line naming its keys
 * @param tableReason why that table has no effect
 */
public record OriginalKeys(
    Map<String, String> renamed,
    String verdict,
    Map<String, String> ignored,
    String ignoredTable,
    String tableReason) {
  private static final Logger LOG = LoggerFactory.getLogger(OriginalKeys.class);

  /** The original drainer's logging and push-gateway keys, which no component here has. */
  private static final Map<String, String> LOGGING_AND_PUSH_METRICS =
      Map.of(
          "log-file", "logs go to stderr; redirect them or let the supervisor collect them",
          "log-level", "the level comes from the LOG_LEVEL environment variable",
          "metrics-addr", "no push gateway; Prometheus scrapes GET /metrics",
          "metrics-interval", "no push gateway; Prometheus scrapes GET /metrics");

  public OriginalKeys {
    renamed = Map.copyOf(renamed);
    Objects.requireNonNull(verdict, "verdict");
    ignored = Map.copyOf(ignored);
    if (!ignoredTable.endsWith(".")) {
      throw new IllegalArgumentException("a table prefix ends in a dot: " + ignoredTable);
    }
    Objects.requireNonNull(tableReason, "tableReason");
  }

  /**
   * {@code more} and the original drainer's logging and push-gateway keys ({@code log-file}, {@code
   * log-level}, {@code metrics-addr}, {@code metrics-interval}), with why each is ignored.
   */
  public static Map<String, String> withLoggingAndPushMetrics(final Map<String, String> more) {
    final Map<String, String> all = new HashMap<>(LOGGING_AND_PUSH_METRICS);
    all.putAll(more);
    return Map.copyOf(all);
  }

  /**
   * True if a component whose keys are {@code definition} takes {@code key}: defined, an original
   * name for one, or under one of the {@code passThrough} prefixes (a table read as it comes). How
   * a process sharing one file among components (the drainer) tells whose key it is.
   */
  public boolean accepts(
      final ConfigDef definition, final Set<String> passThrough, final String key) {
    return definition.configKeys().containsKey(key)
        || renamed.containsKey(key)
        || passThrough.stream().anyMatch(key::startsWith);
  }

  /**
   * Defines each ignored key as an optional string, so that the reader accepts it (and {@link
   * #adopt} warns of it).
   */
  public ConfigDef defineIgnored(final ConfigDef def) {
    ignored.forEach(
        (key, reason) ->
            def.define(
                key,
                ConfigDef.Type.STRING,
                "",
                ConfigDef.Importance.LOW,
                "Original key; " + reason));
    return def;
  }

  /** {@code settings} with the renamed keys moved, after logging a warning per ignored key. */
  public Settings adopt(final Settings settings) {
    final Settings adopted = settings.withRenamedKeys(renamed);
    ignoredKeyWarnings(adopted).forEach(w -> LOG.warn("{}", w));
    return adopted;
  }

  /** The warnings {@link #adopt} logs: one per ignored key set, one for the ignored table. */
  public List<String> warnings(final Settings settings) {
    return ignoredKeyWarnings(settings.withRenamedKeys(renamed));
  }

  private List<String> ignoredKeyWarnings(final Settings settings) {
    final List<String> warnings = new ArrayList<>();
    final List<String> tableKeys = new ArrayList<>();
    settings
        .values()
        .forEach(
            (key, value) -> {
              final String reason = ignored.get(key);
              if (key.startsWith(ignoredTable)) {
                tableKeys.add(key);
              } else if (reason != null && !String.valueOf(value).isBlank()) {
                warnings.add(
                    "config key '"
                        + key
                        + "'"
                        + origin(settings, key)
                        + " "
                        + verdict
                        + ": "
                        + reason);
              }
            });
    if (!tableKeys.isEmpty()) {
      // One line for the whole table: an original file has a dozen of these.
      warnings.add(
          "config table ["
              + ignoredTable.substring(0, ignoredTable.length() - 1)
              + "]"
              + origin(settings, tableKeys.get(0))
              + " "
              + verdict
              + ": "
              + tableReason
              + " (keys: "
              + String.join(", ", tableKeys)
              + ")");
    }
    return List.copyOf(warnings);
  }

  private static String origin(final Settings settings, final String key) {
    return settings.origin(key).map(o -> " (" + o + ")").orElse("");
  }
}
