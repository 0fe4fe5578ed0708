package io.kafkabinlog.tidbsim.workload;

import java.time.Duration;

/**
 * What shapes a workload run. A workload reads the fields it needs and ignores the rest.
 *
 * @param seed the seed of every random choice: the same seed gives the same transactions
 * @param threads concurrent sessions
 * @param duration stop after this long (zero: no time limit)
 * @param transactions stop after this many transactions in all (zero: no count limit); with neither
 *     limit a workload runs its own default amount
 * @param rate transactions per second over all sessions (zero: as fast as possible)
 * @param txnSize row changes per transaction
 * @param accounts bank: number of accounts
 * @param largeBytes large: size of the one transaction's row data in bytes
 * @param database the database the workload creates its tables in (null: the workload's own)
 */
public record WorkloadOptions(
    long seed,
    int threads,
    Duration duration,
    long transactions,
    double rate,
    int txnSize,
    int accounts,
    long largeBytes,
    String database) {

  public WorkloadOptions {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1: " + threads);
    }
    if (duration == null || duration.isNegative()) {
      throw new IllegalArgumentException("duration must be zero or positive: " + duration);
    }
    if (transactions < 0 || rate < 0 || txnSize < 1 || accounts < 2 || largeBytes < 0) {
      throw new IllegalArgumentException(
          "transactions, rate and size must not be negative, txn-size at least 1, accounts at"
              + " least 2");
    }
  }

  /** Small defaults for tests: seed 1, 2 threads, 200 transactions. */
  public static WorkloadOptions defaults() {
    return new WorkloadOptions(1, 2, Duration.ZERO, 200, 0, 5, 20, 8L << 20, null);
  }

  public WorkloadOptions withTransactions(final long n) {
    return new WorkloadOptions(
        seed, threads, duration, n, rate, txnSize, accounts, largeBytes, database);
  }

  public WorkloadOptions withThreads(final int n) {
    return new WorkloadOptions(
        seed, n, duration, transactions, rate, txnSize, accounts, largeBytes, database);
  }

  public WorkloadOptions withSeed(final long s) {
    return new WorkloadOptions(
        s, threads, duration, transactions, rate, txnSize, accounts, largeBytes, database);
  }

  public WorkloadOptions withLargeBytes(final long bytes) {
    return new WorkloadOptions(
        seed, threads, duration, transactions, rate, txnSize, accounts, bytes, database);
  }

  public WorkloadOptions withAccounts(final int n) {
    return new WorkloadOptions(
        seed, threads, duration, transactions, rate, txnSize, n, largeBytes, database);
  }

  /** The database name: the configured one, else the workload's default. */
  public String databaseOr(final String fallback) {
    return database == null || database.isBlank() ? fallback : database;
  }
}
