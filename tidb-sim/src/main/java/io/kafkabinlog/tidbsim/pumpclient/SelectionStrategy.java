package io.kafkabinlog.tidbsim.pumpclient;

import java.util.Locale;

/** TiDB's {@code [binlog] strategy}: how a prewrite binlog picks its pump. */
public enum SelectionStrategy {
  /** Round-robin over the available pumps (TiDB's default). */
  RANGE,
  /** {@code (fnv32a(start_ts) + retryTime) mod N} over the available pumps. */
  HASH;

  /** The name TiDB's config uses: {@code range} or {@code hash}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The strategy with the given config name. TiDB falls back to {@code range} with a warning on an
   * unknown name; we refuse it, because a typo would silently change where binlogs go.
   */
  public static SelectionStrategy fromWireName(final String name) {
    for (final SelectionStrategy strategy : values()) {
      if (strategy.wireName().equals(name)) {
        return strategy;
      }
    }
    throw new IllegalArgumentException(
        "unknown pump selection strategy '" + name + "' (expected range or hash)");
  }

  <T> PumpSelector<T> newSelector() {
    return switch (this) {
      case RANGE -> new RangeSelector<>();
      case HASH -> new HashSelector<>();
    };
  }
}
