package io.kafkabinlog.mysqlsink.checkpoint;

import java.sql.SQLException;

/**
 * The progress table (or DDL ledger) already holds this commit_ts: the transaction was applied
 * before, so the caller must roll back its own transaction instead of committing it twice.
 */
public final class AlreadyAppliedException extends SQLException {
  private static final long serialVersionUID = 1L;

  private final long commitTs;

  public AlreadyAppliedException(
      final long commitTs, final String table, final SQLException cause) {
    super("commit_ts " + commitTs + " is already recorded in " + table, "23000", cause);
    this.commitTs = commitTs;
  }

  public long commitTs() {
    return commitTs;
  }
}
