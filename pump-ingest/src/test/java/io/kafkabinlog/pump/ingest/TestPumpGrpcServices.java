package io.kafkabinlog.pump.ingest;

import io.kafkabinlog.pump.metrics.PumpMetrics;
import io.kafkabinlog.pump.state.PumpState;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** The pump's gRPC service as the tests here run it: the real validator, throwaway metrics. */
final class TestPumpGrpcServices {
  private TestPumpGrpcServices() {}

  static PumpGrpcService of(
      final long clusterId, final PumpState state, final RawLog rawLog, final String rawTopic) {
    return new PumpGrpcService(
        clusterId,
        state,
        rawLog,
        new BinlogValidator(),
        new PumpMetrics(new PrometheusRegistry()),
        rawTopic);
  }
}
