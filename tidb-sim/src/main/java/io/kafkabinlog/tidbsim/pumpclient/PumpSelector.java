package io.kafkabinlog.tidbsim.pumpclient;

import java.util.List;

/**
 * Picks the pump for a prewrite binlog among the available pumps ({@code selector.go}). Commit and
 * rollback binlogs never go through a selector: they follow their prewrite. Implementations are
 * thread-safe.
 *
 * @param <T> the pump type (the client's pumps; plain values in tests)
 */
interface PumpSelector<T> {
  /** Replaces the pumps to choose from, in a stable order (the client sorts them by node id). */
  void setPumps(List<T> pumps);

  /**
   * The pump for a prewrite with this start_ts on its {@code retryTime}-th retry (0 first), or
   * {@code null} if there is no pump to choose from.
   */
  T select(long startTs, int retryTime);
}
