package io.kafkabinlog.ordering.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.common.metrics.PrometheusText;
import io.kafkabinlog.common.tso.Tso;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

class OrderingMetricsTest {
  private static final long NOW = 1_700_000_000_000L;
  private final Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
  private final OrderingMetrics metrics = new OrderingMetrics(new PrometheusRegistry(), clock);

  private static long tsAt(final long millis, final long logical) {
    return Tso.compose(millis, logical);
  }

  private String scrape() {
    return new String(PrometheusText.scrape(metrics.registry()), StandardCharsets.UTF_8);
  }

  @Test
  void aFreshStreamReportsNothingKnown() {
    final OrderingStatus s = metrics.snapshot();
    assertThat(s.takenAtMillis()).isEqualTo(NOW);
    assertThat(s.streamsState()).isEqualTo("CREATED");
    assertThat(s.error()).isEmpty();
    assertThat(s.resolvedTs()).isZero();
    assertThat(s.pumps()).isEmpty();
    assertThat(s.counts()).isEqualTo(new OrderingStatus.Counts(0, 0, 0, 0, 0, 0, 0, 0));
    assertThat(s.resolver()).isEqualTo(new OrderingStatus.Resolver(0, 0, 0, 0, ""));
    assertThat(scrape())
        .contains("binlog_ordering_checkpoint_delay_seconds 0.0")
        .contains("binlog_ordering_resolutions_total{outcome=\"committed\"} 0")
        .contains("binlog_ordering_resolutions_total{outcome=\"rolled_back\"} 0")
        .contains("binlog_ordering_streams_state{state=\"CREATED\"} 1")
        .contains("binlog_ordering_streams_state{state=\"RUNNING\"} 0");
  }

  @Test
  void stageReportsBecomeTheStatusPerPartition() {
    metrics.pumpWatermark(1, tsAt(NOW - 300, 5));
    metrics.pendingPrewrites(1, 2, tsAt(NOW - 4_000, 0));
    metrics.member(1, "pump-b", tsAt(NOW - 900, 0), false);
    metrics.member(0, "pump-a", tsAt(NOW - 1_000, 0), false);
    metrics.pumpWatermark(0, tsAt(NOW - 200, 0));
    metrics.member(0, "pump-a", tsAt(NOW - 200, 0), true);
    metrics.pendingPrewrites(2, 0, tsAt(NOW - 9_000, 0)); // none: the start_ts means nothing
    metrics.memberLeft(2, "pump-c");

    final OrderingStatus s = metrics.snapshot();
    assertThat(s.pumps())
        .containsExactly(
            new OrderingStatus.Pump(
                0,
                tsAt(NOW - 200, 0),
                0,
                0,
                Optional.of(new OrderingStatus.Member("pump-a", tsAt(NOW - 200, 0), true))),
            new OrderingStatus.Pump(
                1,
                tsAt(NOW - 300, 5),
                2,
                tsAt(NOW - 4_000, 0),
                Optional.of(new OrderingStatus.Member("pump-b", tsAt(NOW - 900, 0), false))),
            new OrderingStatus.Pump(2, 0, 0, 0, Optional.empty()));
    final String text = scrape();
    assertThat(text)
        .contains("binlog_ordering_pending_prewrites{partition=\"1\"} 2")
        .contains("binlog_ordering_oldest_pending_age_seconds{partition=\"1\"} 4.0")
        .contains("binlog_ordering_oldest_pending_age_seconds{partition=\"0\"} 0.0")
        .contains("binlog_ordering_pump_watermark{partition=\"0\"} " + (double) tsAt(NOW - 200, 0));
  }

  @Test
  void resolvedTsAndHeartbeatOnlyMoveForward() {
    metrics.resolvedTs(tsAt(NOW - 2_500, 0));
    metrics.resolvedTs(tsAt(NOW - 3_000, 0)); // a late, smaller report changes nothing
    metrics.heartbeat(tsAt(NOW - 100, 0));
    metrics.heartbeat(tsAt(NOW - 150, 0));
    final OrderingStatus s = metrics.snapshot();
    assertThat(s.resolvedTs()).isEqualTo(tsAt(NOW - 2_500, 0));
    assertThat(s.heartbeatTs()).isEqualTo(tsAt(NOW - 100, 0));
    assertThat(scrape())
        .contains("binlog_ordering_checkpoint_tso " + (double) (NOW - 2_500))
        .contains("binlog_ordering_checkpoint_delay_seconds 2.5")
        .contains("binlog_ordering_resolved_ts " + (double) tsAt(NOW - 2_500, 0));
  }

  @Test
  void countersCountWhatTheStagesReport() {
    metrics.published(10, 5, 3, false);
    metrics.published(12, 11, 0, true);
    metrics.duplicate(5, 10);
    metrics.orphanCommit(0, 7, 8);
    metrics.rolledBack(0, 9);
    metrics.rolledBack(1, 19);
    metrics.resolution(0, 20, 21);
    metrics.resolution(0, 22, 0);
    metrics.resolution(1, 23, 0);
    metrics.deadLettered(30, 29, "cannot decode");
    metrics.chunkProblem(1, "abandoned");
    metrics.ddlApplied(4, 12);
    metrics.ddlApplied(3, 11); // an older version does not go back
    metrics.buffered(7);
    metrics.resolverPass(3);
    metrics.resolverFailed("status service down");

    final OrderingStatus s = metrics.snapshot();
    assertThat(s.counts()).isEqualTo(new OrderingStatus.Counts(2, 3, 2, 1, 1, 2, 1, 1));
    assertThat(s.resolver())
        .isEqualTo(new OrderingStatus.Resolver(1, 2, 2, 1, "status service down"));
    assertThat(s.schemaVersion()).isEqualTo(12);
    assertThat(s.buffered()).isEqualTo(7);
    metrics.resolverPass(0);
    assertThat(metrics.snapshot().resolver().lastError()).isEmpty();
    assertThat(scrape())
        .contains("binlog_ordering_published_txns_total 2")
        .contains("binlog_ordering_published_rows_total 3")
        .contains("binlog_ordering_duplicates_total 1")
        .contains("binlog_ordering_orphan_commits_total 1")
        .contains("binlog_ordering_rollbacks_total 2")
        .contains("binlog_ordering_resolutions_total{outcome=\"committed\"} 1")
        .contains("binlog_ordering_resolutions_total{outcome=\"rolled_back\"} 2")
        .contains("binlog_ordering_dead_lettered_total 1")
        .contains("binlog_ordering_chunk_problems_total 1")
        .contains("binlog_ordering_ddl_jobs_total 2")
        .contains("binlog_ordering_schema_version 12")
        .contains("binlog_ordering_buffered_txns 7")
        .contains("binlog_ordering_resolver_passes_total 3")
        .contains("binlog_ordering_resolver_failures_total 1");
  }

  @Test
  void theStreamsStateAndTheFirstErrorAreKept() {
    metrics.streamsState(KafkaStreams.State.RUNNING);
    assertThat(scrape()).contains("binlog_ordering_streams_state{state=\"RUNNING\"} 1");
    metrics.failed("late transaction commit_ts 42 below W 50");
    metrics.failed("a second thread's error");
    metrics.streamsState(KafkaStreams.State.ERROR);
    final OrderingStatus s = metrics.snapshot();
    assertThat(s.streamsState()).isEqualTo("ERROR");
    assertThat(s.error()).isEqualTo("late transaction commit_ts 42 below W 50");
  }

  @Test
  void concurrentReportsAreNotLost() throws Exception {
    final ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      final List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        final int partition = t;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 1; i <= 10_000; i++) {
                    metrics.published(i, i - 1, 2, false);
                    metrics.pumpWatermark(partition % 2, i);
                    metrics.pendingPrewrites(partition % 2, i, i);
                    metrics.member(partition % 2, "pump", i, false);
                  }
                }));
      }
      for (final Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    final OrderingStatus s = metrics.snapshot();
    assertThat(s.counts().publishedTxns()).isEqualTo(40_000);
    assertThat(s.counts().publishedRows()).isEqualTo(80_000);
    assertThat(s.pumps()).hasSize(2).allSatisfy(p -> assertThat(p.member()).isPresent());
  }
}
