package io.kafkabinlog.mysqlsink.apply;

/** What applying one upstream transaction did downstream. */
public enum ApplyOutcome {
  /** Executed and recorded in this call. */
  APPLIED,
  /**
   * Recorded as applied without executing anything (schema-only DDL, ignored commit_ts, a DDL with
   * nothing left for MariaDB).
   */
  RECORDED_ONLY,
  /** Already recorded as applied before: nothing done. */
  ALREADY_APPLIED
}
