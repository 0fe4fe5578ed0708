package io.kafkabinlog.testkit;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Unique, readable names for per-test resources: the test class and method, shortened, plus random
 * hex, so that parallel and repeated runs never share a topic, database or etcd prefix.
 */
public final class TestNames {
  private static final SecureRandom RANDOM = new SecureRandom();

  private TestNames() {}

  /**
   * {@code <class>-<method>-<random>} in {@code [a-z0-9-]}, at most {@code maxLength} characters
   * (the random part is always kept whole).
   */
  public static String unique(final ExtensionContext context, final int maxLength) {
    final String cls = context.getRequiredTestClass().getSimpleName();
    final String method = context.getTestMethod().map(m -> m.getName()).orElse("all");
    return unique(cls + "-" + method, maxLength);
  }

  public static String unique(final String readable, final int maxLength) {
    final byte[] random = new byte[4];
    RANDOM.nextBytes(random);
    final String suffix = "-" + HexFormat.of().formatHex(random);
    String base = readable.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
    final int room = maxLength - suffix.length();
    if (room <= 0) {
      throw new IllegalArgumentException("maxLength too small: " + maxLength);
    }
    if (base.length() > room) {
      base = base.substring(0, room);
    }
    return base + suffix;
  }
}
