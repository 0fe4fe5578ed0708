package io.kafkabinlog.ordering.pairing;

/**
 * A prewrite stage 1 holds without its commit: the resolver's unit of work.
 *
 * @param partition raw partition (pump) that holds the prewrite
 * @param startTs the transaction's start_ts
 * @param primaryKey the binlog's prewrite_key (may be empty, e.g. DDL)
 * @param firstSeenMillis wall-clock time stage 1 stored it
 */
public record PendingPrewrite(
    int partition, long startTs, byte[] primaryKey, long firstSeenMillis) {}
