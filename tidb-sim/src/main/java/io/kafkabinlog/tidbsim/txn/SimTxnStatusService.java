package io.kafkabinlog.tidbsim.txn;

import io.kafkabinlog.common.tso.Tso;
import io.kafkabinlog.common.txnstatus.TxnStatus;
import io.kafkabinlog.common.txnstatus.TxnStatusResolver;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;

/**
 * Answers what TiKV would about a transaction whose commit binlog never arrived, from the {@link
 * TxnOutcomeLog}: committed (with its commit_ts) or rolled back when a record exists; otherwise
 * TiKV's lock-TTL rule: while the start_ts is younger than the lock TTL the lock may still be
 * committed (pending), after that the lock resolver rolls it back (rolled back).
 *
 * <p>For that answer to stay true, the engine must not commit a transaction once its lock could
 * have expired: {@link #mayCommit} allows it only within half the TTL, leaving the other half as a
 * margin for the time between that check and the outcome record.
 *
 * <p>A transaction that runs longer than that (a huge one being built and sent) is kept alive by
 * {@link #keepAlive}, as TiDB's TTL manager keeps a big transaction's primary lock alive with
 * heartbeats: its age then counts from the last heartbeat. Heartbeats live in memory only, like
 * TiDB's: once the sim process is gone they stop and the lock expires.
 */
public final class SimTxnStatusService implements TxnStatusResolver {
  /** TiKV's default lock TTL is 3 s, extended by heartbeats; the sim uses a fixed, generous one. */
  public static final Duration DEFAULT_LOCK_TTL = Duration.ofSeconds(20);

  private final TxnOutcomeLog outcomes;
  private final long lockTtlMillis;
  private final LongSupplier nowTso;
  private final ConcurrentMap<Long, Long> heartbeats = new ConcurrentHashMap<>();

  /**
   * @param outcomes the outcome log (owned by the caller; not closed here)
   * @param lockTtl how long an undecided transaction counts as pending
   * @param nowTso the current TSO (the oracle, or {@code Tso.fromInstant(Instant.now())})
   */
  public SimTxnStatusService(
      final TxnOutcomeLog outcomes, final Duration lockTtl, final LongSupplier nowTso) {
    this.outcomes = Objects.requireNonNull(outcomes, "outcomes");
    this.nowTso = Objects.requireNonNull(nowTso, "nowTso");
    if (lockTtl.isNegative() || lockTtl.isZero()) {
      throw new IllegalArgumentException("lock TTL must be positive: " + lockTtl);
    }
    this.lockTtlMillis = lockTtl.toMillis();
  }

  public Duration lockTtl() {
    return Duration.ofMillis(lockTtlMillis);
  }

  /** The status of the transaction that started at {@code startTs}, as of now. */
  public TxnStatus status(final long startTs) {
    final Optional<TxnOutcome> outcome = outcomes.find(startTs);
    if (outcome.isPresent()) {
      return outcome.get().committed()
          ? new TxnStatus.Committed(outcome.get().commitTs())
          : new TxnStatus.RolledBack();
    }
    if (ageMillis(startTs, nowTso.getAsLong()) < lockTtlMillis) {
      return new TxnStatus.Pending();
    }
    return new TxnStatus.RolledBack();
  }

  /**
   * Whether the engine may still commit a transaction that started at {@code startTs}, at TSO
   * {@code nowTso} (normally its commit_ts): only while it is younger than half the lock TTL.
   */
  public boolean mayCommit(final long startTs, final long nowTso) {
    return ageMillis(startTs, nowTso) < lockTtlMillis / 2;
  }

  /** A heartbeat of the running transaction {@code startTs}: its lock lives on from now. */
  public void keepAlive(final long startTs) {
    heartbeats.put(startTs, nowTso.getAsLong());
  }

  /** The transaction ended (committed, rolled back or failed): no more heartbeats. */
  public void endKeepAlive(final long startTs) {
    heartbeats.remove(startTs);
  }

  /** Milliseconds from the later of start_ts and the last heartbeat to {@code nowTso}. */
  private long ageMillis(final long startTs, final long nowTso) {
    final Long beat = heartbeats.get(startTs);
    final long since = beat == null ? startTs : Math.max(startTs, beat);
    return Tso.physicalMillis(nowTso) - Tso.physicalMillis(since);
  }

  @Override
  public TxnStatus resolve(final long startTs, final byte[] primaryKey) {
    return status(startTs);
  }
}
