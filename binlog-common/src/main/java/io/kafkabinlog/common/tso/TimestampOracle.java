package io.kafkabinlog.common.tso;

/**
 * Where components get TSOs. Every value is strictly greater than every value this oracle (the one
 * cluster-wide oracle, not only this client) returned before, including across restarts of the
 * oracle. tidb-sim serves one over PD's gRPC API; a PD client is the production implementation.
 */
public interface TimestampOracle extends AutoCloseable {

  /**
   * A fresh TSO.
   *
   * @throws io.kafkabinlog.common.error.RetriableBinlogException with code {@code TSO_UNAVAILABLE}
   *     when the oracle cannot be reached in time
   */
  long getTimestamp();

  /** The PD cluster id this oracle belongs to. */
  long clusterId();

  @Override
  default void close() {}
}
