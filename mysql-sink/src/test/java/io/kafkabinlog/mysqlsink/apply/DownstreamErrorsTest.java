package io.kafkabinlog.mysqlsink.apply;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import org.junit.jupiter.api.Test;

class DownstreamErrorsTest {

  @Test
  void shouldRetryThePoolsTimeoutWhichHasNoCodeOrState() {
    // What MariaDbPoolDataSource throws while the server is down (Connector/J 3.5).
    final SQLException poolTimeout =
        new SQLException(
            "No connection available within the specified time (option 'connectTimeout': 30,000"
                + " ms)");

    assertThat(DownstreamErrors.isRetriable(poolTimeout)).isTrue();
  }

  @Test
  void shouldRetryLostConnectionsDeadlocksAndLockWaits() {
    assertThat(
            DownstreamErrors.isRetriable(
                new SQLNonTransientConnectionException("(conn=27) Socket error", "08000", -1)))
        .isTrue();
    assertThat(DownstreamErrors.isRetriable(new SQLException("Deadlock found", "40001", 1213)))
        .isTrue();
    assertThat(DownstreamErrors.isRetriable(new SQLException("Lock wait timeout", "HY000", 1205)))
        .isTrue();
    assertThat(
            DownstreamErrors.isRetriable(
                new SQLException("wrapped", new SQLException("Connection killed", "70100", 1927))))
        .isTrue();
  }

  @Test
  void shouldNotRetryWhatTheServerRejects() {
    assertThat(
            DownstreamErrors.isRetriable(
                new SQLSyntaxErrorException("You have an error in your SQL", "42000", 1064)))
        .isFalse();
    assertThat(DownstreamErrors.isRetriable(new SQLException("Duplicate entry", "23000", 1062)))
        .isFalse();
    // No SQLState, but not the pool's message either.
    assertThat(DownstreamErrors.isRetriable(new SQLException("something else"))).isFalse();
  }
}
