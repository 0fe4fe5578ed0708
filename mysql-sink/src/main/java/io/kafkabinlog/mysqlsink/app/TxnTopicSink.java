package io.kafkabinlog.mysqlsink.app;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.mysqlsink.apply.ApplyLoop;
import io.kafkabinlog.mysqlsink.apply.DownstreamErrors;
import io.kafkabinlog.mysqlsink.apply.TxnAssembler;
import io.kafkabinlog.mysqlsink.apply.TxnEvent;
import io.kafkabinlog.mysqlsink.checkpoint.Checkpoint;
import io.kafkabinlog.mysqlsink.checkpoint.ProgressStore;
import io.kafkabinlog.mysqlsink.filter.TableFilter;
import io.kafkabinlog.mysqlsink.model.SinkTxn;
import io.kafkabinlog.mysqlsink.observe.SinkObserver;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transactional mode: applies the txn topic (one partition, whole transactions in commit_ts order)
 * to the downstream exactly once.
 *
 * <p>The downstream is the truth. On start the checkpoint is loaded; consumption begins at the
 * group's committed offset (the beginning if there is none; offsets are only ever committed at
 * transaction boundaries), transactions at or below the checkpoint are skipped, and those above it
 * that a previous run already committed are recognised by the appliers from the progress table.
 * Every {@code checkpointInterval} the checkpoint row advances to {@link ApplyLoop#watermark()}
 * (which follows the resolved-ts markers while nothing is in flight, so an idle stream's checkpoint
 * keeps moving), progress rows below it are cleaned up, and then the Kafka offset after the last
 * record that is fully applied is committed, for lag tools only.
 *
 * <p>{@link #run} runs on one thread; {@link #stop} may be called from any other. Not reusable.
 */
public final class TxnTopicSink implements Sink {
  private static final Logger LOG = LoggerFactory.getLogger(TxnTopicSink.class);
  private static final Duration POLL = Duration.ofMillis(200);

  /** Makes the apply loop once the checkpoint is known (its scheduler starts there). */
  @FunctionalInterface
  public interface ApplyLoopFactory {
    ApplyLoop open(long checkpointTs);
  }

  /** The offset after a record, committable once everything up to {@code commitTs} is applied. */
  private record Boundary(long commitTs, long nextOffset) {}

  private final Consumer<byte[], GenericRecord> consumer;
  private final TopicPartition partition;
  private final ProgressStore progress;
  private final TableFilter filter;
  private final ApplyLoopFactory loops;
  private final Duration checkpointInterval;
  private final Clock clock;
  private final SinkObserver observer;
  private final TxnAssembler assembler = new TxnAssembler();
  private final ArrayDeque<Boundary> boundaries = new ArrayDeque<>();
  private volatile boolean stopping;
  private volatile long checkpointTs = -1;
  private Checkpoint checkpoint;
  private long lastSeenCommitTs;
  private volatile long committedOffset = -1;
  private volatile ApplyLoop running;

  /**
   * @param consumer a consumer with a group id, auto commit off, {@code read_committed}, {@code
   *     auto.offset.reset=earliest}; this sink assigns it and closes it
   */
  public TxnTopicSink(
      final Consumer<byte[], GenericRecord> consumer,
      final String txnTopic,
      final ProgressStore progress,
      final TableFilter filter,
      final ApplyLoopFactory loops,
      final Duration checkpointInterval,
      final Clock clock) {
    this(consumer, txnTopic, progress, filter, loops, checkpointInterval, clock, SinkObserver.NONE);
  }

  /**
   * @param observer told of submissions, checkpoints and offset commits (status and metrics)
   */
  public TxnTopicSink(
      final Consumer<byte[], GenericRecord> consumer,
      final String txnTopic,
      final ProgressStore progress,
      final TableFilter filter,
      final ApplyLoopFactory loops,
      final Duration checkpointInterval,
      final Clock clock,
      final SinkObserver observer) {
    this.observer = Objects.requireNonNull(observer, "observer");
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    this.partition = new TopicPartition(txnTopic, 0);
    this.progress = Objects.requireNonNull(progress, "progress");
    this.filter = Objects.requireNonNull(filter, "filter");
    this.loops = Objects.requireNonNull(loops, "loops");
    this.checkpointInterval = Objects.requireNonNull(checkpointInterval, "checkpointInterval");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Applies the topic until {@link #stop}; then waits for the transactions in flight and writes a
   * final, consistent checkpoint.
   *
   * @throws RuntimeException the first failure (of a worker, the checkpoint or Kafka); the caller
   *     exits and a restart resumes from the checkpoint
   */
  @Override
  public void run() throws InterruptedException {
    try (consumer) {
      final Checkpoint loaded = load();
      // Not consistent while running: only a clean stop writes consistent=true.
      checkpoint = new Checkpoint(false, loaded.commitTs(), loaded.tsMap(), loaded.schemaVersion());
      checkpointTs = checkpoint.commitTs();
      observer.checkpoint(checkpointTs);
      lastSeenCommitTs = checkpoint.commitTs();
      LOG.info(
          "mysql-sink: checkpoint commit_ts {}; consuming {} from {}",
          checkpoint.commitTs(),
          partition,
          consumer.committed(java.util.Set.of(partition)).get(partition) == null
              ? "the beginning"
              : "the committed offset");
      consumer.assign(List.of(partition));
      try (ApplyLoop loop = loops.open(checkpoint.commitTs())) {
        running = loop;
        consume(loop);
        loop.awaitIdle();
        checkpoint =
            new Checkpoint(
                true, checkpoint.commitTs(), checkpoint.tsMap(), checkpoint.schemaVersion());
        advance(loop, true);
      }
    }
  }

  /** Ends {@link #run} gracefully; any thread. */
  @Override
  public void stop() {
    stopping = true;
    consumer.wakeup();
  }

  /** The commit_ts of the last checkpoint written (or loaded); -1 before the start. */
  @Override
  public long checkpointTs() {
    return checkpointTs;
  }

  /**
   * Everything at or below this commit_ts is committed downstream (the watermark the next
   * checkpoint write moves to; at least {@link #checkpointTs()}); any thread.
   */
  public long appliedTs() {
    final ApplyLoop loop = running;
    return loop == null ? checkpointTs : Math.max(checkpointTs, loop.watermark());
  }

  /** The Kafka offset last committed by this run; -1 before the first commit. */
  public long committedOffset() {
    return committedOffset;
  }

  private void consume(final ApplyLoop loop) throws InterruptedException {
    Instant nextCheckpoint = clock.instant().plus(checkpointInterval);
    while (!stopping) {
      try {
        for (ConsumerRecord<byte[], GenericRecord> record : consumer.poll(POLL)) {
          accept(loop, record);
        }
        // What one poll returned arrived together and may share downstream transactions.
        loop.flush();
        loop.checkHealthy();
      } catch (WakeupException e) {
        if (!stopping) {
          throw e;
        }
      }
      if (!clock.instant().isBefore(nextCheckpoint)) {
        advance(loop, false);
        nextCheckpoint = clock.instant().plus(checkpointInterval);
      }
    }
  }

  private void accept(final ApplyLoop loop, final ConsumerRecord<byte[], GenericRecord> record)
      throws InterruptedException {
    final Optional<TxnEvent> event = assembler.accept(record.value());
    if (event.isEmpty()) {
      return; // inside a transaction: no boundary to commit
    }
    if (event.get() instanceof TxnEvent.Complete complete) {
      final SinkTxn txn = complete.txn();
      if (txn.commitTs() > checkpoint.commitTs()) {
        // Filtered-out transactions still go through (with no rows) so the watermark passes them.
        final SinkTxn filtered = filter.apply(txn);
        observer.submitted(filtered);
        loop.submit(filtered);
      }
      lastSeenCommitTs = Math.max(lastSeenCommitTs, txn.commitTs());
    } else if (event.get() instanceof TxnEvent.Resolved marker
        && marker.resolvedTs() > checkpoint.commitTs()) {
      loop.resolved(marker.resolvedTs());
      lastSeenCommitTs = Math.max(lastSeenCommitTs, marker.resolvedTs());
    }
    boundaries.addLast(new Boundary(lastSeenCommitTs, record.offset() + 1));
  }

  /** Checkpoint to the watermark, clean up below it, then commit the offsets it covers. */
  private void advance(final ApplyLoop loop, final boolean force) {
    final long watermark = loop.watermark();
    if (watermark > checkpoint.commitTs() || force) {
      final Checkpoint next = checkpoint.withCommitTs(Math.max(watermark, checkpoint.commitTs()));
      try {
        progress.advance(next);
        progress.cleanup(next.commitTs());
      } catch (SQLException e) {
        if (!force && DownstreamErrors.isRetriable(e)) {
          // The downstream is away (the workers retry on their own): the stored checkpoint stays
          // behind, which is safe, and the next interval writes it again.
          LOG.warn(
              "cannot write the checkpoint at commit_ts {}, trying again in {} ms: {}",
              next.commitTs(),
              checkpointInterval.toMillis(),
              DownstreamErrors.describe(e));
          return;
        }
        throw new RetriableBinlogException(
            ErrorCode.DOWNSTREAM_UNAVAILABLE,
            "cannot write the checkpoint at commit_ts " + next.commitTs() + ": " + e,
            e);
      }
      checkpoint = next;
      checkpointTs = checkpoint.commitTs();
      observer.checkpoint(checkpointTs);
    }
    long offset = -1;
    while (!boundaries.isEmpty() && boundaries.peekFirst().commitTs() <= checkpoint.commitTs()) {
      offset = boundaries.pollFirst().nextOffset();
    }
    if (offset > committedOffset) {
      commit(Map.of(partition, new OffsetAndMetadata(offset)));
      committedOffset = offset;
      observer.offsetCommitted(offset);
    }
  }

  private void commit(final Map<TopicPartition, OffsetAndMetadata> offsets) {
    try {
      consumer.commitSync(offsets);
    } catch (WakeupException e) {
      if (!stopping) {
        throw e;
      }
      // stop()'s wakeup was meant for poll; it is spent now, so this commit goes through.
      consumer.commitSync(offsets);
    }
  }

  private Checkpoint load() {
    try {
      return progress.load();
    } catch (SQLException e) {
      throw new RetriableBinlogException(
          ErrorCode.DOWNSTREAM_UNAVAILABLE, "cannot read the checkpoint: " + e, e);
    }
  }
}
