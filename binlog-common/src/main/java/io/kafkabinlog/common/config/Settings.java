package io.kafkabinlog.common.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Raw settings as the user gave them, flattened to dotted keys ({@code kafka.bootstrap-servers})
 * and layered: file, then environment, then flags, each overriding the one before. Values are
 * strings or lists of strings; typing and validation happen in {@link ConfigReader}.
 *
 * <p>TOML tables become key prefixes, so {@code [syncer.to] host = "x"} is {@code syncer.to.host};
 * the entries of an array of tables get their index, so the second {@code [[syncer.ignore-table]]}
 * {@code db-name} is {@code syncer.ignore-table.1.db-name}. Environment variables {@code
 * <PREFIX>KAFKA__BOOTSTRAP_SERVERS} map to {@code kafka.bootstrap-servers} ({@code __} is a dot,
 * {@code _} a dash). Flags are {@code --key=value}.
 */
public final class Settings {
  private static final Logger LOG = LoggerFactory.getLogger(Settings.class);

  private final Map<String, Object> values;
  private final Map<String, SettingOrigin> origins;

  private Settings(final Map<String, Object> values, final Map<String, SettingOrigin> origins) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    this.origins = Collections.unmodifiableMap(new LinkedHashMap<>(origins));
  }

  public static Settings empty() {
    return new Settings(Map.of(), Map.of());
  }

  /** Settings from a map, as given in code or tests; the origin names the caller. */
  public static Settings of(final Map<String, ?> values, final SettingOrigin origin) {
    final Map<String, Object> copy = new LinkedHashMap<>();
    final Map<String, SettingOrigin> from = new LinkedHashMap<>();
    values.forEach(
        (key, value) -> {
          copy.put(key, normalise(value));
          from.put(key, origin);
        });
    return new Settings(copy, from);
  }

  /** Reads a TOML file; a missing or unparsable file is a fatal config error naming the path. */
  public static Settings fromToml(final Path file) {
    final JsonNode root;
    try {
      root = new TomlMapper().readTree(Files.readString(file));
    } catch (IOException e) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          "cannot read config file " + file + ": " + e.getMessage() + " (check --config)",
          e);
    }
    final Map<String, Object> flat = new LinkedHashMap<>();
    flatten("", root, flat);
    return of(flat, new SettingOrigin(SettingOrigin.Kind.FILE, file.toString()));
  }

  /**
   * Environment variables starting with {@code prefix} (for example {@code PUMP_}), as the original
   * pump and drainer accepted them.
   */
  public static Settings fromEnv(final Map<String, String> env, final String prefix) {
    final Map<String, Object> values = new LinkedHashMap<>();
    final Map<String, SettingOrigin> origins = new LinkedHashMap<>();
    env.forEach(
        (name, value) -> {
          if (name.startsWith(prefix) && name.length() > prefix.length()) {
            final String key =
                name.substring(prefix.length())
                    .toLowerCase(Locale.ROOT)
                    .replace("__", ".")
                    .replace('_', '-');
            values.put(key, value);
            origins.put(key, new SettingOrigin(SettingOrigin.Kind.ENV, name));
          }
        });
    return new Settings(values, origins);
  }

  /**
   * Flags of the form {@code --key=value} or {@code -key=value}; {@code --config} is not a setting
   * and is skipped (see {@link #configFileFlag}). Anything else is an error naming the argument.
   */
  public static Settings fromFlags(final List<String> args) {
    final Map<String, Object> values = new LinkedHashMap<>();
    final Map<String, SettingOrigin> origins = new LinkedHashMap<>();
    final List<String> malformed = new ArrayList<>();
    for (final String arg : args) {
      final String body = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
      final int eq = body.indexOf('=');
      if (!arg.startsWith("-") || eq <= 0) {
        malformed.add(arg);
        continue;
      }
      final String key = body.substring(0, eq);
      if (!"config".equals(key)) {
        values.put(key, body.substring(eq + 1));
        origins.put(key, new SettingOrigin(SettingOrigin.Kind.FLAG, arg));
      }
    }
    if (!malformed.isEmpty()) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          "arguments must look like --key=value, got: " + String.join(" ", malformed));
    }
    return new Settings(values, origins);
  }

  /** The value of {@code --config=FILE} among the arguments, if any. */
  public static Optional<Path> configFileFlag(final List<String> args) {
    return args.stream()
        .filter(a -> a.startsWith("--config=") || a.startsWith("-config="))
        .map(a -> Path.of(a.substring(a.indexOf('=') + 1)))
        .reduce((first, second) -> second);
  }

  /**
   * The usual layering for a component's {@code main}: the file named by {@code --config} (if any),
   * then environment variables with {@code envPrefix}, then the other flags.
   */
  public static Settings load(
      final List<String> args, final Map<String, String> env, final String envPrefix) {
    final Settings file = configFileFlag(args).map(Settings::fromToml).orElse(empty());
    return file.overriddenBy(fromEnv(env, envPrefix)).overriddenBy(fromFlags(args));
  }

  /** A new layering where {@code higher} wins for every key it sets. */
  public Settings overriddenBy(final Settings higher) {
    final Map<String, Object> merged = new LinkedHashMap<>(values);
    final Map<String, SettingOrigin> from = new LinkedHashMap<>(origins);
    merged.putAll(higher.values);
    from.putAll(higher.origins);
    return new Settings(merged, from);
  }

  /**
   * The settings whose keys {@code keep} accepts, with their origins: what one component of a
   * process that runs several (the drainer) reads of a file they share.
   */
  public Settings only(final Predicate<String> keep) {
    final Map<String, Object> kept = new LinkedHashMap<>();
    final Map<String, SettingOrigin> from = new LinkedHashMap<>();
    values.forEach(
        (key, value) -> {
          if (keep.test(key)) {
            kept.put(key, value);
            from.put(key, origins.get(key));
          }
        });
    return new Settings(kept, from);
  }

  /**
   * Accepts an old key name for a renamed setting: its value moves to {@code newKey} (unless that
   * is set too) and a warning says what to change.
   */
  public Settings withRenamedKey(final String oldKey, final String newKey) {
    if (!values.containsKey(oldKey)) {
      return this;
    }
    LOG.warn(
        "config key '{}' ({}) is deprecated, use '{}' instead",
        oldKey,
        origins.get(oldKey),
        newKey);
    final Map<String, Object> renamed = new LinkedHashMap<>(values);
    final Map<String, SettingOrigin> from = new LinkedHashMap<>(origins);
    final Object value = renamed.remove(oldKey);
    final SettingOrigin origin = from.remove(oldKey);
    if (!renamed.containsKey(newKey)) {
      renamed.put(newKey, value);
      from.put(newKey, origin);
    }
    return new Settings(renamed, from);
  }

  /** {@link #withRenamedKey} for each entry of {@code oldToNew}. */
  public Settings withRenamedKeys(final Map<String, String> oldToNew) {
    Settings out = this;
    for (final Map.Entry<String, String> rename : oldToNew.entrySet()) {
      out = out.withRenamedKey(rename.getKey(), rename.getValue());
    }
    return out;
  }

  public Map<String, Object> values() {
    return values;
  }

  public Optional<SettingOrigin> origin(final String key) {
    return Optional.ofNullable(origins.get(key));
  }

  private static void flatten(
      final String prefix, final JsonNode node, final Map<String, Object> out) {
    if (node.isObject()) {
      for (final Map.Entry<String, JsonNode> field : node.properties()) {
        flatten(
            prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(),
            field.getValue(),
            out);
      }
    } else if (node.isArray() && hasObject(node)) {
      // An array of tables ([[syncer.ignore-table]]) keeps its entries apart by index:
      // syncer.ignore-table.0.db-name, syncer.ignore-table.1.db-name, ...
      for (int i = 0; i < node.size(); i++) {
        flatten(prefix + "." + i, node.get(i), out);
      }
    } else if (node.isArray()) {
      final List<String> items = new ArrayList<>();
      node.forEach(item -> items.add(item.asText()));
      out.put(prefix, items);
    } else {
      out.put(prefix, node.asText());
    }
  }

  private static boolean hasObject(final JsonNode array) {
    for (final JsonNode item : array) {
      if (item.isObject()) {
        return true;
      }
    }
    return false;
  }

  private static Object normalise(final Object value) {
    if (value instanceof List<?> list) {
      return list.stream().map(String::valueOf).toList();
    }
    return value == null ? null : String.valueOf(value);
  }
}
