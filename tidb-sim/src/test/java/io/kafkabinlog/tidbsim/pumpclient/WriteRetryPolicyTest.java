package io.kafkabinlog.tidbsim.pumpclient;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.kafkabinlog.common.registry.NodeState;
import io.kafkabinlog.common.registry.NodeStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WriteRetryPolicyTest {
  private static final KnownPump PUMP =
      new KnownPump(
          NodeStatus.of("p1", "127.0.0.1:1", NodeState.ONLINE),
          host -> {
            throw new AssertionError("no dialing in this test");
          });

  private final WriteRetryPolicy policy =
      new WriteRetryPolicy(Duration.ofSeconds(15), Duration.ofMinutes(10));

  @Test
  void shouldGiveUpAPrewriteOnlyWhenTheTimeoutPassedAndEveryPumpWasRetried() {
    assertThat(policy.prewriteGivesUp(Duration.ofSeconds(16), 4, 3)).isTrue();
    // Timeout passed, but not every available pump was retried yet.
    assertThat(policy.prewriteGivesUp(Duration.ofSeconds(16), 3, 3)).isFalse();
    // Every pump retried, but still within the timeout.
    assertThat(policy.prewriteGivesUp(Duration.ofSeconds(14), 40, 3)).isFalse();
    assertThat(policy.prewriteGivesUp(Duration.ofSeconds(15), 40, 3)).isFalse();
  }

  @Test
  void shouldNotRetryResourceExhaustedWhetherAsCodeOrInTheMessage() {
    assertThat(policy.isRetryable(grpc(Status.RESOURCE_EXHAUSTED))).isFalse();
    assertThat(
            policy.isRetryable(
                PumpCallException.fromErrmsg(
                    PUMP, "rpc error: code = ResourceExhausted desc = message too large")))
        .isFalse();
    assertThat(policy.isRetryable(grpc(Status.UNAVAILABLE))).isTrue();
    assertThat(policy.isRetryable(grpc(Status.DEADLINE_EXCEEDED))).isTrue();
    assertThat(policy.isRetryable(PumpCallException.fromErrmsg(PUMP, "no online: paused")))
        .isTrue();
  }

  @Test
  void shouldResetTheConnectionOnlyWhenThePumpIsUnavailable() {
    assertThat(policy.resetsConnection(grpc(Status.UNAVAILABLE))).isTrue();
    assertThat(policy.resetsConnection(grpc(Status.DEADLINE_EXCEEDED))).isFalse();
    assertThat(policy.resetsConnection(grpc(Status.UNKNOWN))).isFalse();
    assertThat(policy.resetsConnection(PumpCallException.fromErrmsg(PUMP, "disk full"))).isFalse();
  }

  @Test
  void shouldGiveUpACommitOnlyAfterTheGiveUpTime() {
    assertThat(policy.commitGivesUp(Duration.ofMinutes(9))).isFalse();
    assertThat(policy.commitGivesUp(Duration.ofMinutes(10))).isFalse();
    assertThat(policy.commitGivesUp(Duration.ofMinutes(10).plusMillis(1))).isTrue();
  }

  @Test
  void shouldNameThePumpAndTheGrpcCodeInTheFailure() {
    final PumpCallException failure =
        grpc(Status.UNAVAILABLE.withDescription("connection refused"));

    assertThat(failure.code()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(failure.getMessage())
        .contains("pump p1 at 127.0.0.1:1")
        .contains("UNAVAILABLE")
        .contains("connection refused");
  }

  private static PumpCallException grpc(final Status status) {
    return PumpCallException.fromGrpc(PUMP, status.asRuntimeException());
  }
}
