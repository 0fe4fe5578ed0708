package io.kafkabinlog.tidbsim.pumpclient;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
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
   * As {@link #writePrewrite(Binlog)} for a prewrite binlog already marshalled, sent as it is: a
   * huge transaction's binlog, which must not be held twice. {@code payload} is the {@code
   * binlog.Binlog} wire bytes of a Prewrite with this start_ts; it may wrap an array (see {@code
   * UnsafeByteOperations.unsafeWrap}) that the caller then leaves alone.
   *
   * <p>This default parses the payload (a copy) and calls {@link #writePrewrite(Binlog)}; the pump
   * client overrides it to send the bytes without a copy.
   *
   * @throws BinlogWriteException when no pump accepted it within the retry rules
   */
  default void writePrewrite(final long startTs, final ByteString payload) {
    final Binlog prewrite;
    try {
      prewrite = Binlog.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not a marshalled binlog.Binlog: " + e.getMessage(), e);
    }
    if (prewrite.getStartTs() != startTs) {
      throw new IllegalArgumentException(
          "payload has start_ts " + prewrite.getStartTs() + ", not " + startTs);
    }
    writePrewrite(prewrite);
  }

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
