package io.kafkabinlog.binlogctl.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Command-line flags read as Go's {@code flag} package reads them, so that the original's command
 * lines keep working: {@code -name value}, {@code -name=value}, and the same with two dashes; a
 * boolean flag alone means true ({@code -name=false} turns it off). Parsing stops at the first
 * argument that is not a flag, or after {@code --}.
 */
final class GoFlags {
  /** The names asking for help, unless a flag of that name is defined. */
  private static final Set<String> HELP = Set.of("h", "help");

  private final Set<String> valueFlags;
  private final Set<String> booleanFlags;
  private final List<String> openPrefixes;

  /**
   * @param valueFlags names of flags that take a value
   * @param booleanFlags names of flags that are true or false
   * @param openPrefixes prefixes of value flags whose full name is free (e.g. {@code
   *     kafka.client.})
   */
  GoFlags(
      final Set<String> valueFlags,
      final Set<String> booleanFlags,
      final List<String> openPrefixes) {
    this.valueFlags = Set.copyOf(valueFlags);
    this.booleanFlags = Set.copyOf(booleanFlags);
    this.openPrefixes = List.copyOf(openPrefixes);
  }

  /**
   * What the command line said.
   *
   * @param values every flag given, by name, in order; a later occurrence wins, as in Go
   * @param positional the arguments after the flags
   * @param help true if -h or -help was given
   */
  record Parsed(Map<String, String> values, List<String> positional, boolean help) {
    Parsed {
      values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
      positional = List.copyOf(positional);
    }
  }

  Parsed parse(final List<String> args) throws UsageException {
    final Map<String, String> values = new LinkedHashMap<>();
    boolean help = false;
    int i = 0;
    while (i < args.size()) {
      final String arg = Objects.requireNonNull(args.get(i), "argument");
      if (arg.equals("--")) {
        i++;
        break;
      }
      if (arg.length() < 2 || arg.charAt(0) != '-') {
        break;
      }
      final String body = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
      if (body.isEmpty() || body.startsWith("-") || body.startsWith("=")) {
        throw new UsageException("bad flag syntax: " + arg);
      }
      i++;
      final int eq = body.indexOf('=');
      final String name = eq < 0 ? body : body.substring(0, eq);
      final String inline = eq < 0 ? null : body.substring(eq + 1);
      if (booleanFlags.contains(name)) {
        values.put(name, Boolean.toString(parseBoolean(name, inline)));
      } else if (isValueFlag(name)) {
        if (inline != null) {
          values.put(name, inline);
        } else if (i < args.size()) {
          values.put(name, args.get(i++));
        } else {
          throw new UsageException("flag needs an argument: -" + name);
        }
      } else if (HELP.contains(name)) {
        help = true;
      } else {
        throw new UsageException("flag provided but not defined: -" + name);
      }
    }
    return new Parsed(values, args.subList(i, args.size()), help);
  }

  private boolean isValueFlag(final String name) {
    if (valueFlags.contains(name)) {
      return true;
    }
    for (final String prefix : openPrefixes) {
      if (name.startsWith(prefix) && name.length() > prefix.length()) {
        return true;
      }
    }
    return false;
  }

  // Go's strconv.ParseBool.
  private static boolean parseBoolean(final String name, final String value) throws UsageException {
    if (value == null) {
      return true;
    }
    switch (value.toLowerCase(Locale.ROOT)) {
      case "1", "t", "true" -> {
        return true;
      }
      case "0", "f", "false" -> {
        return false;
      }
      default ->
          throw new UsageException(
              "invalid boolean value \"" + value + "\" for -" + name + ": parse error");
    }
  }
}
