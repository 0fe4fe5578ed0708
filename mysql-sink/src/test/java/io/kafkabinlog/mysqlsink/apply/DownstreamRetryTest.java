package io.kafkabinlog.mysqlsink.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DownstreamRetryTest {
  private final List<Duration> waits = new ArrayList<>();
  private final DownstreamRetry retry =
      new DownstreamRetry(4, Duration.ofMillis(100), Duration.ofMillis(250), waits::add);

  private static FatalBinlogException fatal(final SQLException e) {
    return new FatalBinlogException(ErrorCode.DOWNSTREAM_REJECTED, "rejected", e);
  }

  @Test
  void shouldRetryDeadlocksWithGrowingBoundedBackoffUntilSuccess() {
    final AtomicInteger calls = new AtomicInteger();

    final String result =
        retry.run(
            "work",
            () -> {
              if (calls.incrementAndGet() < 4) {
                throw new SQLException("Deadlock found", "40001", 1213);
              }
              return "done";
            },
            DownstreamRetryTest::fatal);

    assertThat(result).isEqualTo("done");
    assertThat(waits)
        .containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(250));
  }

  @Test
  void shouldGiveUpAfterMaxAttemptsAsDownstreamUnavailable() {
    final AtomicInteger calls = new AtomicInteger();

    assertThatThrownBy(
            () ->
                retry.run(
                    "work",
                    () -> {
                      calls.incrementAndGet();
                      throw new SQLNonTransientConnectionException("socket closed", "08000");
                    },
                    DownstreamRetryTest::fatal))
        .isInstanceOf(RetriableBinlogException.class)
        .hasMessageContaining("work failed 4 times")
        .satisfies(
            e ->
                assertThat(((RetriableBinlogException) e).code())
                    .isEqualTo(ErrorCode.DOWNSTREAM_UNAVAILABLE));
    assertThat(calls).hasValue(4);
  }

  @Test
  void shouldNotRetryOtherErrors() {
    final AtomicInteger calls = new AtomicInteger();

    assertThatThrownBy(
            () ->
                retry.run(
                    "work",
                    () -> {
                      calls.incrementAndGet();
                      throw new SQLException("Duplicate entry", "23000", 1062);
                    },
                    DownstreamRetryTest::fatal))
        .isInstanceOf(FatalBinlogException.class);
    assertThat(calls).hasValue(1);
    assertThat(waits).isEmpty();
  }

  @Test
  void shouldRetryALockWaitTimeout() {
    assertThat(DownstreamErrors.isRetriable(new SQLException("Lock wait", "HY000", 1205))).isTrue();
    assertThat(DownstreamErrors.isRetriable(new SQLException("syntax", "42000", 1064))).isFalse();
  }
}
