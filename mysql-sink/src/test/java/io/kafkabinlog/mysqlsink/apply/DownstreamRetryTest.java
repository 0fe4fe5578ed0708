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
import java.util.concurrent.atomic.AtomicLong;
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
  void shouldKeepRetryingARefusedConnectionForTheWholeRetryTimeAfterTheAttemptsAreUsed() {
    // A refused connection fails at once: the time bound, not the attempts, rides out an outage.
    final AtomicLong clock = new AtomicLong();
    final DownstreamRetry timed =
        new DownstreamRetry(
            4,
            Duration.ofMillis(100),
            Duration.ofSeconds(5),
            d -> clock.addAndGet(d.toNanos()),
            () -> {},
            Duration.ofSeconds(60),
            clock::get);
    final AtomicInteger calls = new AtomicInteger();

    assertThatThrownBy(
            () ->
                timed.run(
                    "work",
                    () -> {
                      calls.incrementAndGet();
                      throw new SQLNonTransientConnectionException("Connection refused", "08000");
                    },
                    DownstreamRetryTest::fatal))
        .isInstanceOf(RetriableBinlogException.class)
        .hasMessageContaining("failed " + calls.get() + " times in 6");
    // Waits of 0.1 + 0.2 + ... + 3.2 s (attempt 7 fails at 6.3 s), then of 5 s: attempt 18
    // fails at 61.3 s, past the 60 s, and is the last.
    assertThat(calls.get()).isEqualTo(18);
    assertThat(Duration.ofNanos(clock.get()))
        .isBetween(Duration.ofSeconds(60), Duration.ofSeconds(65));

    final AtomicInteger untilBack = new AtomicInteger();
    assertThat(
            timed.run(
                "work",
                () -> {
                  if (untilBack.incrementAndGet() < 12) {
                    throw new SQLNonTransientConnectionException("Connection refused", "08000");
                  }
                  return "applied once the server is back";
                },
                DownstreamRetryTest::fatal))
        .isEqualTo("applied once the server is back");
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
