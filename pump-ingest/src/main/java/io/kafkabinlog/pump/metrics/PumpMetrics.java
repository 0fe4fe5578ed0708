package io.kafkabinlog.pump.metrics;

import io.kafkabinlog.common.tso.Tso;
import io.kafkabinlog.pump.state.PumpPhase;
import io.kafkabinlog.pump.state.PumpState;
import io.kafkabinlog.pump.watermark.WatermarkView;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;

/**
 * The pump's Prometheus metrics, with the original's names where they apply ({@code
 * binlog_pump_rpc_duration_seconds{method,label}}, {@code binlog_pump_storage_*}); TSO gauges
 * export physical milliseconds, as the original's. Counters get the {@code _total} suffix of the
 * current exposition format.
 */
public final class PumpMetrics {
  /** Error types of {@code binlog_pump_storage_error_count}. */
  public enum ErrorType {
    CLUSTER_ID,
    MALFORMED,
    NOT_ONLINE,
    KAFKA,
    TOO_LARGE;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final PrometheusRegistry registry;
  private final Histogram rpcDuration;
  private final Histogram binlogSize;
  private final Histogram produceDuration;
  private final Counter errors;
  private final Counter fakeBinlogs;
  private final Counter chunks;
  private final Counter controlHeartbeats;
  private final Counter registryHeartbeatFailures;

  public PumpMetrics(final PrometheusRegistry registry) {
    this.registry = registry;
    rpcDuration =
        Histogram.builder()
            .name("binlog_pump_rpc_duration_seconds")
            .help("WriteBinlog/PullBinlogs handling time, label=succ|fail")
            .labelNames("method", "label")
            .classicOnly()
            .classicExponentialUpperBounds(0.0005, 2, 16)
            .register(registry);
    binlogSize =
        Histogram.builder()
            .name("binlog_pump_storage_write_binlog_size")
            .help("size in bytes of each binlog written")
            .labelNames("type")
            .classicOnly()
            .classicExponentialUpperBounds(256, 4, 12)
            .register(registry);
    produceDuration =
        Histogram.builder()
            .name("binlog_pump_kafka_produce_duration_seconds")
            .help(
                "time from handing a binlog to the Kafka producer to its acks=all acknowledgement")
            .classicOnly()
            .classicExponentialUpperBounds(0.0005, 2, 16)
            .register(registry);
    errors =
        Counter.builder()
            .name("binlog_pump_storage_error_count")
            .help("refused or failed writes by type")
            .labelNames("type")
            .register(registry);
    fakeBinlogs =
        Counter.builder()
            .name("binlog_pump_fake_binlog_count")
            .help("fake binlogs written to move the watermark of an idle pump")
            .register(registry);
    chunks =
        Counter.builder()
            .name("binlog_pump_chunk_count")
            .help("Kafka records written as chunks of binlogs above the max message size")
            .register(registry);
    controlHeartbeats =
        Counter.builder()
            .name("binlog_pump_control_heartbeat_count")
            .help("heartbeats written to the control topic")
            .register(registry);
    registryHeartbeatFailures =
        Counter.builder()
            .name("binlog_pump_registry_heartbeat_failure_count")
            .help("registry (etcd) heartbeats that failed")
            .register(registry);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  public void rpc(final String method, final boolean succeeded, final long nanos) {
    rpcDuration.labelValues(method, succeeded ? "succ" : "fail").observe(nanos / 1e9);
  }

  /** One binlog acknowledged by Kafka. */
  public void produced(final long payloadBytes, final int records, final long nanos) {
    binlogSize.labelValues("single").observe(payloadBytes);
    produceDuration.observe(nanos / 1e9);
    if (records > 1) {
      chunks.inc(records);
    }
  }

  public void error(final ErrorType type) {
    errors.labelValues(type.label()).inc();
  }

  public void fakeBinlog() {
    fakeBinlogs.inc();
  }

  public void controlHeartbeat() {
    controlHeartbeats.inc();
  }

  public void registryHeartbeatFailed() {
    registryHeartbeatFailures.inc();
  }

  /** Gauges read at scrape time from the watermark tracker and the lifecycle. */
  public void bindGauges(final WatermarkView watermark, final PumpState state) {
    GaugeWithCallback.builder()
        .name("binlog_pump_storage_max_commit_ts")
        .help("physical ms of this pump's maxCommitTS (as in the registry)")
        .callback(cb -> cb.call(Tso.physicalMillis(watermark.maxCommitTs())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("binlog_pump_pending_prewrites")
        .help("prewrites acknowledged whose commit or rollback has not arrived")
        .callback(cb -> cb.call(watermark.pendingPrewrites()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("binlog_pump_oldest_pending_prewrite_age_seconds")
        .help("age of the oldest pending prewrite (0 when none)")
        .callback(
            cb -> cb.call(watermark.oldestPendingAge().orElse(Duration.ZERO).toMillis() / 1e3))
        .register(registry);
    GaugeWithCallback.builder()
        .name("binlog_pump_state")
        .help("1 for the pump's current lifecycle phase")
        .labelNames("state")
        .callback(
            cb -> {
              final PumpPhase current = state.phase();
              for (final PumpPhase phase : PumpPhase.values()) {
                cb.call(phase == current ? 1 : 0, phase.wireName());
              }
            })
        .register(registry);
  }
}
