package io.kafkabinlog.tidbsim.cli;

import java.util.Locale;
import org.apache.kafka.common.config.ConfigException;

/** Byte sizes as users write them: {@code 1048576}, {@code 100MiB}, {@code 1GiB}, {@code 64KB}. */
final class ByteSizes {
  private ByteSizes() {}

  static long parse(final String key, final String text) {
    String t = text.trim().toUpperCase(Locale.ROOT).replace(" ", "");
    long unit = 1;
    String[][] suffixes = {
      {"KIB", "1024"},
      {"MIB", "1048576"},
      {"GIB", "1073741824"},
      {"KB", "1000"},
      {"MB", "1000000"},
      {"GB", "1000000000"},
      {"B", "1"}
    };
    for (String[] s : suffixes) {
      if (t.endsWith(s[0])) {
        unit = Long.parseLong(s[1]);
        t = t.substring(0, t.length() - s[0].length());
        break;
      }
    }
    try {
      long n = Long.parseLong(t);
      if (n < 0) {
        throw new ConfigException(key, text, "must not be negative");
      }
      return Math.multiplyExact(n, unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new ConfigException(
          key, text, "not a byte size (examples: 1048576, 64KiB, 100MiB, 1GiB)");
    }
  }
}
