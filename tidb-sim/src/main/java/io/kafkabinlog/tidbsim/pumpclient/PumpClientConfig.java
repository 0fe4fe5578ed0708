package io.kafkabinlog.tidbsim.pumpclient;

import io.kafkabinlog.common.config.ConfigValidationException;
import io.kafkabinlog.common.registry.RegistryKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the pump client, with TiDB's defaults ({@code config.go} {@code [binlog]} and the
 * constants of {@code pump_client}). Validated in full on construction.
 *
 * @param clusterId PD cluster id sent with every write (compared as an unsigned 64-bit number)
 * @param writeTimeout TiDB's {@code write-timeout}: per-RPC deadline, and the time a prewrite keeps
 *     retrying other pumps (15 s)
 * @param strategy TiDB's {@code strategy} (range)
 * @param errorThreshold a pump with more consecutive failed RPCs than this becomes unavailable (10)
 * @param probeInterval how often unavailable but online pumps are probed with an empty payload (30
 *     s)
 * @param commitRetryInterval pause between attempts of a commit/rollback binlog (1 s)
 * @param commitGiveUp a commit/rollback binlog is dropped once it failed for this long (10 min)
 * @param retrySleep pause before a prewrite tries the next pump (100 ms)
 * @param waitForPumps wait for a pump to register instead of failing with "no pump found"
 * @param waitForPumpsTimeout how long to wait for a pump when {@code waitForPumps} is set
 * @param maxMessageSize largest binlog payload sent; larger ones fail at once ("binlog data is too
 *     large") like a gRPC send-size overflow in TiDB
 * @param registryKeys etcd key layout; its root is {@code /tidb-binlog} in production
 * @param etcdTimeout bound of the initial etcd listing (TiDB's {@code DefaultEtcdTimeout}, 5 s)
 */
public record PumpClientConfig(
    long clusterId,
    Duration writeTimeout,
    SelectionStrategy strategy,
    int errorThreshold,
    Duration probeInterval,
    Duration commitRetryInterval,
    Duration commitGiveUp,
    Duration retrySleep,
    boolean waitForPumps,
    Duration waitForPumpsTimeout,
    int maxMessageSize,
    RegistryKeys registryKeys,
    Duration etcdTimeout) {

  public static final String CLUSTER_ID = "cluster-id";
  public static final String WRITE_TIMEOUT = "binlog.write-timeout";
  public static final String STRATEGY = "binlog.strategy";
  public static final String ERROR_THRESHOLD = "binlog.error-threshold";
  public static final String PROBE_INTERVAL = "binlog.probe-interval";
  public static final String COMMIT_RETRY_INTERVAL = "binlog.commit-retry-interval";
  public static final String COMMIT_GIVE_UP = "binlog.commit-give-up";
  public static final String RETRY_SLEEP = "binlog.retry-sleep";
  public static final String WAIT_FOR_PUMPS = "binlog.wait-for-pumps";
  public static final String WAIT_FOR_PUMPS_TIMEOUT = "binlog.wait-for-pumps-timeout";
  public static final String MAX_MESSAGE_SIZE = "binlog.max-message-size";
  public static final String REGISTRY_ROOT = "binlog.registry-root";
  public static final String ETCD_TIMEOUT = "binlog.etcd-timeout";

  public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(15);
  public static final int DEFAULT_ERROR_THRESHOLD = 10;
  public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(30);
  public static final Duration DEFAULT_COMMIT_RETRY_INTERVAL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_COMMIT_GIVE_UP = Duration.ofMinutes(10);
  public static final Duration DEFAULT_RETRY_SLEEP = Duration.ofMillis(100);
  public static final Duration DEFAULT_WAIT_FOR_PUMPS_TIMEOUT = Duration.ofMinutes(5);

  /** gRPC-go's default send limit, which TiDB runs with ({@code math.MaxInt32}). */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = Integer.MAX_VALUE;

  public static final Duration DEFAULT_ETCD_TIMEOUT = Duration.ofSeconds(5);

  public PumpClientConfig {
    final List<String> problems = new ArrayList<>();
    positive(problems, WRITE_TIMEOUT, writeTimeout);
    positive(problems, PROBE_INTERVAL, probeInterval);
    positive(problems, COMMIT_RETRY_INTERVAL, commitRetryInterval);
    positive(problems, COMMIT_GIVE_UP, commitGiveUp);
    notNegative(problems, RETRY_SLEEP, retrySleep);
    notNegative(problems, WAIT_FOR_PUMPS_TIMEOUT, waitForPumpsTimeout);
    positive(problems, ETCD_TIMEOUT, etcdTimeout);
    if (strategy == null) {
      problems.add(STRATEGY + " is required (range or hash)");
    }
    if (errorThreshold < 0) {
      problems.add(ERROR_THRESHOLD + " must be >= 0, got " + errorThreshold);
    }
    if (maxMessageSize <= 0) {
      problems.add(MAX_MESSAGE_SIZE + " must be > 0 bytes, got " + maxMessageSize);
    }
    if (registryKeys == null) {
      problems.add(REGISTRY_ROOT + " is required (" + RegistryKeys.DEFAULT_ROOT + ")");
    }
    if (!problems.isEmpty()) {
      throw new ConfigValidationException("pump client", problems);
    }
  }

  /** TiDB's defaults for the given cluster id, registry root {@code /tidb-binlog}. */
  public static PumpClientConfig defaults(final long clusterId) {
    return builder(clusterId).build();
  }

  public static Builder builder(final long clusterId) {
    return new Builder(clusterId);
  }

  /** A builder starting from this config. */
  public Builder toBuilder() {
    return toBuilder(clusterId);
  }

  /** A builder starting from this config, for another cluster id (learnt from PD at start). */
  public Builder toBuilder(final long newClusterId) {
    return new Builder(newClusterId)
        .writeTimeout(writeTimeout)
        .strategy(strategy)
        .errorThreshold(errorThreshold)
        .probeInterval(probeInterval)
        .commitRetryInterval(commitRetryInterval)
        .commitGiveUp(commitGiveUp)
        .retrySleep(retrySleep)
        .waitForPumps(waitForPumps)
        .waitForPumpsTimeout(waitForPumpsTimeout)
        .maxMessageSize(maxMessageSize)
        .registryKeys(registryKeys)
        .etcdTimeout(etcdTimeout);
  }

  private static void positive(final List<String> problems, final String key, final Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      problems.add(key + " must be a positive duration, got " + d);
    }
  }

  private static void notNegative(final List<String> problems, final String key, final Duration d) {
    if (d == null || d.isNegative()) {
      problems.add(key + " must be a duration >= 0, got " + d);
    }
  }

  /** Builds a {@link PumpClientConfig}; every setting starts at TiDB's default. */
  public static final class Builder {
    private final long clusterId;
    private Duration writeTimeout = DEFAULT_WRITE_TIMEOUT;
    private SelectionStrategy strategy = SelectionStrategy.RANGE;
    private int errorThreshold = DEFAULT_ERROR_THRESHOLD;
    private Duration probeInterval = DEFAULT_PROBE_INTERVAL;
    private Duration commitRetryInterval = DEFAULT_COMMIT_RETRY_INTERVAL;
    private Duration commitGiveUp = DEFAULT_COMMIT_GIVE_UP;
    private Duration retrySleep = DEFAULT_RETRY_SLEEP;
    private boolean waitForPumps;
    private Duration waitForPumpsTimeout = DEFAULT_WAIT_FOR_PUMPS_TIMEOUT;
    private int maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE;
    private RegistryKeys registryKeys = RegistryKeys.standard();
    private Duration etcdTimeout = DEFAULT_ETCD_TIMEOUT;

    private Builder(final long clusterId) {
      this.clusterId = clusterId;
    }

    public Builder writeTimeout(final Duration value) {
      writeTimeout = value;
      return this;
    }

    public Builder strategy(final SelectionStrategy value) {
      strategy = value;
      return this;
    }

    public Builder errorThreshold(final int value) {
      errorThreshold = value;
      return this;
    }

    public Builder probeInterval(final Duration value) {
      probeInterval = value;
      return this;
    }

    public Builder commitRetryInterval(final Duration value) {
      commitRetryInterval = value;
      return this;
    }

    public Builder commitGiveUp(final Duration value) {
      commitGiveUp = value;
      return this;
    }

    public Builder retrySleep(final Duration value) {
      retrySleep = value;
      return this;
    }

    public Builder waitForPumps(final boolean value) {
      waitForPumps = value;
      return this;
    }

    public Builder waitForPumpsTimeout(final Duration value) {
      waitForPumpsTimeout = value;
      return this;
    }

    public Builder maxMessageSize(final int value) {
      maxMessageSize = value;
      return this;
    }

    public Builder registryKeys(final RegistryKeys value) {
      registryKeys = Objects.requireNonNull(value, "registryKeys");
      return this;
    }

    public Builder etcdTimeout(final Duration value) {
      etcdTimeout = value;
      return this;
    }

    public PumpClientConfig build() {
      return new PumpClientConfig(
          clusterId,
          writeTimeout,
          strategy,
          errorThreshold,
          probeInterval,
          commitRetryInterval,
          commitGiveUp,
          retrySleep,
          waitForPumps,
          waitForPumpsTimeout,
          maxMessageSize,
          registryKeys,
          etcdTimeout);
    }
  }
}
