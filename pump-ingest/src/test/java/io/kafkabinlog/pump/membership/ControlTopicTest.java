package io.kafkabinlog.pump.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kafkabinlog.pump.metrics.PumpMetrics;
import io.kafkabinlog.pump.testing.SwitchableClockTso;
import io.kafkabinlog.schemas.proto.control.PumpControl;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ControlTopicTest {
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());

  @AfterEach
  void tearDown() {
    scheduler.shutdownNow();
  }

  @Test
  void shouldSkipBeatsWhileThePreviousOneIsUnacknowledged() throws Exception {
    final SwitchableClockTso tso = new SwitchableClockTso();
    try (ControlTopic control =
        new ControlTopic(
            producer,
            "control",
            "p1",
            0,
            tso,
            new PumpMetrics(new PrometheusRegistry()),
            scheduler)) {
      control.startHeartbeats(Duration.ofMillis(5));
      await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 1);
      Thread.sleep(200);
      // About 40 beats were due; none was queued behind the unacknowledged one.
      assertThat(producer.history()).hasSize(1);
      assertThat(tso.issued()).isEqualTo(1);

      assertThat(producer.completeNext()).isTrue();
      await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 2);
      final PumpControl beat = PumpControl.parseFrom(producer.history().get(1).value());
      assertThat(beat.getKind()).isEqualTo(PumpControl.Kind.HEARTBEAT);
      assertThat(producer.history().get(1).partition()).isZero();
      producer.completeNext();
    }
  }
}
