package io.kafkabinlog.tidbsim.pumpclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.kafkabinlog.common.registry.NodeState;
import io.kafkabinlog.common.registry.NodeStatus;
import io.kafkabinlog.schemas.proto.binlog.WriteBinlogReq;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PumpSetTest {
  private final PumpSet pumps =
      new PumpSet(
          new RangeSelector<>(),
          1,
          status ->
              new KnownPump(
                  status,
                  host -> {
                    throw new IllegalStateException("no network in this test");
                  }));

  @Test
  void shouldMakeAnOnlinePumpAvailableAndAnyOtherUnavailableWhenFirstSeen() {
    pumps.put(status("p1", NodeState.ONLINE));
    pumps.put(status("p2", NodeState.PAUSED));

    assertThat(available()).containsExactly("p1");
    assertThat(pumps.size()).isEqualTo(2);
    assertThat(pumps.probeCandidates()).isEmpty();
  }

  @Test
  void shouldFollowStateChangesInTheRegistry() {
    pumps.put(status("p1", NodeState.ONLINE));
    pumps.put(status("p2", NodeState.ONLINE));

    pumps.put(status("p2", NodeState.PAUSED));
    assertThat(available()).containsExactly("p1");
    assertThat(pumps.select(1, 0).nodeId()).isEqualTo("p1");
    assertThat(pumps.select(2, 0).nodeId()).isEqualTo("p1");

    pumps.put(status("p2", NodeState.ONLINE));
    assertThat(available()).containsExactly("p1", "p2");
  }

  @Test
  void shouldForgetAPumpWhenItsEntryIsDeleted() {
    pumps.put(status("p1", NodeState.ONLINE));
    pumps.put(status("p2", NodeState.ONLINE));

    pumps.remove("p2");

    assertThat(pumps.snapshot()).extracting(PumpInfo::nodeId).containsExactly("p1");
    assertThat(pumps.select(1, 0).nodeId()).isEqualTo("p1");
    assertThat(pumps.select(2, 0).nodeId()).isEqualTo("p1");
  }

  @Test
  void shouldDemoteAPumpOnlyWhenItHasMoreErrorsThanTheThreshold() {
    pumps.put(status("p1", NodeState.ONLINE));
    final KnownPump p1 = pumps.all().get(0);

    failOnce(p1);
    pumps.demoteUnusable();
    assertThat(available()).containsExactly("p1");

    failOnce(p1);
    pumps.demoteUnusable();
    assertThat(available()).isEmpty();
    assertThat(pumps.probeCandidates()).containsExactly(p1);
    // Moving resets the pump, so a probe starts from a clean count (TiDB's Reset).
    assertThat(p1.consecutiveErrors()).isZero();

    pumps.setAvailable(p1, true);
    assertThat(available()).containsExactly("p1");
  }

  @Test
  void shouldReconcileWithAFreshListing() {
    pumps.put(status("p1", NodeState.ONLINE));
    pumps.put(status("p2", NodeState.ONLINE));

    pumps.reconcile(List.of(status("p2", NodeState.CLOSING), status("p3", NodeState.ONLINE)));

    assertThat(pumps.snapshot())
        .extracting(PumpInfo::nodeId, PumpInfo::state, PumpInfo::available)
        .containsExactly(
            tuple("p2", NodeState.CLOSING, false), tuple("p3", NodeState.ONLINE, true));
  }

  @Test
  void shouldWakeAWaiterWhenTheFirstPumpRegisters() throws Exception {
    final Thread registrar =
        new Thread(
            () -> {
              try {
                Thread.sleep(50);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              pumps.put(status("p1", NodeState.ONLINE));
            });
    registrar.start();

    assertThat(pumps.awaitAny(Duration.ofSeconds(5))).isTrue();
    registrar.join();
    assertThat(new PumpSet(new RangeSelector<>(), 1, s -> null).awaitAny(Duration.ofMillis(20)))
        .isFalse();
  }

  private List<String> available() {
    return pumps.snapshot().stream().filter(PumpInfo::available).map(PumpInfo::nodeId).toList();
  }

  /** A write whose dial fails: counted as an error, synchronously. */
  private static void failOnce(final KnownPump pump) {
    assertThat(
            pump.write(WriteBinlogReq.getDefaultInstance(), Duration.ofSeconds(1), false)
                .isCompletedExceptionally())
        .isTrue();
  }

  private static NodeStatus status(final String nodeId, final NodeState state) {
    return NodeStatus.of(nodeId, "127.0.0.1:1", state);
  }
}
