package io.kafkabinlog.binlogctl;

import io.kafkabinlog.common.tso.Tso;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Times as the original prints them: Go's {@code time.Time.String()} of a TSO's whole seconds. */
public final class GoTime {
  // "2019-04-28 09:29:57 +0000 UTC" (Go omits the fraction when it is zero).
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xx zzz", Locale.ROOT);

  private GoTime() {}

  /** The original's {@code TSOToRoughTime(ts)} shown in {@code zone}. */
  public static String ofTso(final long tso, final ZoneId zone) {
    final long seconds = Math.floorDiv(Tso.physicalMillis(tso), 1000L);
    return FORMAT.format(Instant.ofEpochSecond(seconds).atZone(zone));
  }
}
