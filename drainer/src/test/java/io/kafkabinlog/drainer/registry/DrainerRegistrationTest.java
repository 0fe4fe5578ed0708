package io.kafkabinlog.drainer.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.common.registry.InMemoryNodeRegistry;
import io.kafkabinlog.common.registry.NodeKind;
import io.kafkabinlog.common.registry.NodeLiveness;
import io.kafkabinlog.common.registry.NodeRegistration;
import io.kafkabinlog.common.registry.NodeRegistry;
import io.kafkabinlog.common.registry.NodeState;
import io.kafkabinlog.common.registry.NodeStatus;
import io.kafkabinlog.common.registry.RegisteredNode;
import io.kafkabinlog.common.tso.TimestampOracle;
import io.kafkabinlog.common.tso.Tso;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DrainerRegistrationTest {
  private static final String NODE = "drainer-1:8249";
  private static final Duration HEARTBEAT = Duration.ofMillis(5);

  private final FlakyRegistry registry = new FlakyRegistry(new InMemoryNodeRegistry());
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
  private final AtomicLong checkpoint = new AtomicLong(-1);
  private final List<String> lost = new CopyOnWriteArrayList<>();

  @AfterEach
  void tearDown() {
    scheduler.shutdownNow();
  }

  private DrainerRegistration registration() {
    return registration(HEARTBEAT);
  }

  private DrainerRegistration registration(final Duration heartbeat) {
    return new DrainerRegistration(
        registry,
        new ClockTso(),
        NODE,
        "10.0.0.9:8249",
        checkpoint::get,
        new NodeRegistration.Timing(heartbeat, Duration.ofSeconds(6)),
        scheduler,
        lost::add);
  }

  private NodeStatus entry() {
    return registry.get(NodeKind.DRAINER, NODE).orElseThrow().status();
  }

  @Test
  void goesOnlineWithTheOriginalFieldsAndMovesThroughTheStates() {
    try (DrainerRegistration drainer = registration()) {
      assertThat(drainer.acquire()).as("no previous entry").isEmpty();
      assertThat(drainer.state()).isEmpty();
      drainer.online();

      final NodeStatus online = entry();
      assertThat(online.state()).isEqualTo(NodeState.ONLINE);
      assertThat(online.host()).isEqualTo("10.0.0.9:8249");
      assertThat(online.statusAddr()).isEqualTo("10.0.0.9:8249");
      assertThat(online.maxCommitTs()).as("no checkpoint yet: 0, not -1").isZero();
      assertThat(online.updateTs()).isPositive();
      assertThat(registry.get(NodeKind.DRAINER, NODE).orElseThrow().live()).isTrue();
      assertThat(drainer.isLive()).isTrue();

      drainer.setState(NodeState.PAUSING);
      assertThat(entry().state()).isEqualTo(NodeState.PAUSING);
      drainer.setState(NodeState.PAUSED);
      assertThat(entry().state()).isEqualTo(NodeState.PAUSED);
      assertThat(drainer.state()).contains(NodeState.PAUSED);
    }
    assertThat(registry.get(NodeKind.DRAINER, NODE).orElseThrow().live())
        .as("closing releases the liveness key; the entry stays")
        .isFalse();
    assertThat(entry().state()).isEqualTo(NodeState.PAUSED);
  }

  @Test
  void heartbeatsWriteTheCheckpointAsMaxCommitTs() {
    try (DrainerRegistration drainer = registration()) {
      drainer.acquire();
      drainer.online();
      final long first = entry().updateTs();
      checkpoint.set(Tso.compose(1_700_000_000_000L, 3));

      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () -> {
                assertThat(entry().maxCommitTs()).isEqualTo(checkpoint.get());
                assertThat(entry().updateTs()).isGreaterThan(first);
              });
      assertThat(entry().state()).as("heartbeats keep the state").isEqualTo(NodeState.ONLINE);
    }
  }

  @Test
  void aRestartKeepsThePreviousCheckpointUntilTheSinkHasLoadedItsOwn() {
    checkpoint.set(500);
    try (DrainerRegistration first = registration()) {
      first.acquire();
      first.online();
      first.setState(NodeState.PAUSED);
    }
    checkpoint.set(-1);
    try (DrainerRegistration second = registration()) {
      assertThat(second.acquire()).map(NodeStatus::state).contains(NodeState.PAUSED);
      assertThat(second.online().maxCommitTs()).isEqualTo(500);
      assertThat(entry().state()).isEqualTo(NodeState.ONLINE);
    }
  }

  @Test
  void aSecondDrainerWithTheSameNodeIdIsRefused() {
    try (DrainerRegistration first = registration()) {
      first.acquire();
      first.online();
      final DrainerRegistration second =
          new DrainerRegistration(
              registry,
              new ClockTso(),
              NODE,
              "10.0.0.10:8249",
              () -> 0,
              new NodeRegistration.Timing(HEARTBEAT, Duration.ZERO),
              scheduler,
              lost::add);
      assertThatThrownBy(second::acquire)
          .isInstanceOfSatisfying(
              FatalBinlogException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.REGISTRY_CONFLICT));
      assertThat(entry().host()).as("untouched").isEqualTo("10.0.0.9:8249");
    }
  }

  @Test
  void twentyFailedHeartbeatsInARowLoseTheRegistryOnce() {
    // Slow enough heartbeats that the test sees a short outage end before the 20th failure.
    try (DrainerRegistration drainer = registration(Duration.ofMillis(40))) {
      drainer.acquire();
      drainer.online();

      registry.failing = true;
      await()
          .pollInterval(Duration.ofMillis(5))
          .atMost(Duration.ofSeconds(5))
          .until(() -> drainer.consecutiveFailures() >= 3);
      registry.failing = false;
      await().atMost(Duration.ofSeconds(5)).until(() -> drainer.consecutiveFailures() == 0);
      assertThat(lost).as("a few failures, then a success: not lost").isEmpty();

      registry.failing = true;
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  drainer.consecutiveFailures() >= DrainerRegistration.MAX_HEARTBEAT_FAILURES + 3);
      assertThat(lost)
          .as("told once, at the 20th")
          .singleElement()
          .satisfies(
              m ->
                  assertThat(m)
                      .startsWith("20 registry heartbeats failed in a row")
                      .contains("etcd down (test)"));
    }
  }

  /** A TSO from the wall clock, strictly increasing. */
  private static final class ClockTso implements TimestampOracle {
    private long last;

    @Override
    public synchronized long getTimestamp() {
      last = Math.max(last + 1, Tso.compose(System.currentTimeMillis(), 0));
      return last;
    }

    @Override
    public long clusterId() {
      return 1;
    }
  }

  /** The in-memory registry, whose writes fail while {@link #failing} (etcd unreachable). */
  private static final class FlakyRegistry implements NodeRegistry {
    private final NodeRegistry delegate;
    volatile boolean failing;

    FlakyRegistry(final NodeRegistry delegate) {
      this.delegate = delegate;
    }

    private void check() {
      if (failing) {
        throw new RetriableBinlogException(ErrorCode.ETCD_UNAVAILABLE, "etcd down (test)");
      }
    }

    @Override
    public RegisteredNode register(final NodeKind kind, final NodeStatus status) {
      check();
      return delegate.register(kind, status);
    }

    @Override
    public RegisteredNode update(
        final NodeKind kind, final String nodeId, final UnaryOperator<NodeStatus> change) {
      check();
      return delegate.update(kind, nodeId, change);
    }

    @Override
    public Optional<RegisteredNode> get(final NodeKind kind, final String nodeId) {
      return delegate.get(kind, nodeId);
    }

    @Override
    public List<RegisteredNode> list(final NodeKind kind) {
      return delegate.list(kind);
    }

    @Override
    public NodeLiveness holdLiveness(final NodeKind kind, final String nodeId, final Duration ttl) {
      return delegate.holdLiveness(kind, nodeId, ttl);
    }

    @Override
    public NodeLiveness holdLivenessExclusively(
        final NodeKind kind, final String nodeId, final Duration ttl, final Duration wait) {
      return delegate.holdLivenessExclusively(kind, nodeId, ttl, wait);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
