package io.kafkabinlog.ordering.metrics;

import io.kafkabinlog.common.tso.Tso;
import io.kafkabinlog.ordering.observe.OrderingObserver;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The ordering stream's status and Prometheus metrics: the stages report through {@link
 * OrderingObserver}, the application adds the Kafka Streams state and the resolver's passes.
 * Thread-safe and cheap: stream threads and the resolver's thread call it concurrently, and every
 * call is a few atomic updates.
 *
 * <p>Metric names follow the original drainer's in spirit: {@code binlog_ordering_checkpoint_tso}
 * is W in physical milliseconds and {@code binlog_ordering_checkpoint_delay_seconds} its distance
 * from the wall clock, as {@code binlog_drainer_checkpoint_tso} and {@code
 * binlog_drainer_checkpoint_delay_seconds} were for the drainer's checkpoint. {@code
 * binlog_ordering_resolved_ts} and {@code binlog_ordering_pump_watermark} are whole TSOs, so the
 * two compare directly (a float64 keeps the millisecond exact; the logical part is rounded).
 * Counters get the {@code _total} suffix of the exposition format.
 */
public final class OrderingMetrics implements OrderingObserver {
  /** Outcomes of {@code binlog_ordering_resolutions_total}. */
  static final String COMMITTED = "committed";

  static final String ROLLED_BACK = "rolled_back";

  private final PrometheusRegistry registry;
  private final Clock clock;

  private final AtomicReference<String> streamsState =
      new AtomicReference<>(KafkaStreams.State.CREATED.name());
  private final AtomicReference<String> error = new AtomicReference<>("");
  private final AtomicLong resolvedTs = new AtomicLong();
  private final AtomicLong heartbeatTs = new AtomicLong();
  private final AtomicInteger buffered = new AtomicInteger();
  private final AtomicLong schemaVersion = new AtomicLong();
  private final AtomicReference<String> resolverError = new AtomicReference<>("");
  private final Map<Integer, OrderingStatus.Pump> pumps = new ConcurrentSkipListMap<>();

  private final Counter publishedTxns;
  private final Counter publishedRows;
  private final Counter ddlJobs;
  private final Counter duplicates;
  private final Counter orphanCommits;
  private final Counter rollbacks;
  private final Counter resolutions;
  private final Counter deadLettered;
  private final Counter chunkProblems;
  private final Counter resolverPasses;
  private final Counter resolverFailures;

  public OrderingMetrics(final PrometheusRegistry registry, final Clock clock) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.clock = Objects.requireNonNull(clock, "clock");
    publishedTxns = counter("binlog_ordering_published_txns", "transactions published");
    publishedRows = counter("binlog_ordering_published_rows", "row changes published");
    ddlJobs = counter("binlog_ordering_ddl_jobs", "DDL jobs applied to the schema history");
    duplicates =
        counter(
            "binlog_ordering_duplicates",
            "exact duplicates (same start_ts and commit_ts from another pump) dropped");
    orphanCommits =
        counter(
            "binlog_ordering_orphan_commits",
            "commit binlogs whose prewrite is not in their partition");
    rollbacks =
        counter(
            "binlog_ordering_rollbacks", "prewrites dropped by a rollback binlog or resolution");
    resolutions =
        Counter.builder()
            .name("binlog_ordering_resolutions")
            .help("commits or rollbacks the resolver wrote for pending prewrites, by outcome")
            .labelNames("outcome")
            .register(registry);
    resolutions.labelValues(COMMITTED);
    resolutions.labelValues(ROLLED_BACK);
    deadLettered =
        counter("binlog_ordering_dead_lettered", "transactions diverted to the dead-letter topic");
    chunkProblems =
        counter("binlog_ordering_chunk_problems", "chunk groups abandoned or rejected by stage 1");
    resolverPasses =
        counter("binlog_ordering_resolver_passes", "passes of the resolver over pending prewrites");
    resolverFailures =
        counter(
            "binlog_ordering_resolver_failures",
            "resolver passes that failed (status service or Kafka unreachable)");
    bindGauges();
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  private Counter counter(final String name, final String help) {
    return Counter.builder().name(name).help(help).register(registry);
  }

  private void bindGauges() {
    GaugeWithCallback.builder()
        .name("binlog_ordering_resolved_ts")
        .help("W, the resolved ts (a TSO): every transaction at or below it is published")
        .callback(cb -> cb.call(resolvedTs.get()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("binlog_ordering_checkpoint_tso")
        .help("W in physical milliseconds (as binlog_drainer_checkpoint_tso)")
        .callback(cb -> cb.call(Tso.physicalMillis(resolvedTs.get())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("binlog_ordering_checkpoint_delay_seconds")
        .help("wall clock minus W's physical time (0 before the first W)")
        .callback(cb -> cb.call(lagMillis(resolvedTs.get()) / 1e3))
        .register(registry);
    GaugeWithCallback.builder()
        .name("binlog_ordering_heartbeat_ts")
        .help("the newest control heartbeat stage 2 has read (a TSO)")
        .callback(cb -> cb.call(heartbeatTs.get()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("binlog_ordering_pump_watermark")
        .help("M_p of each raw partition (a TSO), as stage 1 last sent it")
        .labelNames("partition")
        .callback(cb -> pumps.values().forEach(p -> cb.call(p.watermark(), label(p.partition()))))
        .register(registry);
    GaugeWithCallback.builder()
        .name("binlog_ordering_pending_prewrites")
        .help("prewrites stage 1 holds without their commit, per raw partition")
        .labelNames("partition")
        .callback(
            cb -> pumps.values().forEach(p -> cb.call(p.pendingPrewrites(), label(p.partition()))))
        .register(registry);
    GaugeWithCallback.builder()
        .name("binlog_ordering_oldest_pending_age_seconds")
        .help("age of the oldest pending prewrite per raw partition, from its start_ts (0: none)")
        .labelNames("partition")
        .callback(
            cb ->
                pumps
                    .values()
                    .forEach(
                        p ->
                            cb.call(
                                lagMillis(p.oldestPendingStartTs()) / 1e3, label(p.partition()))))
        .register(registry);
    GaugeWithCallback.builder()
        .name("binlog_ordering_buffered_txns")
        .help("committed transactions in stage 2's buffer, waiting for W to pass them")
        .callback(cb -> cb.call(buffered.get()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("binlog_ordering_schema_version")
        .help("schema version of the newest DDL job applied")
        .callback(cb -> cb.call(schemaVersion.get()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("binlog_ordering_streams_state")
        .help("1 for the Kafka Streams client's current state")
        .labelNames("state")
        .callback(
            cb -> {
              final String current = streamsState.get();
              for (final KafkaStreams.State state : KafkaStreams.State.values()) {
                cb.call(state.name().equals(current) ? 1 : 0, state.name());
              }
            })
        .register(registry);
  }

  private static String label(final int partition) {
    return Integer.toString(partition);
  }

  /** Wall clock minus the TSO's physical time, 0 for an unknown (0) TSO. */
  private long lagMillis(final long tso) {
    return tso == 0 ? 0 : Math.max(0, clock.millis() - Tso.physicalMillis(tso));
  }

  // ---- the application ----

  /** The Kafka Streams client changed state. */
  public void streamsState(final KafkaStreams.State state) {
    streamsState.set(state.name());
  }

  /** The stream stopped with an error; the first one is kept. */
  public void failed(final String message) {
    error.compareAndSet("", message == null || message.isEmpty() ? "unknown error" : message);
  }

  /** A resolver pass ended; {@code written} resolutions. */
  public void resolverPass(final int written) {
    resolverPasses.inc();
    resolverError.set("");
  }

  /** A resolver pass failed and is retried on the next interval. */
  public void resolverFailed(final String message) {
    resolverPasses.inc();
    resolverFailures.inc();
    resolverError.set(message == null ? "" : message);
  }

  // ---- stage 1 ----

  @Override
  public void pumpWatermark(final int partition, final long ts) {
    update(
        partition,
        p ->
            new OrderingStatus.Pump(
                partition, ts, p.pendingPrewrites(), p.oldestPendingStartTs(), p.member()));
  }

  @Override
  public void pendingPrewrites(final int partition, final int count, final long oldestStartTs) {
    update(
        partition,
        p ->
            new OrderingStatus.Pump(
                partition, p.watermark(), count, count == 0 ? 0 : oldestStartTs, p.member()));
  }

  @Override
  public void orphanCommit(final int partition, final long startTs, final long commitTs) {
    orphanCommits.inc();
  }

  @Override
  public void rolledBack(final int partition, final long startTs) {
    rollbacks.inc();
  }

  @Override
  public void chunkProblem(final int partition, final String reason) {
    chunkProblems.inc();
  }

  @Override
  public void resolution(final int partition, final long startTs, final long commitTs) {
    resolutions.labelValues(commitTs == 0 ? ROLLED_BACK : COMMITTED).inc();
  }

  // ---- stage 2 ----

  @Override
  public void member(
      final int partition, final String nodeId, final long effectiveTs, final boolean leaving) {
    final OrderingStatus.Member member = new OrderingStatus.Member(nodeId, effectiveTs, leaving);
    update(
        partition,
        p ->
            new OrderingStatus.Pump(
                partition,
                p.watermark(),
                p.pendingPrewrites(),
                p.oldestPendingStartTs(),
                Optional.of(member)));
  }

  @Override
  public void memberLeft(final int partition, final String nodeId) {
    update(
        partition,
        p ->
            new OrderingStatus.Pump(
                partition,
                p.watermark(),
                p.pendingPrewrites(),
                p.oldestPendingStartTs(),
                Optional.empty()));
  }

  @Override
  public void heartbeat(final long ts) {
    heartbeatTs.accumulateAndGet(ts, Math::max);
  }

  @Override
  public void resolvedTs(final long ts) {
    resolvedTs.accumulateAndGet(ts, Math::max);
  }

  @Override
  public void duplicate(final long startTs, final long commitTs) {
    duplicates.inc();
  }

  @Override
  public void buffered(final int transactions) {
    buffered.set(transactions);
  }

  // ---- stage 3 ----

  @Override
  public void published(
      final long commitTs, final long startTs, final int rows, final boolean ddl) {
    publishedTxns.inc();
    if (rows > 0) {
      publishedRows.inc(rows);
    }
  }

  @Override
  public void deadLettered(final long commitTs, final long startTs, final String reason) {
    deadLettered.inc();
  }

  @Override
  public void ddlApplied(final long jobId, final long version) {
    ddlJobs.inc();
    schemaVersion.accumulateAndGet(version, Math::max);
  }

  // ---- reading ----

  /** Everything at once, for {@code GET /status}. */
  public OrderingStatus snapshot() {
    final List<OrderingStatus.Pump> partitions = new ArrayList<>(pumps.values());
    return new OrderingStatus(
        clock.millis(),
        streamsState.get(),
        error.get(),
        resolvedTs.get(),
        heartbeatTs.get(),
        buffered.get(),
        partitions,
        new OrderingStatus.Resolver(
            resolutions.labelValues(COMMITTED).getLongValue(),
            resolutions.labelValues(ROLLED_BACK).getLongValue(),
            resolverPasses.getLongValue(),
            resolverFailures.getLongValue(),
            resolverError.get()),
        new OrderingStatus.Counts(
            publishedTxns.getLongValue(),
            publishedRows.getLongValue(),
            ddlJobs.getLongValue(),
            duplicates.getLongValue(),
            orphanCommits.getLongValue(),
            rollbacks.getLongValue(),
            deadLettered.getLongValue(),
            chunkProblems.getLongValue()),
        schemaVersion.get());
  }

  /** Compute may run {@code change} more than once under contention: it must stay pure. */
  private void update(final int partition, final UnaryOperator<OrderingStatus.Pump> change) {
    pumps.compute(
        partition,
        (key, old) ->
            change.apply(
                old == null ? new OrderingStatus.Pump(partition, 0, 0, 0, Optional.empty()) : old));
  }
}
