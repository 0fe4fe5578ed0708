package io.kafkabinlog.mysqlsink.partitioned;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.mysqlsink.app.Sink;
import io.kafkabinlog.mysqlsink.apply.DownstreamErrors;
import io.kafkabinlog.mysqlsink.checkpoint.Checkpoint;
import io.kafkabinlog.mysqlsink.checkpoint.PartitionPosition;
import io.kafkabinlog.mysqlsink.checkpoint.PartitionProgressStore;
import io.kafkabinlog.mysqlsink.checkpoint.ProgressStore;
import io.kafkabinlog.mysqlsink.filter.TableFilter;
import io.kafkabinlog.mysqlsink.observe.SinkObserver;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Partitioned mode: applies the rows topic as one member of a consumer group, partition by
 * partition, with per-table atomicity (a table's part of an upstream transaction is one downstream
 * transaction). Members scale the sink: adding one moves partitions to it.
 *
 * <p>The downstream is the truth, as in the transactional mode. Each partition's {@link
 * PartitionPosition} is in the progress table, moved in the same downstream transaction as the rows
 * it covers, so that re-delivered records (after a crash or a rebalance) are recognised and
 * skipped; see {@link PartitionProgressStore}. On assignment a partition resumes from the later of
 * its stored next offset and the group's committed offset; records at or below its stored commit_ts
 * are skipped. Kafka offsets are committed after the progress is written (for lag tools and as a
 * second resume hint), periodically and when a partition is revoked.
 *
 * <p>Every assigned partition is a {@link PartitionLane} applied by a pool of {@code worker-count}
 * threads; this (polling) thread only assembles records into items, pauses partitions whose lane is
 * {@value #PAUSE_AT} items or {@value #PAUSE_AT_ROWS} rows behind (and resumes them at {@value
 * #RESUME_AT} and {@value #RESUME_AT_ROWS}), writes progress, and decides DDL barriers, so the poll
 * loop never blocks for long ({@code max.poll.interval.ms}). It also moves the compatible
 * checkpoint row to the minimum progress over all partitions of the topic, read from the progress
 * table (other members' partitions included); see {@link ProgressFloor}.
 *
 * <p>On revocation (and on stop) a lane's queued items are dropped, the item being applied is
 * finished, its progress is written and its offset committed. A member that is too slow to finish
 * is fenced by the progress row's lock.
 */
public final class PartitionedSink implements Sink {
  private static final Logger LOG = LoggerFactory.getLogger(PartitionedSink.class);

  private static final Duration POLL = Duration.ofMillis(100);

  /** While a lane waits on a DDL barrier: the barrier is decided after each (shorter) poll. */
  private static final Duration POLL_WAITING = Duration.ofMillis(20);

  private static final Duration TOPIC_WAIT = Duration.ofSeconds(1);

  /** How long a revoked lane may take to finish the item it is applying. */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

  private static final Duration WAIT_REPORT = Duration.ofSeconds(10);

  static final int PAUSE_AT = 2_000;
  static final int RESUME_AT = 500;

  /** The same bound in row changes: items may be large transactions' parts. */
  static final long PAUSE_AT_ROWS = 100_000;

  static final long RESUME_AT_ROWS = 25_000;

  /**
   * The sink's cadence.
   *
   * @param workers threads applying lanes ({@code worker-count})
   * @param progressInterval how often positions known only in memory (markers, skipped records) are
   *     written to the progress table
   * @param checkpointInterval how often the compatible checkpoint row and Kafka offsets advance
   */
  public record Settings(int workers, Duration progressInterval, Duration checkpointInterval) {
    public Settings {
      if (workers < 1) {
        throw new IllegalArgumentException("workers must be >= 1: " + workers);
      }
      Objects.requireNonNull(progressInterval, "progressInterval");
      Objects.requireNonNull(checkpointInterval, "checkpointInterval");
    }
  }

  private final Consumer<byte[], GenericRecord> consumer;
  private final String topic;
  private final ProgressStore progress;
  private final PartitionProgressStore partitions;
  private final TableFilter filter;
  private final PartitionLane.Work work;
  private final Runnable onAssigned;
  private final Settings settings;
  private final Clock clock;
  private final SinkObserver observer;

  // Polling thread only.
  private final Map<Integer, PartitionLane> lanes = new TreeMap<>();
  private final Map<Integer, RowsAssembler> assemblers = new HashMap<>();
  private final Map<Integer, Long> committedOffsets = new HashMap<>();
  private final Set<Integer> paused = new HashSet<>();
  private Checkpoint loaded;
  private Instant nextWaitReport;
  private ProgressFloor floor;
  private ExecutorService pool;

  private final Map<Integer, PartitionPosition> owned = new ConcurrentHashMap<>();
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  private volatile boolean stopping;
  private volatile long checkpointTs = -1;

  /**
   * @param consumer a consumer with a group id, auto commit off, {@code read_committed}, {@code
   *     auto.offset.reset=earliest}; this sink subscribes it and closes it
   * @param onAssigned called before partitions are taken on (another member may have changed their
   *     tables: the downstream key cache is dropped)
   */
  PartitionedSink(
      final Consumer<byte[], GenericRecord> consumer,
      final String rowsTopic,
      final ProgressStore progress,
      final PartitionProgressStore partitions,
      final TableFilter filter,
      final PartitionLane.Work work,
      final Runnable onAssigned,
      final Settings settings,
      final Clock clock,
      final SinkObserver observer) {
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    this.topic = Objects.requireNonNull(rowsTopic, "rowsTopic");
    this.progress = Objects.requireNonNull(progress, "progress");
    this.partitions = Objects.requireNonNull(partitions, "partitions");
    this.filter = Objects.requireNonNull(filter, "filter");
    this.work = Objects.requireNonNull(work, "work");
    this.onAssigned = Objects.requireNonNull(onAssigned, "onAssigned");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  @Override
  public void run() throws InterruptedException {
    try (consumer) {
      loaded = sql("read the checkpoint", progress::load);
      // A row to lock: members locking a missing row's gap to insert it deadlock each other.
      sql(
          "create the checkpoint row",
          () -> {
            partitions.ensureCheckpoint(progress, loaded);
            return null;
          });
      checkpointTs = loaded.commitTs();
      observer.checkpoint(checkpointTs);
      final int count = partitionCount();
      if (count < 0) {
        return; // stopped before the topic existed
      }
      floor = new ProgressFloor(count, loaded.commitTs());
      LOG.info(
          "mysql-sink (partitioned): checkpoint commit_ts {}; consuming {} ({} partitions) in the"
              + " group",
          loaded.commitTs(),
          topic,
          count);
      final AtomicInteger threads = new AtomicInteger();
      pool =
          Executors.newFixedThreadPool(
              settings.workers(),
              r -> new Thread(r, "mysql-sink-lane-" + threads.incrementAndGet()));
      try {
        consumer.subscribe(List.of(topic), new Listener());
        consume();
        throwIfFailed();
        release(new ArrayList<>(lanes.keySet()), true);
        advanceCheckpoint();
      } finally {
        pool.shutdownNow();
        if (!pool.awaitTermination(CLOSE_WAIT.toSeconds(), TimeUnit.SECONDS)) {
          LOG.warn("apply workers did not stop within {}", CLOSE_WAIT);
        }
      }
    }
  }

  @Override
  public void stop() {
    // No consumer.wakeup(): it could break a commit in flight; the poll returns within POLL.
    stopping = true;
  }

  @Override
  public long checkpointTs() {
    return checkpointTs;
  }

  /** This member's partitions and their positions as of the last poll loop (any thread). */
  public Map<Integer, PartitionPosition> ownedPartitions() {
    return Map.copyOf(owned);
  }

  private void consume() {
    final Instant start = clock.instant();
    Instant nextProgress = start.plus(settings.progressInterval());
    Instant nextCheckpoint = start.plus(settings.checkpointInterval());
    while (!stopping) {
      throwIfFailed();
      final boolean waiting = anyWaiting();
      for (ConsumerRecord<byte[], GenericRecord> record :
          consumer.poll(waiting ? POLL_WAITING : POLL)) {
        accept(record);
      }
      throwIfFailed();
      flowControl();
      final Instant now = clock.instant();
      final boolean barrier = anyWaiting();
      if (!barrier) {
        nextWaitReport = null;
      }
      try {
        if (barrier || !now.isBefore(nextProgress)) {
          flushProgress(lanes.values());
          nextProgress = now.plus(settings.progressInterval());
        }
        if (barrier) {
          final long f = floorNow();
          for (PartitionLane lane : lanes.values()) {
            lane.release(f);
          }
          reportLongWaits(now, f);
        }
        if (!now.isBefore(nextCheckpoint)) {
          nextCheckpoint = now.plus(settings.checkpointInterval());
          advanceCheckpoint();
          commitOffsets(lanes.values());
        }
      } catch (RetriableBinlogException e) {
        // Bookkeeping only (the positions stay in memory): try again on the next turn. A real
        // outage stops the lanes' own work after its retries, and with it the sink.
        if (!(e.getCause() instanceof SQLException sql) || !DownstreamErrors.isRetriable(sql)) {
          throw e;
        }
        LOG.warn("progress bookkeeping failed, retried on the next turn: {}", e.getMessage());
      }
      report();
    }
  }

  private void accept(final ConsumerRecord<byte[], GenericRecord> record) {
    final PartitionLane lane = lanes.get(record.partition());
    if (lane == null) {
      return; // revoked since the fetch
    }
    assemblers
        .get(record.partition())
        .accept(record.offset(), record.value())
        .ifPresent(lane::offer);
  }

  private boolean anyWaiting() {
    for (PartitionLane lane : lanes.values()) {
      if (lane.waitingDdl() >= 0) {
        return true;
      }
    }
    return false;
  }

  private void flowControl() {
    final List<TopicPartition> pause = new ArrayList<>();
    final List<TopicPartition> resume = new ArrayList<>();
    for (PartitionLane lane : lanes.values()) {
      final int queued = lane.queued();
      final long rows = lane.queuedRows();
      final int p = lane.partition();
      if ((queued >= PAUSE_AT || rows >= PAUSE_AT_ROWS) && paused.add(p)) {
        pause.add(new TopicPartition(topic, p));
      } else if (queued <= RESUME_AT && rows <= RESUME_AT_ROWS && paused.remove(p)) {
        resume.add(new TopicPartition(topic, p));
      }
    }
    if (!pause.isEmpty()) {
      consumer.pause(pause);
    }
    if (!resume.isEmpty()) {
      consumer.resume(resume);
    }
  }

  /** Writes the positions known only in memory to the progress table. */
  private void flushProgress(final Collection<PartitionLane> which) {
    final Map<Integer, PartitionPosition> changed = new TreeMap<>();
    for (PartitionLane lane : which) {
      lane.progress().unflushed().ifPresent(position -> changed.put(lane.partition(), position));
    }
    if (changed.isEmpty()) {
      return;
    }
    sql(
        "write partition progress",
        () -> {
          partitions.advance(changed);
          return null;
        });
    for (PartitionLane lane : which) {
      final PartitionPosition written = changed.get(lane.partition());
      if (written != null) {
        lane.progress().flushed(written);
      }
    }
  }

  /** Every {@link #WAIT_REPORT}: which DDL waits for which partitions (an operator's question). */
  private void reportLongWaits(final Instant now, final long floorTs) {
    if (nextWaitReport == null) {
      nextWaitReport = now.plus(WAIT_REPORT);
      return;
    }
    if (now.isBefore(nextWaitReport)) {
      return;
    }
    nextWaitReport = now.plus(WAIT_REPORT);
    Map<Integer, PartitionPosition> stored = null;
    for (PartitionLane lane : lanes.values()) {
      final long ddl = lane.waitingDdl();
      if (ddl >= 0) {
        if (stored == null) {
          // Read once for every waiting lane of this report.
          stored = sql("read partition progress", partitions::all);
        }
        LOG.info(
            "partition {} waits with the DDL at commit_ts {} for every partition to reach {};"
                + " the minimum is {}, stored positions {}",
            lane.partition(),
            ddl,
            ddl - 1,
            floorTs,
            stored);
      }
    }
  }

  /** The minimum progress over all partitions: the stored rows, raised by this member's own. */
  private long floorNow() {
    final Map<Integer, PartitionPosition> stored = sql("read partition progress", partitions::all);
    final Map<Integer, Long> local = new HashMap<>();
    for (PartitionLane lane : lanes.values()) {
      local.put(lane.partition(), lane.progress().position().commitTs());
    }
    return floor.of(stored, local);
  }

  private void advanceCheckpoint() {
    flushProgress(lanes.values());
    final long f = floorNow();
    final long written =
        sql("write the checkpoint", () -> partitions.advanceCheckpoint(progress, loaded, f));
    if (written != checkpointTs) {
      checkpointTs = written;
      observer.checkpoint(written);
      sql("clean up progress rows", () -> progress.cleanup(written));
    }
  }

  /** Commits the lanes' applied offsets (after their progress is written). */
  private void commitOffsets(final Collection<PartitionLane> which) {
    final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (PartitionLane lane : which) {
      final long next = lane.progress().position().nextOffset();
      if (next > committedOffsets.getOrDefault(lane.partition(), -1L)) {
        offsets.put(new TopicPartition(topic, lane.partition()), new OffsetAndMetadata(next));
      }
    }
    if (offsets.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(offsets);
      offsets.forEach((tp, offset) -> committedOffsets.put(tp.partition(), offset.offset()));
    } catch (CommitFailedException | RebalanceInProgressException e) {
      // Offsets are a hint: the progress table has the positions, and the next owner reads them.
      LOG.info("offsets not committed during a rebalance: {}", e.getMessage());
    }
  }

  private void report() {
    for (PartitionLane lane : lanes.values()) {
      final PartitionPosition position = lane.progress().position();
      owned.put(lane.partition(), position);
      observer.partitionProgress(
          lane.partition(), position.commitTs(), position.nextOffset(), lane.queued());
    }
  }

  private void assign(final Collection<TopicPartition> assigned) {
    if (assigned.isEmpty()) {
      return;
    }
    onAssigned.run();
    final Map<TopicPartition, OffsetAndMetadata> committed =
        consumer.committed(new HashSet<>(assigned));
    for (TopicPartition tp : assigned) {
      final int p = tp.partition();
      final PartitionPosition stored =
          sql("read partition progress", () -> partitions.ensure(p, loaded.commitTs()));
      final OffsetAndMetadata kafka = committed.get(tp);
      final long kafkaOffset = kafka == null ? -1 : kafka.offset();
      final long start = Math.max(stored.nextOffset(), kafkaOffset);
      if (start >= 0) {
        consumer.seek(tp, start);
      }
      committedOffsets.put(p, kafkaOffset);
      assemblers.put(p, new RowsAssembler());
      lanes.put(
          p,
          new PartitionLane(
              p, floor.partitions(), stored, work, filter, observer, pool, this::fail));
      owned.put(p, stored);
      LOG.info(
          "partition {} assigned: from {}, applied at or below commit_ts {}",
          tp,
          start >= 0 ? "offset " + start : "the beginning",
          stored.commitTs());
    }
  }

  /** Stops the partitions' lanes, writes their progress and (if {@code commit}) their offsets. */
  private void release(final Collection<Integer> which, final boolean commit) {
    final List<PartitionLane> leaving = new ArrayList<>();
    for (int p : which) {
      final PartitionLane lane = lanes.remove(p);
      if (lane != null) {
        leaving.add(lane);
      }
      assemblers.remove(p);
      paused.remove(p);
      owned.remove(p);
    }
    if (leaving.isEmpty()) {
      return;
    }
    // All stop at once, then each gets what is left of one CLOSE_WAIT: max.poll.interval.ms.
    leaving.forEach(PartitionLane::stopAccepting);
    final long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
    for (PartitionLane lane : leaving) {
      try {
        if (!lane.awaitIdle(deadline)) {
          LOG.warn(
              "partition {} did not finish its transaction within {}; released anyway",
              lane.partition(),
              CLOSE_WAIT);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RetriableBinlogException(
            ErrorCode.SHUTTING_DOWN, "interrupted while releasing partitions", e);
      }
    }
    flushProgress(leaving);
    if (commit) {
      commitOffsets(leaving);
    }
    for (PartitionLane lane : leaving) {
      committedOffsets.remove(lane.partition());
      observer.partitionReleased(lane.partition());
      LOG.info(
          "partition {}-{} released at {}", topic, lane.partition(), lane.progress().position());
    }
  }

  private final class Listener implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(final Collection<TopicPartition> assigned) {
      assign(assigned);
    }

    @Override
    public void onPartitionsRevoked(final Collection<TopicPartition> revoked) {
      release(revoked.stream().map(TopicPartition::partition).toList(), true);
    }

    @Override
    public void onPartitionsLost(final Collection<TopicPartition> lost) {
      // Another member may own them already: no offset commit, the progress rows are still true.
      release(lost.stream().map(TopicPartition::partition).toList(), false);
    }
  }

  /** The topic's partition count once it exists; -1 if stopped before. */
  private int partitionCount() throws InterruptedException {
    boolean logged = false;
    while (!stopping) {
      final List<PartitionInfo> infos = consumer.partitionsFor(topic);
      if (infos != null && !infos.isEmpty()) {
        return infos.size();
      }
      if (!logged) {
        LOG.info("waiting for the topic {} to exist", topic);
        logged = true;
      }
      Thread.sleep(TOPIC_WAIT.toMillis());
    }
    return -1;
  }

  private void fail(final RuntimeException e) {
    failure.compareAndSet(null, e);
  }

  private void throwIfFailed() {
    final RuntimeException e = failure.get();
    if (e != null) {
      throw e;
    }
  }

  @FunctionalInterface
  private interface SqlWork<T> {
    T run() throws SQLException;
  }

  private static <T> T sql(final String what, final SqlWork<T> work) {
    try {
      return work.run();
    } catch (SQLException e) {
      throw new RetriableBinlogException(
          ErrorCode.DOWNSTREAM_UNAVAILABLE, "cannot " + what + ": " + e, e);
    }
  }
}
