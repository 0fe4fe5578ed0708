package io.kafkabinlog.common.error;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class BoundedWaitTest {
  private static final Duration SHORT = Duration.ofMillis(50);

  @Test
  void shouldReturnTheValue() {
    assertThat(
            BoundedWait.await(
                CompletableFuture.completedFuture(7),
                SHORT,
                ErrorCode.KAFKA_UNAVAILABLE,
                "Kafka",
                "list",
                "x"))
        .isEqualTo(7);
  }

  @Test
  void shouldTurnATimeoutIntoARetriableErrorNamingServiceOperationAndSettingAndCancel() {
    final CompletableFuture<Integer> late = new CompletableFuture<>();

    assertThatThrownBy(
            () ->
                BoundedWait.await(
                    late, SHORT, ErrorCode.KAFKA_UNAVAILABLE, "Kafka", "list topics", "brokers"))
        .isInstanceOfSatisfying(
            RetriableBinlogException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.KAFKA_UNAVAILABLE))
        .hasMessage("Kafka did not list topics within 50 ms (check brokers)");
    assertThat(late).isCancelled();
  }

  @Test
  void shouldKeepTheUnwrappedFailureAsCause() {
    final IOException io = new IOException("refused");

    assertThatThrownBy(
            () ->
                BoundedWait.await(
                    CompletableFuture.failedFuture(io),
                    SHORT,
                    ErrorCode.ETCD_UNAVAILABLE,
                    "etcd",
                    "read /a",
                    "pd-urls"))
        .isInstanceOf(RetriableBinlogException.class)
        .hasCause(io)
        .hasMessage("etcd failed to read /a: java.io.IOException: refused (check pd-urls)");
  }
}
