package io.kafkabinlog.tidbsim.cli;

import io.kafkabinlog.common.config.ConfigReader;
import io.kafkabinlog.common.config.PdSection;
import io.kafkabinlog.common.config.Settings;
import io.kafkabinlog.common.net.HostPort;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * {@code tidb-sim tso}: the long-running PD + TiDB-status stand-in. {@code addr} serves PD's TSO
 * gRPC API; {@code status-addr} serves TiDB's status API (schema, DDL history, txn status) from the
 * data directory that {@code run} writes.
 */
record TsoConfig(
    HostPort addr,
    HostPort statusAddr,
    List<URI> etcdUrls,
    Path dataDir,
    long clusterId,
    String pdRoot,
    Duration lockTtl) {

  static final String ADDR = "addr";
  static final String CLUSTER_ID = "cluster-id";
  static final String PD_ROOT = "pd-root";

  static ConfigDef definition() {
    ConfigDef def = new ConfigDef();
    SimKeys.dataDir(def);
    SimKeys.etcd(def);
    SimKeys.lockTtl(def);
    SimKeys.statusAddr(
        def, "127.0.0.1:10080", "TiDB status API address (empty: off); TiDB's default port 10080.");
    def.define(
        ADDR,
        Type.STRING,
        "127.0.0.1:2479",
        SimKeys::validateAddr,
        Importance.HIGH,
        "PD gRPC (TSO) address; run and the pumps use it as their tso-urls.");
    def.define(
        CLUSTER_ID,
        Type.LONG,
        0L,
        ConfigDef.Range.atLeast(0),
        Importance.MEDIUM,
        "Cluster id to create on first start (0: random); kept in etcd afterwards, as PD does.");
    def.define(
        PD_ROOT,
        Type.STRING,
        "/pd",
        new ConfigDef.NonEmptyString(),
        Importance.LOW,
        "etcd root of PD keys.");
    return def;
  }

  static TsoConfig from(final Settings settings) {
    ConfigReader r = new ConfigReader("tidb-sim tso", definition(), settings, Set.of());
    TsoConfig config =
        new TsoConfig(
            SimKeys.readAddr(r, ADDR),
            SimKeys.readAddr(r, SimKeys.STATUS_ADDR),
            PdSection.read(r),
            SimKeys.readDataDir(r),
            r.getLong(CLUSTER_ID),
            r.getString(PD_ROOT),
            r.getDuration(SimKeys.LOCK_TTL, ChronoUnit.SECONDS));
    r.throwIfInvalid();
    return config;
  }
}
