package io.kafkabinlog.tidbsim.engine;

import java.util.concurrent.atomic.LongAdder;

/** Counters of what the sim did, for progress lines and tests. */
public final class SimStats {
  private final LongAdder committed = new LongAdder();
  private final LongAdder rolledBack = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder crashedBeforeCommitBinlog = new LongAdder();
  private final LongAdder ddl = new LongAdder();
  private final LongAdder rows = new LongAdder();
  private final LongAdder retried = new LongAdder();

  void recordRetried() {
    retried.increment();
  }

  /** Transaction attempts that lost a race and were retried. */
  public long retried() {
    return retried.sum();
  }

  void recordCommitted(final long rowChanges) {
    committed.increment();
    rows.add(rowChanges);
  }

  void recordRolledBack() {
    rolledBack.increment();
  }

  void recordFailed() {
    failed.increment();
  }

  void recordCrashed() {
    crashedBeforeCommitBinlog.increment();
  }

  void recordDdl() {
    ddl.increment();
  }

  /** Transactions committed (DML; DDL counted apart). */
  public long committed() {
    return committed.sum();
  }

  /** Transactions rolled back by the application or after a conflict. */
  public long rolledBack() {
    return rolledBack.sum();
  }

  /** Transactions failed because PD gave no TSO or no pump took their prewrite binlog. */
  public long failed() {
    return failed.sum();
  }

  /** Committed transactions whose commit binlog the fault switch suppressed. */
  public long crashedBeforeCommitBinlog() {
    return crashedBeforeCommitBinlog.sum();
  }

  public long ddlJobs() {
    return ddl.sum();
  }

  public long rowChanges() {
    return rows.sum();
  }

  @Override
  public String toString() {
    return committed()
        + " committed ("
        + rowChanges()
        + " row changes), "
        + ddlJobs()
        + " DDL, "
        + rolledBack()
        + " rolled back, "
        + retried()
        + " retried, "
        + failed()
        + " failed, "
        + crashedBeforeCommitBinlog()
        + " without commit binlog";
  }
}
