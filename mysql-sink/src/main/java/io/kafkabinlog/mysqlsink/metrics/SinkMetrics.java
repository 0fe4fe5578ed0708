package io.kafkabinlog.mysqlsink.metrics;

import io.kafkabinlog.common.tso.Tso;
import io.kafkabinlog.mysqlsink.apply.ApplyOutcome;
import io.kafkabinlog.mysqlsink.model.RowChange;
import io.kafkabinlog.mysqlsink.model.SinkTxn;
import io.kafkabinlog.mysqlsink.observe.SinkObserver;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The mysql-sink's status and Prometheus metrics, fed through {@link SinkObserver}.
 *
 * <p>As the original drainer's: {@code binlog_mysql_sink_checkpoint_tso} is the checkpoint's
 * physical time in milliseconds and {@code binlog_mysql_sink_checkpoint_delay_seconds} its distance
 * from the wall clock (as {@code binlog_drainer_checkpoint_tso} and {@code
 * binlog_drainer_checkpoint_delay_seconds}). Rows are counted only when executed, so a replay of
 * already applied transactions does not inflate rows/s.
 */
public final class SinkMetrics implements SinkObserver {
  /** Outcome labels of {@code binlog_mysql_sink_txns_total}. */
  static final String APPLIED = "applied";

  static final String RECORDED_ONLY = "recorded_only";
  static final String ALREADY_APPLIED = "already_applied";
  static final String FAILED = "failed";

  private final PrometheusRegistry registry;
  private final Clock clock;
  private final AtomicLong checkpointTs = new AtomicLong();
  private final AtomicLong committedOffset = new AtomicLong(-1);
  private final AtomicLong inFlight = new AtomicLong();
  private final AtomicReference<String> lastError = new AtomicReference<>("");
  private final Map<Integer, SinkStatus.PartitionStatus> partitions = new ConcurrentSkipListMap<>();
  private final Counter txns;
  private final Counter rows;
  private final Counter retries;
  private final Histogram applyDuration;
  private final Map<RowChange.ChangeType, CounterDataPoint> rowsByType =
      new EnumMap<>(RowChange.ChangeType.class);

  public SinkMetrics(final PrometheusRegistry registry, final Clock clock) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.clock = Objects.requireNonNull(clock, "clock");
    txns =
        Counter.builder()
            .name("binlog_mysql_sink_txns")
            .help(
                "upstream transactions by outcome (applied, recorded_only, already_applied,"
                    + " failed)")
            .labelNames("outcome")
            .register(registry);
    for (final String outcome : new String[] {APPLIED, RECORDED_ONLY, ALREADY_APPLIED, FAILED}) {
      txns.labelValues(outcome);
    }
    rows =
        Counter.builder()
            .name("binlog_mysql_sink_rows")
            .help("row changes executed downstream by type (insert, update, delete)")
            .labelNames("type")
            .register(registry);
    for (final RowChange.ChangeType type : RowChange.ChangeType.values()) {
      rowsByType.put(type, rows.labelValues(type.name().toLowerCase(Locale.ROOT)));
    }
    retries =
        Counter.builder()
            .name("binlog_mysql_sink_retries")
            .help("downstream retries after a deadlock, lock wait timeout or lost connection")
            .register(registry);
    applyDuration =
        Histogram.builder()
            .name("binlog_mysql_sink_apply_duration_seconds")
            .help("time to apply one upstream transaction downstream, retries included")
            .classicOnly()
            .classicExponentialUpperBounds(0.0005, 2, 16)
            .register(registry);
    GaugeWithCallback.builder()
        .name("binlog_mysql_sink_checkpoint_tso")
        .help(
            "the checkpoint's commit_ts in physical milliseconds (as binlog_drainer_checkpoint_tso)")
        .callback(cb -> cb.call(Tso.physicalMillis(checkpointTs.get())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("binlog_mysql_sink_checkpoint_delay_seconds")
        .help("wall clock minus the checkpoint's physical time (0 before the first checkpoint)")
        .callback(cb -> cb.call(lagMillis(checkpointTs.get()) / 1e3))
        .register(registry);
    GaugeWithCallback.builder()
        .name("binlog_mysql_sink_in_flight_txns")
        .help("transactions handed to the apply loop and not finished")
        .callback(cb -> cb.call(inFlight.get()))
        .register(registry);
    registerPartitionGauges();
  }

  /** The partitioned mode's gauges, one series per partition this member applies. */
  private void registerPartitionGauges() {
    GaugeWithCallback.builder()
        .name("binlog_mysql_sink_partition_checkpoint_tso")
        .help(
            "partitioned mode: physical milliseconds of the commit_ts at or below which this"
                + " member's rows-topic partition is applied")
        .labelNames("partition")
        .callback(
            cb ->
                partitions
                    .values()
                    .forEach(
                        p ->
                            cb.call(
                                Tso.physicalMillis(p.commitTs()), String.valueOf(p.partition()))))
        .register(registry);
    GaugeWithCallback.builder()
        .name("binlog_mysql_sink_partition_next_offset")
        .help("partitioned mode: the rows-topic offset after the partition's last applied record")
        .labelNames("partition")
        .callback(
            cb ->
                partitions
                    .values()
                    .forEach(p -> cb.call(p.nextOffset(), String.valueOf(p.partition()))))
        .register(registry);
    GaugeWithCallback.builder()
        .name("binlog_mysql_sink_partition_queued")
        .help("partitioned mode: items fetched from the partition and not applied yet")
        .labelNames("partition")
        .callback(
            cb ->
                partitions
                    .values()
                    .forEach(p -> cb.call(p.queued(), String.valueOf(p.partition()))))
        .register(registry);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  /** Wall clock minus the TSO's physical time; 0 for an unknown (0) TSO. */
  private long lagMillis(final long tso) {
    return tso <= 0 ? 0 : Math.max(0, clock.millis() - Tso.physicalMillis(tso));
  }

  @Override
  public void submitted(final SinkTxn txn) {
    inFlight.incrementAndGet();
  }

  @Override
  public void applied(final SinkTxn txn, final ApplyOutcome outcome, final Duration took) {
    inFlight.decrementAndGet();
    applyDuration.observe(took.toNanos() / 1e9);
    if (outcome == ApplyOutcome.APPLIED) {
      txns.labelValues(APPLIED).inc();
      for (final RowChange row : txn.rows()) {
        rowsByType.get(row.type()).inc();
      }
    } else if (outcome == ApplyOutcome.RECORDED_ONLY) {
      txns.labelValues(RECORDED_ONLY).inc();
    } else {
      txns.labelValues(ALREADY_APPLIED).inc();
    }
  }

  @Override
  public void applyFailed(final SinkTxn txn, final String message) {
    inFlight.decrementAndGet();
    txns.labelValues(FAILED).inc();
    failed("commit_ts " + txn.commitTs() + ": " + message);
  }

  @Override
  public void retried() {
    retries.inc();
  }

  @Override
  public void checkpoint(final long commitTs) {
    checkpointTs.accumulateAndGet(commitTs, Math::max);
  }

  @Override
  public void offsetCommitted(final long nextOffset) {
    committedOffset.accumulateAndGet(nextOffset, Math::max);
  }

  @Override
  public void partitionProgress(
      final int partition, final long commitTs, final long nextOffset, final int queued) {
    partitions.put(
        partition, new SinkStatus.PartitionStatus(partition, commitTs, nextOffset, queued));
  }

  @Override
  public void partitionReleased(final int partition) {
    partitions.remove(partition);
  }

  /** The first error is kept: later ones are usually its consequences. */
  @Override
  public void failed(final String message) {
    lastError.compareAndSet("", message == null || message.isEmpty() ? "unknown error" : message);
  }

  /** Everything at once, for {@code GET /status}. */
  public SinkStatus snapshot() {
    long rowCount = 0;
    for (final CounterDataPoint point : rowsByType.values()) {
      rowCount += point.getLongValue();
    }
    return new SinkStatus(
        clock.millis(),
        checkpointTs.get(),
        txns.labelValues(APPLIED).getLongValue(),
        txns.labelValues(RECORDED_ONLY).getLongValue(),
        txns.labelValues(ALREADY_APPLIED).getLongValue(),
        rowCount,
        inFlight.get(),
        retries.getLongValue(),
        lastError.get(),
        committedOffset.get(),
        List.copyOf(partitions.values()));
  }
}
