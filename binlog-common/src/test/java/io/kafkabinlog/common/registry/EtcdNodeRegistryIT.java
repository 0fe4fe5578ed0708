package io.kafkabinlog.common.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.testkit.EtcdServiceExtension;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Tag("integration")
@Timeout(60)
class EtcdNodeRegistryIT {
  @RegisterExtension static final EtcdServiceExtension ETCD = new EtcdServiceExtension();

  private RegistryKeys keys;
  private EtcdNodeRegistry registry;

  @BeforeEach
  void setUp() {
    keys = new RegistryKeys(ETCD.prefix());
    registry = EtcdNodeRegistry.using(ETCD.client(), keys, Duration.ofSeconds(10));
  }

  @Test
  void shouldStoreTheCompatibleJsonUnderTheOriginalKey() throws Exception {
    registry.register(
        NodeKind.PUMP,
        new NodeStatus(
            "pump1:8250", "127.0.0.1:8250", NodeState.ONLINE, false, 0, null, 7, 9, null));

    final var raw =
        ETCD.client()
            .getKVClient()
            .get(bytes(ETCD.prefix() + "/v1/pumps/pump1:8250"))
            .get(10, TimeUnit.SECONDS);
    assertThat(raw.getKvs()).hasSize(1);
    assertThat(raw.getKvs().get(0).getValue().toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"nodeId\":\"pump1:8250\",\"host\":\"127.0.0.1:8250\",\"state\":\"online\",\"isAlive\":false,"
                + "\"score\":0,\"label\":null,\"maxCommitTS\":7,\"updateTS\":9}");
  }

  @Test
  void shouldCreateThenUpdateTheSameEntry() {
    final RegisteredNode first =
        registry.register(NodeKind.PUMP, NodeStatus.of("p1", "h:1", NodeState.ONLINE));
    final RegisteredNode second =
        registry.register(
            NodeKind.PUMP, NodeStatus.of("p1", "h:1", NodeState.ONLINE).withHeartbeat(100, 101));

    assertThat(second.revision()).isGreaterThan(first.revision());
    assertThat(registry.get(NodeKind.PUMP, "p1").orElseThrow().status().maxCommitTs())
        .isEqualTo(100);
    assertThat(registry.list(NodeKind.PUMP)).hasSize(1);
  }

  @Test
  void shouldApplyConcurrentUpdatesWithoutLosingEither() throws Exception {
    registry.register(NodeKind.PUMP, NodeStatus.of("p1", "h:1", NodeState.ONLINE));
    // A heartbeat and an operator's state change racing: compare-and-swap keeps both.
    final Thread heartbeats =
        new Thread(
            () -> {
              for (int i = 1; i <= 20; i++) {
                final long ts = i;
                registry.update(NodeKind.PUMP, "p1", s -> s.withHeartbeat(ts, ts));
              }
            });
    heartbeats.start();
    registry.update(NodeKind.PUMP, "p1", s -> s.withState(NodeState.PAUSING));
    heartbeats.join();

    final NodeStatus status = registry.get(NodeKind.PUMP, "p1").orElseThrow().status();
    assertThat(status.state()).isEqualTo(NodeState.PAUSING);
    assertThat(status.maxCommitTs()).isEqualTo(20);
  }

  @Test
  void shouldRefuseToUpdateAnUnregisteredNode() {
    assertThatThrownBy(() -> registry.update(NodeKind.DRAINER, "ghost", s -> s))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining("ghost")
        .hasMessageContaining("not registered");
  }

  @Test
  void shouldListNodesOfOneKindSortedAndSkipJunk() throws Exception {
    registry.register(NodeKind.PUMP, NodeStatus.of("p2", "h:2", NodeState.ONLINE));
    registry.register(NodeKind.PUMP, NodeStatus.of("p1", "h:1", NodeState.OFFLINE));
    registry.register(NodeKind.DRAINER, NodeStatus.of("d1", "h:3", NodeState.ONLINE));
    ETCD.client()
        .getKVClient()
        .put(bytes(keys.node(NodeKind.PUMP, "junk")), bytes("not json"))
        .get(10, TimeUnit.SECONDS);

    assertThat(registry.list(NodeKind.PUMP))
        .extracting(n -> n.status().nodeId())
        .containsExactly("p1", "p2");
    assertThat(registry.list(NodeKind.DRAINER))
        .extracting(n -> n.status().nodeId())
        .containsExactly("d1");
  }

  @Test
  void shouldTellALiveNodeFromOneThatClosedItsLease() {
    registry.register(NodeKind.PUMP, NodeStatus.of("p1", "h:1", NodeState.ONLINE));
    assertThat(registry.get(NodeKind.PUMP, "p1").orElseThrow().live()).isFalse();

    final NodeLiveness liveness = registry.holdLiveness(NodeKind.PUMP, "p1", Duration.ofSeconds(5));
    assertThat(liveness.isHeld()).isTrue();
    assertThat(registry.get(NodeKind.PUMP, "p1").orElseThrow().live()).isTrue();

    liveness.close();
    assertThat(liveness.isHeld()).isFalse();
    assertThat(registry.list(NodeKind.PUMP))
        .singleElement()
        .satisfies(n -> assertThat(n.live()).isFalse());
    // The compatible entry stays: the original tools still see the node.
    assertThat(registry.get(NodeKind.PUMP, "p1")).isPresent();
  }

  @Test
  void shouldSeeADeadProcessAsNotLiveOnceItsTtlPassed() throws Exception {
    registry.register(NodeKind.PUMP, NodeStatus.of("p1", "h:1", NodeState.ONLINE));
    // A second client stands for the pump's process; closing it without revoking is a crash.
    final EtcdNodeRegistry pumpProcess =
        EtcdNodeRegistry.connect(
            List.of(URI.create(ETCD.endpoints().split(",")[0])), keys, Duration.ofSeconds(10));
    pumpProcess.holdLiveness(NodeKind.PUMP, "p1", Duration.ofSeconds(1));
    assertThat(registry.get(NodeKind.PUMP, "p1").orElseThrow().live()).isTrue();

    pumpProcess.close();

    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    boolean live = true;
    while (live && System.nanoTime() < deadline) {
      Thread.sleep(200);
      live = registry.get(NodeKind.PUMP, "p1").orElseThrow().live();
    }
    assertThat(live).as("liveness key expired after the TTL").isFalse();
    assertThat(registry.get(NodeKind.PUMP, "p1").orElseThrow().status().state())
        .isEqualTo(NodeState.ONLINE);
  }

  @Test
  void shouldRefuseASecondLiveHolderOfTheSameNodeId() {
    registry.register(NodeKind.PUMP, NodeStatus.of("p1", "h:1", NodeState.ONLINE));
    final EtcdNodeRegistry other =
        EtcdNodeRegistry.using(ETCD.client(), keys, Duration.ofSeconds(10));
    final NodeLiveness first =
        registry.holdLivenessExclusively(
            NodeKind.PUMP, "p1", Duration.ofSeconds(5), Duration.ofSeconds(1));
    assertThat(first.isHeld()).isTrue();

    final long started = System.nanoTime();
    assertThatThrownBy(
            () ->
                other.holdLivenessExclusively(
                    NodeKind.PUMP, "p1", Duration.ofSeconds(5), Duration.ofMillis(700)))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining("pump p1 is already live")
        .hasMessageContaining(keys.alive(NodeKind.PUMP, "p1"))
        .hasMessageContaining("held by lease")
        .hasMessageContaining("two processes must not share a node id")
        .satisfies(
            e ->
                assertThat(((FatalBinlogException) e).code())
                    .isEqualTo(ErrorCode.REGISTRY_CONFLICT));
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(Duration.ofMillis(700));
    // The refused attempt left the holder alone.
    assertThat(first.isHeld()).isTrue();
    assertThat(registry.get(NodeKind.PUMP, "p1").orElseThrow().live()).isTrue();

    first.close();
    final NodeLiveness second =
        other.holdLivenessExclusively(NodeKind.PUMP, "p1", Duration.ofSeconds(5), Duration.ZERO);
    assertThat(second.isHeld()).isTrue();
    second.close();
  }

  @Test
  void shouldTakeOverTheNodeIdOfAKilledProcessOnceItsLeaseExpired() {
    final EtcdNodeRegistry crashed =
        EtcdNodeRegistry.connect(
            List.of(URI.create(ETCD.endpoints().split(",")[0])), keys, Duration.ofSeconds(10));
    crashed.holdLivenessExclusively(NodeKind.PUMP, "p1", Duration.ofSeconds(2), Duration.ZERO);
    // Closing the client without revoking the lease is a kill -9.
    crashed.close();

    final long started = System.nanoTime();
    final NodeLiveness restarted =
        registry.holdLivenessExclusively(
            NodeKind.PUMP, "p1", Duration.ofSeconds(2), Duration.ofSeconds(15));
    assertThat(restarted.isHeld()).isTrue();
    // It had to wait for the stale key, not take it over while it was held.
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofMillis(500));
    restarted.close();
  }

  @Test
  void shouldLetExactlyOneOfTwoConcurrentProcessesHoldANodeId() throws Exception {
    final EtcdNodeRegistry other =
        EtcdNodeRegistry.using(ETCD.client(), keys, Duration.ofSeconds(10));
    final var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      final List<java.util.concurrent.Future<NodeLiveness>> attempts =
          pool.invokeAll(
              List.of(
                  () ->
                      registry.holdLivenessExclusively(
                          NodeKind.PUMP, "p1", Duration.ofSeconds(5), Duration.ofMillis(300)),
                  () ->
                      other.holdLivenessExclusively(
                          NodeKind.PUMP, "p1", Duration.ofSeconds(5), Duration.ofMillis(300))));
      int won = 0;
      int refused = 0;
      for (final var attempt : attempts) {
        try {
          attempt.get().close();
          won++;
        } catch (java.util.concurrent.ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(FatalBinlogException.class);
          refused++;
        }
      }
      assertThat(won).isEqualTo(1);
      assertThat(refused).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  private static ByteSequence bytes(final String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }
}
