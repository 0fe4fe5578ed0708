package io.kafkabinlog.ordering.decode;

/**
 * Headers of a dead-letter record: the topic holds a poison transaction's binlog ({@code
 * binlog.Binlog} bytes as the pump got them) in consecutive records of one fragment each, all in
 * partition 0, keyed by commit_ts (8 bytes big-endian). Concatenating the values of fragments 0 ..
 * count-1 of one commit_ts gives the binlog back.
 */
public final class DeadLetterHeaders {
  /** commit_ts, 8 bytes big-endian. */
  public static final String COMMIT_TS = "commit_ts";

  /** start_ts, 8 bytes big-endian. */
  public static final String START_TS = "start_ts";

  /** Why the transaction was diverted, UTF-8 text. */
  public static final String REASON = "reason";

  /** This record's fragment index, 4 bytes big-endian. */
  public static final String FRAGMENT = "fragment";

  /** Number of fragments of the binlog, 4 bytes big-endian. */
  public static final String FRAGMENT_COUNT = "fragment_count";

  private DeadLetterHeaders() {}
}
