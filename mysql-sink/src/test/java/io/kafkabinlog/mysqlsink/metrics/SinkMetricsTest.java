package io.kafkabinlog.mysqlsink.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.metrics.PrometheusText;
import io.kafkabinlog.common.tso.Tso;
import io.kafkabinlog.mysqlsink.apply.ApplyOutcome;
import io.kafkabinlog.mysqlsink.apply.ObservedApplier;
import io.kafkabinlog.mysqlsink.model.RowChange;
import io.kafkabinlog.mysqlsink.model.RowChange.ChangeType;
import io.kafkabinlog.mysqlsink.model.SinkTxn;
import io.kafkabinlog.mysqlsink.model.TxnGroup;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SinkMetricsTest {
  private static final long NOW = 1_700_000_000_000L;
  private final SinkMetrics metrics =
      new SinkMetrics(
          new PrometheusRegistry(), Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));

  private String scrape() {
    return new String(PrometheusText.scrape(metrics.registry()), StandardCharsets.UTF_8);
  }

  private static RowChange row(final ChangeType type) {
    final Map<String, Object> image = Map.of("id", 1);
    return new RowChange(
        "d",
        "t",
        type,
        type == ChangeType.INSERT ? null : image,
        type == ChangeType.DELETE ? null : image);
  }

  private static SinkTxn txn(final long commitTs, final RowChange... rows) {
    return new SinkTxn(commitTs, commitTs - 1, List.of(rows), null);
  }

  @Test
  void aFreshSinkReportsZeroesAndNoCheckpoint() {
    assertThat(metrics.snapshot()).isEqualTo(new SinkStatus(NOW, 0, 0, 0, 0, 0, 0, 0, "", -1));
    assertThat(scrape())
        .contains("binlog_mysql_sink_checkpoint_delay_seconds 0.0")
        .contains("binlog_mysql_sink_txns_total{outcome=\"applied\"} 0")
        .contains("binlog_mysql_sink_txns_total{outcome=\"failed\"} 0")
        .contains("binlog_mysql_sink_rows_total{type=\"insert\"} 0")
        .contains("binlog_mysql_sink_retries_total 0");
  }

  @Test
  void outcomesRowsRetriesAndTheCheckpointReachStatusAndMetrics() {
    final SinkTxn applied =
        txn(10, row(ChangeType.INSERT), row(ChangeType.INSERT), row(ChangeType.DELETE));
    final SinkTxn replayed = txn(11, row(ChangeType.UPDATE));
    final SinkTxn ddl = txn(12);
    final SinkTxn pending = txn(13, row(ChangeType.INSERT));
    for (final SinkTxn t : List.of(applied, replayed, ddl, pending)) {
      metrics.submitted(t);
    }
    metrics.applied(applied, ApplyOutcome.APPLIED, Duration.ofMillis(3));
    metrics.applied(replayed, ApplyOutcome.ALREADY_APPLIED, Duration.ofMillis(1));
    metrics.applied(ddl, ApplyOutcome.RECORDED_ONLY, Duration.ofMillis(2));
    metrics.retried();
    metrics.retried();
    final long checkpoint = Tso.compose(NOW - 2_500, 7);
    metrics.checkpoint(checkpoint);
    metrics.checkpoint(Tso.compose(NOW - 9_000, 0)); // older: ignored
    metrics.offsetCommitted(42);

    assertThat(metrics.snapshot())
        .isEqualTo(new SinkStatus(NOW, checkpoint, 1, 1, 1, 3, 1, 2, "", 42));
    assertThat(scrape())
        .contains("binlog_mysql_sink_txns_total{outcome=\"applied\"} 1")
        .contains("binlog_mysql_sink_txns_total{outcome=\"already_applied\"} 1")
        .contains("binlog_mysql_sink_txns_total{outcome=\"recorded_only\"} 1")
        .contains("binlog_mysql_sink_rows_total{type=\"insert\"} 2")
        .contains("binlog_mysql_sink_rows_total{type=\"delete\"} 1")
        .as("an already applied transaction's rows are not counted again")
        .contains("binlog_mysql_sink_rows_total{type=\"update\"} 0")
        .contains("binlog_mysql_sink_retries_total 2")
        .contains("binlog_mysql_sink_in_flight_txns 1")
        .contains("binlog_mysql_sink_apply_duration_seconds_count 3")
        .contains("binlog_mysql_sink_checkpoint_tso 1.6999999975E12")
        .contains("binlog_mysql_sink_checkpoint_delay_seconds 2.5");
  }

  @Test
  void theObservedApplierReportsAFailureOnceAndKeepsTheFirstError() {
    final SinkTxn txn = txn(20, row(ChangeType.INSERT));
    final ObservedApplier applier =
        new ObservedApplier(
            (w, g) -> {
              throw new IllegalStateException("Duplicate entry '1'");
            },
            metrics);
    metrics.submitted(txn);
    assertThatThrownBy(() -> applier.apply(0, TxnGroup.of(txn))).hasMessage("Duplicate entry '1'");
    metrics.failed("a later consequence");

    final SinkStatus s = metrics.snapshot();
    assertThat(s.inFlight()).isZero();
    assertThat(s.lastError()).isEqualTo("commit_ts 20: Duplicate entry '1'");
    assertThat(scrape()).contains("binlog_mysql_sink_txns_total{outcome=\"failed\"} 1");
  }

  @Test
  void theObservedApplierTimesWhatItApplies() {
    final SinkTxn txn = txn(30, row(ChangeType.UPDATE));
    metrics.submitted(txn);
    assertThat(
            new ObservedApplier((w, g) -> List.of(ApplyOutcome.APPLIED), metrics)
                .apply(0, TxnGroup.of(txn)))
        .containsExactly(ApplyOutcome.APPLIED);
    assertThat(metrics.snapshot().appliedRows()).isEqualTo(1);
    assertThat(scrape())
        .contains("binlog_mysql_sink_apply_duration_seconds_count 1")
        .contains("binlog_mysql_sink_rows_total{type=\"update\"} 1");
  }
}
