package io.kafkabinlog.ordering.pairing;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.common.tso.Tso;
import io.kafkabinlog.common.txnstatus.TxnStatus;
import io.kafkabinlog.common.txnstatus.TxnStatusResolver;
import io.kafkabinlog.ordering.observe.OrderingObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Architecture invariant 4: asks the {@link TxnStatusResolver} about prewrites pending longer than
 * {@code resolveAfter} and writes the missing commit or rollback; runs outside the topology, called
 * periodically by the application.
 *
 * <p>Age is measured by the start_ts's physical time, not by when stage 1 stored the prewrite, so a
 * prewrite restored after a restart is not made to wait again. A resolution is a plain commit or
 * rollback binlog in the prewrite's partition of the resolutions topic, which stage 1 applies only
 * to a start_ts that is pending at that moment. A duplicate (two passes saw the same prewrite
 * before stage 1 read the first resolution) or one that arrives after the pump's own commit or
 * rollback therefore changes nothing, and writing one is always safe to repeat.
 */
public final class PendingPrewriteResolver {
  private static final Logger LOG = LoggerFactory.getLogger(PendingPrewriteResolver.class);

  /** Most prewrites one pass looks at. */
  public static final int DEFAULT_BATCH = 1000;

  private final PendingView pending;
  private final TxnStatusResolver status;
  private final ResolutionWriter writer;
  private final Duration resolveAfter;
  private final OrderingObserver observer;
  private final Clock clock;
  private final int batch;

  /** start_ts -> wall-clock ms of the resolutions this resolver wrote recently. */
  private final java.util.Map<Long, Long> written = new java.util.HashMap<>();

  public PendingPrewriteResolver(
      final PendingView pending,
      final TxnStatusResolver status,
      final ResolutionWriter writer,
      final Duration resolveAfter,
      final OrderingObserver observer,
      final Clock clock) {
    this(pending, status, writer, resolveAfter, observer, clock, DEFAULT_BATCH);
  }

  public PendingPrewriteResolver(
      final PendingView pending,
      final TxnStatusResolver status,
      final ResolutionWriter writer,
      final Duration resolveAfter,
      final OrderingObserver observer,
      final Clock clock,
      final int batch) {
    if (batch < 1) {
      throw new IllegalArgumentException("batch must be >= 1, got " + batch);
    }
    this.pending = pending;
    this.status = status;
    this.writer = writer;
    this.resolveAfter = resolveAfter;
    this.observer = observer;
    this.clock = clock;
    this.batch = batch;
  }

  /**
   * One pass: resolves what is due, oldest first; returns how many resolutions were written. An
   * unreachable status service ends the pass early (one WARN; the next pass asks again). A failed
   * write ({@code KAFKA_UNAVAILABLE}) is thrown to the caller, and so is a commit_ts not above the
   * start_ts ({@code MALFORMED_INPUT}, nothing written).
   */
  public synchronized int resolveDue() {
    final long dueMillis = clock.millis() - resolveAfter.toMillis();
    if (dueMillis < 0) {
      return 0;
    }
    final List<PendingPrewrite> due = pending.pendingUpTo(Tso.compose(dueMillis, 0), batch);
    final long now = clock.millis();
    // A resolution written but not yet read by stage 1 (busy, e.g. with a huge transaction) is not
    // written again on every pass; after another resolve-after it is, in case it was lost.
    written.values().removeIf(at -> at <= now - resolveAfter.toMillis());
    int count = 0;
    for (final PendingPrewrite prewrite : due) {
      if (written.containsKey(prewrite.startTs())) {
        continue;
      }
      final TxnStatus answer;
      try {
        answer = status.resolve(prewrite.startTs(), prewrite.primaryKey());
      } catch (RetriableBinlogException e) {
        if (e.code() != ErrorCode.TXN_STATUS_UNAVAILABLE) {
          throw e;
        }
        LOG.warn(
            "resolving pending prewrites stopped after {} of {}: {}",
            count,
            due.size(),
            e.getMessage());
        return count;
      }
      final long commitTs;
      if (answer instanceof TxnStatus.Committed committed) {
        commitTs = committed.commitTs();
        if (commitTs <= prewrite.startTs()) {
          // Written, it would stop stage 1 at this record for good; refuse it here instead.
          throw new FatalBinlogException(
              ErrorCode.MALFORMED_INPUT,
              "transaction-status service says start_ts "
                  + prewrite.startTs()
                  + " committed at "
                  + commitTs
                  + ", which is not above its start_ts");
        }
      } else if (answer instanceof TxnStatus.RolledBack) {
        commitTs = 0;
      } else {
        continue;
      }
      writer.write(prewrite.partition(), prewrite.startTs(), commitTs);
      written.put(prewrite.startTs(), now);
      count++;
      LOG.info(
          "resolved pending prewrite start_ts {} of partition {}: {}",
          prewrite.startTs(),
          prewrite.partition(),
          commitTs == 0 ? "rolled back" : "committed at " + commitTs);
      observer.resolution(prewrite.partition(), prewrite.startTs(), commitTs);
    }
    return count;
  }
}
