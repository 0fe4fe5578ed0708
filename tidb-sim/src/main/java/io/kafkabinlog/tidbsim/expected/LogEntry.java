package io.kafkabinlog.tidbsim.expected;

import io.kafkabinlog.schemas.tableinfo.Job;
import io.kafkabinlog.tidbsim.mutation.RowChange;
import java.util.List;
import java.util.Objects;

/** One committed transaction in the expected-state log, in commit order per row. */
public sealed interface LogEntry {

  long commitTs();

  /** A DML transaction: its row changes in statement order. */
  record Dml(long commitTs, List<RowChange> changes) implements LogEntry {
    public Dml {
      changes = List.copyOf(changes);
    }
  }

  /** A finished DDL job; {@code job.binlog} holds the schema or table after it. */
  record Ddl(long commitTs, Job job) implements LogEntry {
    public Ddl {
      Objects.requireNonNull(job, "job");
    }
  }

  /**
   * Rows inserted by one transaction and regenerated on replay instead of being logged: ids {@code
   * firstId .. firstId + count - 1} of table {@code tableId}, each {@link RowGenerator#row(long,
   * long, int) row(seed, id, rowBytes)}.
   */
  record GeneratedRows(
      long commitTs, long tableId, long seed, long firstId, long count, int rowBytes)
      implements LogEntry {
    public GeneratedRows {
      if (count < 0 || rowBytes < 0) {
        throw new IllegalArgumentException(
            "count and rowBytes must not be negative: " + count + ", " + rowBytes);
      }
    }
  }
}
