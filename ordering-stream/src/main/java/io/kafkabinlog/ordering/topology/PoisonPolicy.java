package io.kafkabinlog.ordering.topology;

/** What stage 3 does with a transaction it cannot decode or whose DDL job cannot be fetched. */
public enum PoisonPolicy {
  /** Stop the stream with an error naming commit_ts, table and reason (default). */
  STOP,
  /** Divert the whole transaction to the dead-letter topic, record it, and go on. */
  DEAD_LETTER
}
