package io.kafkabinlog.schemas.codec;

import java.time.Duration;

/** Helpers for MySQL TIME values (held as nanoseconds, possibly negative). */
public final class TimeCodec {
  private TimeCodec() {}

  /** {@code [-]HH:MM:SS[.ffffff]} (hours may exceed 24; sub-microsecond digits are dropped). */
  public static String formatDuration(Duration d) {
    boolean neg = d.isNegative();
    Duration a = d.abs();
    long h = a.toHours();
    int m = a.toMinutesPart();
    int s = a.toSecondsPart();
    int micros = a.toNanosPart() / 1000;
    String out = String.format("%s%02d:%02d:%02d", neg ? "-" : "", h, m, s);
    return micros == 0 ? out : out + String.format(".%06d", micros);
  }
}
