package io.kafkabinlog.tidbsim.pumpclient;

import io.kafkabinlog.schemas.proto.binlog.Binlog;
import java.util.concurrent.CompletableFuture;

/**
 * What a transaction needs from TiDB's pump client (protocol section 3.1): a synchronous prewrite
 * write whose failure fails the transaction, then an asynchronous commit or rollback write to the
 * pump that took the prewrite.
 */
public interface BinlogWriter extends AutoCloseable {

  /**
   * Writes a prewrite binlog (DML with {@code prewrite_value}, or a DDL prewrite) and returns once
   * a pump acknowledged it; remembers which pump took it.
   *
   * @throws BinlogWriteException when no pump accepted it within the retry rules
   */
  void writePrewrite(Binlog prewrite);

  /**
   * Sends the commit or rollback binlog to the pump that took the prewrite with the same start_ts,
   * retrying in the background. Never throws: the future completes when the pump acknowledged it,
   * or exceptionally once the client gave up (the pump then resolves the transaction itself).
   */
  CompletableFuture<Void> writeCommit(Binlog commitOrRollback);

  /** Stops accepting writes and waits, bounded, for commit writes still in flight. */
  @Override
  void close();
}
