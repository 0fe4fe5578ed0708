package io.kafkabinlog.ordering.decode;

import io.kafkabinlog.ordering.payload.FragmentedPayload;

/** What stage 2 hands stage 3, in order: transactions by strictly increasing commit_ts, and W. */
public sealed interface OrderedEvent {

  /**
   * A committed transaction: its prewrite binlog ({@code binlog.Binlog} bytes as the pump got
   * them), readable only during the call that receives it (it is backed by stage 2's store).
   */
  record OrderedTxn(long commitTs, long startTs, int sourcePartition, FragmentedPayload payload)
      implements OrderedEvent {}

  /** Resolved ts W: every transaction with commit_ts <= ts has been handed on before this. */
  record Resolved(long ts) implements OrderedEvent {}
}
