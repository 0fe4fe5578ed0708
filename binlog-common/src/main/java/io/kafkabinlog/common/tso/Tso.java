package io.kafkabinlog.common.tso;

import java.time.Instant;

/**
 * PD timestamps: {@code physical_ms << 18 | logical}. Every start_ts, commit_ts, watermark and
 * checkpoint in the system is one of these.
 */
public final class Tso {
  /** Number of low bits that hold the logical counter. */
  public static final int LOGICAL_BITS = 18;

  /** Largest logical counter within one millisecond. */
  public static final long MAX_LOGICAL = (1L << LOGICAL_BITS) - 1;

  private Tso() {}

  public static long compose(final long physicalMillis, final long logical) {
    if (physicalMillis < 0 || physicalMillis >= (1L << (63 - LOGICAL_BITS))) {
      throw new IllegalArgumentException("physical millis out of range: " + physicalMillis);
    }
    if (logical < 0 || logical > MAX_LOGICAL) {
      throw new IllegalArgumentException("logical out of range [0, 2^18): " + logical);
    }
    return physicalMillis << LOGICAL_BITS | logical;
  }

  public static long physicalMillis(final long tso) {
    return tso >>> LOGICAL_BITS;
  }

  public static long logical(final long tso) {
    return tso & MAX_LOGICAL;
  }

  public static Instant toInstant(final long tso) {
    return Instant.ofEpochMilli(physicalMillis(tso));
  }

  /** The smallest TSO at or after the given instant (logical 0). */
  public static long fromInstant(final Instant instant) {
    return compose(instant.toEpochMilli(), 0);
  }
}
