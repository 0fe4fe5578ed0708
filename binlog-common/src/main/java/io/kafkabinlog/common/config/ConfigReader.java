package io.kafkabinlog.common.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Types and validates {@link Settings} against a Kafka {@link ConfigDef}, collecting every problem
 * instead of stopping at the first, so that a user fixes a config file in one round.
 *
 * <p>Usage in a component's config factory: read every typed value through the getters (a value
 * that failed validation reads as its default or a neutral value), add checks that span several
 * keys with {@link #check}, then call {@link #throwIfInvalid()} before building the config record.
 * Keys that are not defined are problems too, except under the pass-through prefixes (for example
 * {@code kafka.client.}, whose entries go to the Kafka clients as they are).
 */
public final class ConfigReader {
  private final String component;
  private final ConfigDef definition;
  private final Settings settings;
  private final Map<String, Object> parsed = new LinkedHashMap<>();
  private final List<String> problems = new ArrayList<>();

  public ConfigReader(
      final String component,
      final ConfigDef definition,
      final Settings settings,
      final Set<String> passThroughPrefixes) {
    this.component = component;
    this.definition = definition;
    this.settings = settings;
    for (final String key : settings.values().keySet()) {
      if (!definition.configKeys().containsKey(key)
          && passThroughPrefixes.stream().noneMatch(key::startsWith)) {
        problem(key, "unknown key (not a setting of " + component + "; check its spelling)");
      }
    }
    definition.configKeys().forEach(this::parseKey);
  }

  private void parseKey(final String name, final ConfigDef.ConfigKey key) {
    final Object raw = settings.values().get(name);
    if (raw == null) {
      if (!key.hasDefault()) {
        problem(name, "required but not set");
      }
      parsed.put(name, key.hasDefault() ? key.defaultValue : null);
      return;
    }
    try {
      final Object value = ConfigDef.parseType(name, raw, key.type);
      if (key.validator != null) {
        key.validator.ensureValid(name, value);
      }
      parsed.put(name, value);
    } catch (ConfigException e) {
      problem(name, describe(raw, e));
      parsed.put(name, key.hasDefault() ? key.defaultValue : null);
    }
  }

  private static String describe(final Object raw, final ConfigException e) {
    final String message = e.getMessage() == null ? "invalid value" : e.getMessage();
    return message.contains(String.valueOf(raw)) ? message : message + " (got '" + raw + "')";
  }

  public String getString(final String key) {
    return (String) value(key, ConfigDef.Type.STRING);
  }

  public int getInt(final String key) {
    final Object value = value(key, ConfigDef.Type.INT);
    return value == null ? 0 : (Integer) value;
  }

  public long getLong(final String key) {
    final Object value = value(key, ConfigDef.Type.LONG);
    return value == null ? 0L : (Long) value;
  }

  public boolean getBoolean(final String key) {
    final Object value = value(key, ConfigDef.Type.BOOLEAN);
    return value != null && (Boolean) value;
  }

  public double getDouble(final String key) {
    final Object value = value(key, ConfigDef.Type.DOUBLE);
    return value == null ? 0.0 : (Double) value;
  }

  public List<String> getList(final String key) {
    final Object value = value(key, ConfigDef.Type.LIST);
    if (value == null) {
      return List.of();
    }
    final List<String> items = new ArrayList<>();
    for (final Object item : (List<?>) value) {
      items.add(String.valueOf(item));
    }
    return List.copyOf(items);
  }

  /**
   * A list of URLs; items that do not parse are left out (the key's validator reports them, and
   * reading goes on so that every problem is listed at once).
   */
  public List<URI> getUris(final String key) {
    final List<URI> out = new ArrayList<>();
    for (final String text : getList(key)) {
      try {
        out.add(new URI(text.trim()));
      } catch (URISyntaxException e) {
        // reported by the validator
      }
    }
    return List.copyOf(out);
  }

  /** A secret; its value never appears in messages or {@code toString()}. */
  public Password getPassword(final String key) {
    final Object value = value(key, ConfigDef.Type.PASSWORD);
    return value == null ? new Password("") : (Password) value;
  }

  /**
   * A duration from a {@link ConfigDef.Type#STRING} key validated with {@link DurationValidator}: a
   * plain number is counted in {@code plainUnit} (the original's keys are plain seconds), anything
   * else is a duration such as {@code 500ms}, {@code 3s} or {@code 1m}.
   */
  public Duration getDuration(final String key, final java.time.temporal.ChronoUnit plainUnit) {
    final String text = getString(key);
    if (text == null) {
      return Duration.ZERO;
    }
    try {
      return DurationValidator.parse(text, plainUnit);
    } catch (IllegalArgumentException e) {
      return Duration.ZERO; // already reported by the validator
    }
  }

  /** Every setting under {@code prefix}, with the prefix removed, as strings. */
  public Map<String, String> passThrough(final String prefix) {
    final Map<String, String> out = new TreeMap<>();
    settings
        .values()
        .forEach(
            (key, value) -> {
              if (key.startsWith(prefix) && key.length() > prefix.length()) {
                out.put(
                    key.substring(prefix.length()),
                    value instanceof List<?> list
                        ? String.join(",", list.stream().map(String::valueOf).toList())
                        : String.valueOf(value));
              }
            });
    return Collections.unmodifiableMap(out);
  }

  /** True if the user set the key (in any layer), as opposed to it taking its default. */
  public boolean isSet(final String key) {
    return settings.values().containsKey(key);
  }

  /** Records a problem with {@code key} unless {@code ok}. */
  public void check(final boolean ok, final String key, final String message) {
    if (!ok) {
      problem(key, message);
    }
  }

  public void problem(final String key, final String message) {
    final String where = settings.origin(key).map(o -> " (" + o + ")").orElse("");
    problems.add(key + where + ": " + message);
  }

  public List<String> problems() {
    return List.copyOf(problems);
  }

  /** Throws one exception listing every problem found so far, if there is any. */
  public void throwIfInvalid() {
    if (!problems.isEmpty()) {
      throw new ConfigValidationException(component, problems);
    }
  }

  private Object value(final String key, final ConfigDef.Type expected) {
    final ConfigDef.ConfigKey configKey = definition.configKeys().get(key);
    if (configKey == null) {
      throw new IllegalArgumentException(component + " config does not define key " + key);
    }
    if (configKey.type != expected) {
      throw new IllegalArgumentException(
          component + " config key " + key + " is " + configKey.type + ", not " + expected);
    }
    return parsed.get(key);
  }
}
