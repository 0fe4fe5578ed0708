package io.kafkabinlog.common.config;

import io.kafkabinlog.common.net.HostPort;
import io.kafkabinlog.common.registry.RegistryKeys;
import java.time.Duration;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The keys of a process that registers itself as a node (a pump, a drainer): where the registry is
 * ({@code registry-root}), who it is ({@code node-id}), how long it stays alive after a kill
 * ({@code liveness-ttl}), and the address others dial ({@code advertise-addr}, defined by each
 * component, whose dialers differ).
 */
public final class NodeSection {
  public static final String ADVERTISE_ADDR = "advertise-addr";
  public static final String REGISTRY_ROOT = "registry-root";
  public static final String NODE_ID = "node-id";
  public static final String LIVENESS_TTL = "liveness-ttl";

  private NodeSection() {}

  /** Adds {@code registry-root}, {@code node-id} and {@code liveness-ttl}. */
  public static ConfigDef define(final ConfigDef def) {
    def.define(
        REGISTRY_ROOT,
        ConfigDef.Type.STRING,
        RegistryKeys.DEFAULT_ROOT,
        NodeSection::validateRegistryRoot,
        ConfigDef.Importance.LOW,
        "etcd root of the node registry.");
    def.define(
        NODE_ID,
        ConfigDef.Type.STRING,
        "",
        NodeSection::validateNodeId,
        ConfigDef.Importance.MEDIUM,
        "Node id; empty: the one in <data-dir>/.node, else hostname:port.");
    return DurationValidator.define(
        def,
        LIVENESS_TTL,
        "6s",
        Duration.ofSeconds(1),
        "TTL of the lease behind the liveness key (etcd counts whole seconds).");
  }

  /** {@code node-id}, if set. */
  public static Optional<String> nodeId(final ConfigReader r) {
    final String text = r.getString(NODE_ID);
    return text == null || text.isBlank() ? Optional.empty() : Optional.of(text.trim());
  }

  /**
   * {@code advertise-addr}, else {@code addr}; a wildcard host is a problem, since nobody can dial
   * it.
   *
   * @param node what the process is, in messages ({@code pump})
   * @param dialer who dials the address, in messages ({@code TiDB})
   */
  public static HostPort advertiseAddr(
      final ConfigReader r, final HostPort addr, final String node, final String dialer) {
    final Optional<HostPort> configured = address(r, ADVERTISE_ADDR);
    final HostPort advertise = configured.orElse(addr);
    if (advertise.isWildcard()) {
      r.problem(
          ADVERTISE_ADDR,
          configured.isPresent()
              ? "'"
                  + advertise
                  + "' is a wildcard address; "
                  + dialer
                  + " must be able to dial it: set a host name or IP that resolves from "
                  + dialer
              : "not set, and addr '"
                  + addr
                  + "' is a wildcard address that "
                  + dialer
                  + " cannot dial: set advertise-addr to a host name or IP of this "
                  + node
                  + " that resolves from "
                  + dialer);
    }
    return advertise;
  }

  /** A host:port key's value; empty if blank or invalid (the key's validator reports that). */
  public static Optional<HostPort> address(final ConfigReader r, final String key) {
    final String text = r.getString(key);
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(HostPort.parse(key, text.trim()));
    } catch (ConfigException e) {
      return Optional.empty(); // reported by the validator
    }
  }

  private static void validateRegistryRoot(final String name, final Object value) {
    try {
      new RegistryKeys(String.valueOf(value));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(name, value, "must start with '/' and not end with '/'");
    }
  }

  private static void validateNodeId(final String name, final Object value) {
    if (String.valueOf(value).contains("/")) {
      throw new ConfigException(name, value, "must not contain '/' (it is part of an etcd key)");
    }
  }
}
