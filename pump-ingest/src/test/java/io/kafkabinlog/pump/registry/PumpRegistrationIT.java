package io.kafkabinlog.pump.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.registry.EtcdNodeRegistry;
import io.kafkabinlog.common.registry.NodeKind;
import io.kafkabinlog.common.registry.NodeRegistration;
import io.kafkabinlog.common.registry.NodeState;
import io.kafkabinlog.common.registry.NodeStatus;
import io.kafkabinlog.common.registry.RegistryKeys;
import io.kafkabinlog.pump.ingest.RawPosition;
import io.kafkabinlog.pump.metrics.PumpMetrics;
import io.kafkabinlog.pump.testing.SwitchableClockTso;
import io.kafkabinlog.pump.watermark.WatermarkTracker;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.raw.BinlogHeader;
import io.kafkabinlog.testkit.EtcdServiceExtension;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("integration")
@Timeout(90)
/** The pump's registry entry and liveness ({@link NodeRegistration} over its watermark). */
class PumpRegistrationIT {
  @RegisterExtension static final EtcdServiceExtension ETCD = new EtcdServiceExtension();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NODE = "pump-1:8250";

  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final SwitchableClockTso tso = new SwitchableClockTso();
  private final WatermarkTracker watermark = new WatermarkTracker();
  private final PumpMetrics metrics = new PumpMetrics(new PrometheusRegistry());
  private RegistryKeys keys;
  private EtcdNodeRegistry registry;

  @BeforeEach
  void setUp() {
    keys = new RegistryKeys(ETCD.prefix());
    registry = EtcdNodeRegistry.using(ETCD.client(), keys, Duration.ofSeconds(10));
  }

  @AfterEach
  void tearDown() {
    scheduler.shutdownNow();
  }

  @Test
  void shouldWriteTheOriginalJsonAndMoveItWithHeartbeats() throws Exception {
    try (NodeRegistration pump = registration(Duration.ofMillis(200))) {
      assertThat(pump.previous()).isEmpty();
      pump.acquireLiveness();
      pump.register(NodeState.ONLINE);

      final JsonNode first = rawEntry();
      assertThat(first.get("nodeId").asText()).isEqualTo(NODE);
      assertThat(first.get("host").asText()).isEqualTo("10.0.0.1:8250");
      assertThat(first.get("state").asText()).isEqualTo("online");
      assertThat(first.has("isAlive")).isTrue();
      assertThat(first.get("score").asLong()).isZero();
      assertThat(first.has("label")).isTrue();
      assertThat(first.get("maxCommitTS").asLong()).isZero();
      assertThat(first.get("updateTS").asLong()).isPositive();
      assertThat(first.get("statusAddr").asText()).isEqualTo("10.0.0.1:8251");
      assertThat(registry.get(NodeKind.PUMP, NODE).orElseThrow().live()).isTrue();

      pump.startHeartbeats();
      watermark.onAcknowledged(
          new BinlogHeader(BinlogType.Commit, 5, 123_456), new RawPosition(0, 0, 1));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> rawEntry().get("maxCommitTS").asLong() == 123_456);
      final long updated = rawEntry().get("updateTS").asLong();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> rawEntry().get("updateTS").asLong() > updated);
      assertThat(rawEntry().get("state").asText()).isEqualTo("online");

      pump.setState(NodeState.PAUSING);
      assertThat(rawEntry().get("state").asText()).isEqualTo("pausing");
      // Heartbeats keep the pump's own state.
      final long afterPause = rawEntry().get("updateTS").asLong();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> rawEntry().get("updateTS").asLong() > afterPause);
      assertThat(rawEntry().get("state").asText()).isEqualTo("pausing");
    }
    // Closed: the alive key is gone at once, the compatible entry stays.
    assertThat(
            ETCD.client()
                .getKVClient()
                .get(bytes(keys.alive(NodeKind.PUMP, NODE)))
                .get(10, TimeUnit.SECONDS)
                .getKvs())
        .isEmpty();
    assertThat(registry.get(NodeKind.PUMP, NODE).orElseThrow().live()).isFalse();
    assertThat(rawEntry().get("state").asText()).isEqualTo("pausing");
  }

  @Test
  void shouldNeverWriteAMaxCommitTsBelowThePreviousOne() throws Exception {
    registry.register(
        NodeKind.PUMP,
        NodeStatus.of(NODE, "old:8250", NodeState.PAUSED).withHeartbeat(1_000_000, 1_000_001));
    try (NodeRegistration pump = registration(Duration.ofMillis(100))) {
      assertThat(pump.previous().orElseThrow().state()).isEqualTo(NodeState.PAUSED);
      pump.acquireLiveness();
      pump.register(NodeState.ONLINE);
      assertThat(rawEntry().get("maxCommitTS").asLong()).isEqualTo(1_000_000);
      assertThat(rawEntry().get("host").asText()).isEqualTo("10.0.0.1:8250");
      // previous() still answers what was there before this process wrote.
      assertThat(pump.previous().orElseThrow().state()).isEqualTo(NodeState.PAUSED);

      pump.startHeartbeats();
      watermark.onAcknowledged(BinlogHeader.fake(2_000_000), new RawPosition(0, 0, 1));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> rawEntry().get("maxCommitTS").asLong() == 2_000_000);
    }
  }

  @Test
  void shouldRefuseASecondProcessWithTheSameNodeId() throws Exception {
    final NodeRegistration first = registration(Duration.ofMillis(200), Duration.ofSeconds(1));
    try (NodeRegistration second = registration(Duration.ofMillis(200), Duration.ofSeconds(1))) {
      first.acquireLiveness();
      first.register(NodeState.ONLINE);
      first.startHeartbeats();

      final long started = System.nanoTime();
      assertThatThrownBy(second::acquireLiveness)
          .isInstanceOf(FatalBinlogException.class)
          .hasMessageContaining("pump " + NODE + " is already live")
          .hasMessageContaining("two processes must not share a node id");
      // It waited TTL + 2 s for a possibly stale key before giving up.
      assertThat(Duration.ofNanos(System.nanoTime() - started))
          .isGreaterThanOrEqualTo(Duration.ofSeconds(3));
      assertThat(first.isLive()).isTrue();
      assertThat(registry.get(NodeKind.PUMP, NODE).orElseThrow().live()).isTrue();

      first.close();
      second.acquireLiveness();
      assertThat(second.isLive()).isTrue();
    } finally {
      first.close();
    }
  }

  @Test
  void shouldKeepUpdatingWithAnApproximateUpdateTsWhilePdIsUnreachable() throws Exception {
    try (NodeRegistration pump = registration(Duration.ofMillis(100))) {
      pump.acquireLiveness();
      pump.register(NodeState.ONLINE);
      tso.setAvailable(false);
      pump.startHeartbeats();
      final long before = rawEntry().get("updateTS").asLong();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> rawEntry().get("updateTS").asLong() > before);
      assertThat(tso.issued()).isEqualTo(1);
    }
  }

  @Test
  void shouldWriteTheEntryAgainIfSomeoneDeletedIt() throws Exception {
    try (NodeRegistration pump = registration(Duration.ofMillis(100))) {
      pump.acquireLiveness();
      pump.register(NodeState.ONLINE);
      pump.startHeartbeats();
      ETCD.client()
          .getKVClient()
          .delete(bytes(keys.node(NodeKind.PUMP, NODE)))
          .get(10, TimeUnit.SECONDS);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> registry.get(NodeKind.PUMP, NODE).isPresent());
      assertThat(rawEntry().get("state").asText()).isEqualTo("online");
    }
  }

  private NodeRegistration registration(final Duration heartbeat) {
    return registration(heartbeat, Duration.ofSeconds(2));
  }

  private NodeRegistration registration(final Duration heartbeat, final Duration ttl) {
    return new NodeRegistration(
        registry,
        tso,
        new NodeRegistration.Node(NodeKind.PUMP, NODE, "10.0.0.1:8250", "10.0.0.1:8251"),
        watermark::maxCommitTs,
        new NodeRegistration.Timing(heartbeat, ttl),
        scheduler,
        (consecutive, error) -> metrics.registryHeartbeatFailed());
  }

  private JsonNode rawEntry() throws Exception {
    final var kvs =
        ETCD.client()
            .getKVClient()
            .get(bytes(ETCD.prefix() + "/v1/pumps/" + NODE))
            .get(10, TimeUnit.SECONDS)
            .getKvs();
    assertThat(kvs).hasSize(1);
    return JSON.readTree(kvs.get(0).getValue().toString(StandardCharsets.UTF_8));
  }

  private static ByteSequence bytes(final String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }
}
