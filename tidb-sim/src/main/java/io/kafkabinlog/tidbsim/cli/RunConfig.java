package io.kafkabinlog.tidbsim.cli;

import io.kafkabinlog.common.config.ConfigReader;
import io.kafkabinlog.common.config.DurationValidator;
import io.kafkabinlog.common.config.PdSection;
import io.kafkabinlog.common.config.Settings;
import io.kafkabinlog.common.net.HostPort;
import io.kafkabinlog.common.registry.RegistryKeys;
import io.kafkabinlog.tidbsim.pumpclient.PumpClientConfig;
import io.kafkabinlog.tidbsim.pumpclient.SelectionStrategy;
import io.kafkabinlog.tidbsim.workload.WorkloadOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * {@code tidb-sim run}: which workload, where the TSO and the pumps' registry are, and TiDB's
 * {@code [binlog]} settings ({@code binlog.write-timeout}, {@code binlog.strategy}).
 */
record RunConfig(
    String workload,
    Path dataDir,
    List<URI> etcdUrls,
    List<URI> tsoUrls,
    HostPort statusAddr,
    Duration lockTtl,
    Duration lockWaitTimeout,
    Duration progressInterval,
    int crashAfterPrewrite,
    WorkloadOptions options,
    PumpClientConfig binlog) {

  static final String WORKLOAD = "workload";
  static final Set<String> WORKLOADS = Set.of("tutorial", "bank", "oltp", "ddl", "large");

  static ConfigDef definition() {
    ConfigDef def = new ConfigDef();
    SimKeys.dataDir(def);
    SimKeys.etcd(def);
    SimKeys.lockTtl(def);
    SimKeys.statusAddr(
        def,
        "",
        "Serve the TiDB status API (and /txn-status, /fault) during the run, e.g."
            + " 127.0.0.1:10081; empty: off (the `tso` command serves it).");
    def.define(
        WORKLOAD,
        Type.STRING,
        ConfigDef.NO_DEFAULT_VALUE,
        ConfigDef.ValidString.in(WORKLOADS.stream().sorted().toArray(String[]::new)),
        Importance.HIGH,
        "The workload to run.");
    def.define(
        SimKeys.TSO_URLS,
        Type.LIST,
        SimKeys.DEFAULT_TSO_URL,
        SimKeys::validateUrls,
        Importance.HIGH,
        "PD endpoints serving TSOs (tidb-sim tso, or a real PD).");
    def.define("seed", Type.LONG, 1L, Importance.MEDIUM, "Seed of every random choice.");
    def.define("threads", Type.INT, 4, Range.between(1, 1024), Importance.MEDIUM, "Sessions.");
    def.define(
        "duration",
        Type.STRING,
        "0",
        DurationValidator.atLeast(Duration.ZERO, ChronoUnit.SECONDS),
        Importance.MEDIUM,
        "Stop after this long (0: no time limit).");
    def.define(
        "txns",
        Type.LONG,
        0L,
        Range.atLeast(0),
        Importance.MEDIUM,
        "Stop after this many (0: none).");
    def.define(
        "rate", Type.DOUBLE, 0.0, Range.atLeast(0), Importance.LOW, "Transactions/s (0: max).");
    def.define(
        "txn-size", Type.INT, 10, Range.atLeast(1), Importance.LOW, "Row changes per transaction.");
    def.define("accounts", Type.INT, 100, Range.atLeast(2), Importance.LOW, "bank: accounts.");
    def.define(
        "size", Type.STRING, "100MiB", RunConfig::validateSize, Importance.LOW, "large: txn size.");
    def.define("database", Type.STRING, "", Importance.LOW, "Database (default: per workload).");
    def.define(
        "crash-after-prewrite",
        Type.INT,
        0,
        Range.atLeast(0),
        Importance.LOW,
        "Fault switch: the next N transactions commit without sending their commit binlog.");
    def.define(
        "lock-wait-timeout",
        Type.STRING,
        "10s",
        DurationValidator.atLeast(Duration.ofMillis(10), ChronoUnit.SECONDS),
        Importance.LOW,
        "How long a transaction waits for a row or table lock before it is retried.");
    def.define(
        "progress-interval",
        Type.STRING,
        "10s",
        DurationValidator.atLeast(Duration.ZERO, ChronoUnit.SECONDS),
        Importance.LOW,
        "Interval of progress lines (0: only the final line).");
    def.define(
        PumpClientConfig.WRITE_TIMEOUT,
        Type.STRING,
        "15s",
        DurationValidator.atLeast(Duration.ofMillis(1), ChronoUnit.SECONDS),
        Importance.MEDIUM,
        "TiDB [binlog] write-timeout: per-RPC timeout to a pump.");
    def.define(
        PumpClientConfig.STRATEGY,
        Type.STRING,
        "range",
        ConfigDef.ValidString.in("range", "hash"),
        Importance.MEDIUM,
        "TiDB [binlog] strategy: pump selection.");
    def.define(
        PumpClientConfig.WAIT_FOR_PUMPS,
        Type.BOOLEAN,
        false,
        Importance.MEDIUM,
        "Wait for a pump to register instead of failing with `no pump found`.");
    def.define(
        PumpClientConfig.REGISTRY_ROOT,
        Type.STRING,
        RegistryKeys.DEFAULT_ROOT,
        RunConfig::validateRegistryRoot,
        Importance.LOW,
        "etcd root of the pump registry (the pumps' registry-root); tests isolate runs with it.");
    def.define(
        PumpClientConfig.WAIT_FOR_PUMPS_TIMEOUT,
        Type.STRING,
        "5m",
        DurationValidator.atLeast(Duration.ofSeconds(1), ChronoUnit.SECONDS),
        Importance.LOW,
        "How long binlog.wait-for-pumps waits.");
    return def;
  }

  static RunConfig from(final Settings settings) {
    ConfigReader r = new ConfigReader("tidb-sim run", definition(), settings, Set.of());
    Duration wait = r.getDuration(PumpClientConfig.WAIT_FOR_PUMPS_TIMEOUT, ChronoUnit.SECONDS);
    PumpClientConfig binlog =
        PumpClientConfig.builder(0)
            .writeTimeout(r.getDuration(PumpClientConfig.WRITE_TIMEOUT, ChronoUnit.SECONDS))
            .strategy(SelectionStrategy.fromWireName(r.getString(PumpClientConfig.STRATEGY)))
            .waitForPumps(r.getBoolean(PumpClientConfig.WAIT_FOR_PUMPS))
            .waitForPumpsTimeout(wait.isZero() ? Duration.ofMinutes(5) : wait)
            .registryKeys(registryKeys(r.getString(PumpClientConfig.REGISTRY_ROOT)))
            .build();
    long size = 0;
    try {
      size = ByteSizes.parse("size", r.getString("size"));
    } catch (ConfigException e) {
      // reported by the validator
    }
    WorkloadOptions options = null;
    try {
      options =
          new WorkloadOptions(
              r.getLong("seed"),
              r.getInt("threads"),
              r.getDuration("duration", ChronoUnit.SECONDS),
              r.getLong("txns"),
              r.getDouble("rate"),
              r.getInt("txn-size"),
              r.getInt("accounts"),
              size,
              r.getString("database"));
    } catch (IllegalArgumentException e) {
      r.problem("threads", e.getMessage());
    }
    RunConfig config =
        new RunConfig(
            r.getString(WORKLOAD),
            SimKeys.readDataDir(r),
            PdSection.read(r),
            SimKeys.readUrls(r, SimKeys.TSO_URLS),
            SimKeys.readAddr(r, SimKeys.STATUS_ADDR),
            r.getDuration(SimKeys.LOCK_TTL, ChronoUnit.SECONDS),
            r.getDuration("lock-wait-timeout", ChronoUnit.SECONDS),
            r.getDuration("progress-interval", ChronoUnit.SECONDS),
            r.getInt("crash-after-prewrite"),
            options,
            binlog);
    r.throwIfInvalid();
    return config;
  }

  private static void validateRegistryRoot(final String name, final Object value) {
    try {
      new RegistryKeys((String) value);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new ConfigException(name, value, e.getMessage());
    }
  }

  /** The layout under {@code root}; the default one for a bad root, which the validator reports. */
  private static RegistryKeys registryKeys(final String root) {
    try {
      return new RegistryKeys(root);
    } catch (IllegalArgumentException | NullPointerException e) {
      return RegistryKeys.standard();
    }
  }

  private static void validateSize(final String name, final Object value) {
    ByteSizes.parse(name, (String) value);
  }
}
