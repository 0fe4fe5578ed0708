package io.kafkabinlog.tidbsim.pumpclient;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * TiDB's {@code hash} selector: pump {@code (fnv32a(decimal start_ts) + retryTime) mod N}. TiDB
 * orders the pumps by Go map iteration (random); we keep the order the client gives (by node id),
 * so the same start_ts picks the same pump as long as the pump set does not change.
 */
final class HashSelector<T> implements PumpSelector<T> {
  private static final int FNV32_OFFSET_BASIS = 0x811c9dc5;
  private static final int FNV32_PRIME = 0x01000193;

  private List<T> pumps = List.of();

  @Override
  public synchronized void setPumps(final List<T> newPumps) {
    pumps = List.copyOf(newPumps);
  }

  @Override
  public synchronized T select(final long startTs, final int retryTime) {
    if (pumps.isEmpty()) {
      return null;
    }
    return pumps.get((int) ((hash(startTs) + retryTime) % pumps.size()));
  }

  /** TiDB's {@code hashTs}: 32-bit FNV-1a of the decimal start_ts, as an unsigned number. */
  static long hash(final long startTs) {
    int hash = FNV32_OFFSET_BASIS;
    for (final byte b : Long.toString(startTs).getBytes(StandardCharsets.US_ASCII)) {
      hash ^= b & 0xff;
      hash *= FNV32_PRIME;
    }
    return Integer.toUnsignedLong(hash);
  }
}
