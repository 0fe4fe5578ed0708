package io.kafkabinlog.tidbsim.expected;

import io.kafkabinlog.tidbsim.mutation.SimRow;

/**
 * Deterministic rows for the huge-transaction workload: the workload inserts them and the verifier
 * regenerates them from the same arguments, so the expected-state log holds only a {@link
 * LogEntry.GeneratedRows} entry.
 */
public interface RowGenerator {

  /** The row with primary key {@code id} of a batch generated with {@code seed}. */
  SimRow row(long seed, long id, int rowBytes);
}
