package io.kafkabinlog.pump.http;

import io.kafkabinlog.pump.state.PumpPhase;
import java.util.Objects;
import java.util.Optional;

/**
 * Our extra view of one pump for {@code GET /status} (under {@code "pump"}), beyond the original's
 * fields: where it writes and how far along it is.
 *
 * @param phase lifecycle phase (JSON: its wire name, e.g. {@code online})
 * @param rawTopic the raw topic the pump writes
 * @param partition its partition of the raw topic; -1 until bound
 * @param maxCommitTs every binlog with commit_ts up to this is stored
 * @param pendingPrewrites prewrites taken whose commit or rollback has not arrived
 * @param oldestPendingAgeMs age of the oldest of those, 0 when none
 * @param lastWriteEpochMs wall-clock time of the last acknowledged write; empty before the first
 * @param kafka health of the Kafka producer
 * @param etcd health of the registry connection
 */
public record PumpStatusDetails(
    PumpPhase phase,
    String rawTopic,
    int partition,
    long maxCommitTs,
    int pendingPrewrites,
    long oldestPendingAgeMs,
    Optional<Long> lastWriteEpochMs,
    Health kafka,
    Health etcd) {

  public PumpStatusDetails {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(rawTopic, "rawTopic");
    Objects.requireNonNull(lastWriteEpochMs, "lastWriteEpochMs");
    Objects.requireNonNull(kafka, "kafka");
    Objects.requireNonNull(etcd, "etcd");
  }

  /**
   * A dependency's health as last observed.
   *
   * @param ok the last operation succeeded
   * @param error the last error when not ok, else empty
   */
  public record Health(boolean ok, String error) {
    public Health {
      Objects.requireNonNull(error, "error");
    }

    public static Health healthy() {
      return new Health(true, "");
    }

    public static Health failing(final String error) {
      return new Health(false, error);
    }
  }
}
