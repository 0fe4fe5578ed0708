package io.kafkabinlog.common.txnstatus;

/**
 * Answers whether a transaction committed. TiKV in production (MVCC of the primary key, then the
 * lock resolver); tidb-sim's txn-status endpoint in tests and the demo.
 */
public interface TxnStatusResolver extends AutoCloseable {

  /**
   * The status of the transaction that started at {@code startTs} with primary key {@code
   * primaryKey} (the binlog's {@code prewrite_key}; may be empty for DDL prewrites).
   *
   * @throws io.kafkabinlog.common.error.RetriableBinlogException with code {@code
   *     TXN_STATUS_UNAVAILABLE} when the service cannot be reached
   */
  TxnStatus resolve(long startTs, byte[] primaryKey);

  @Override
  default void close() {}
}
