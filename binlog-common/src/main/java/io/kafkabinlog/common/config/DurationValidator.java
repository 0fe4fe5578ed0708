package io.kafkabinlog.common.config;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Validates durations written as a plain number (in the key's unit, as the original's integer
 * seconds) or as a number with a unit: {@code ms}, {@code s}, {@code m}, {@code h}.
 */
public final class DurationValidator implements ConfigDef.Validator {
  private static final Pattern FORMAT = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

  private final ChronoUnit plainUnit;
  private final Duration min;

  private DurationValidator(final ChronoUnit plainUnit, final Duration min) {
    this.plainUnit = plainUnit;
    this.min = min;
  }

  /** A duration of at least {@code min}; plain numbers count in {@code plainUnit}. */
  public static DurationValidator atLeast(final Duration min, final ChronoUnit plainUnit) {
    return new DurationValidator(plainUnit, min);
  }

  /**
   * Defines {@code key} as a duration of at least {@code min} whose plain numbers are seconds (as
   * the original's keys), saying so in its documentation.
   */
  public static ConfigDef define(
      final ConfigDef def,
      final String key,
      final String dflt,
      final Duration min,
      final String doc) {
    return def.define(
        key,
        ConfigDef.Type.STRING,
        dflt,
        atLeast(min, ChronoUnit.SECONDS),
        ConfigDef.Importance.LOW,
        doc + " Plain numbers are seconds; 500ms, 3s, 10m also work.");
  }

  public static Duration parse(final String text, final ChronoUnit plainUnit) {
    final Matcher m = FORMAT.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not a duration: '" + text + "' (use a number of " + plainUnit + " or e.g. 500ms, 3s)");
    }
    final long amount = Long.parseLong(m.group(1));
    final String unit = m.group(2);
    if (unit == null) {
      return Duration.of(amount, plainUnit);
    }
    return switch (unit) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      default -> Duration.ofHours(amount);
    };
  }

  @Override
  public void ensureValid(final String name, final Object value) {
    if (value == null) {
      return;
    }
    final Duration duration;
    try {
      duration = parse(String.valueOf(value), plainUnit);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(name, value, e.getMessage());
    }
    if (duration.compareTo(min) < 0) {
      throw new ConfigException(name, value, "must be at least " + min);
    }
  }

  @Override
  public String toString() {
    return "duration >= " + min + " (plain numbers in " + plainUnit + ")";
  }
}
