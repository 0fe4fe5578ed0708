package io.kafkabinlog.common.registry;

import java.util.Objects;

/**
 * The etcd key layout, versioned and in one place.
 *
 * <ul>
 *   <li>{@code <root>/v1/pumps/<nodeID>} and {@code <root>/v1/drainers/<nodeID>}: the original's
 *       node JSON, read by TiDB and the original tools.
 *   <li>{@code <root>/v1/kafka/alive/<kind>/<nodeID>}: our lease-bound liveness key. It sits
 *       outside the {@code pumps}/{@code drainers} prefixes because TiDB parses every key under
 *       {@code <root>/v1/pumps} as node JSON.
 *   <li>{@code <root>/v1/kafka/...}: every other key of ours (liveness, raw-partition bindings),
 *       under {@link #kafkaPrefix()}.
 * </ul>
 *
 * The root is {@code /tidb-binlog} in production; tests use a unique root each.
 */
public final class RegistryKeys {
  /** The original's root. */
  public static final String DEFAULT_ROOT = "/tidb-binlog";

  private final String root;

  public RegistryKeys(final String root) {
    Objects.requireNonNull(root, "root");
    if (!root.startsWith("/") || root.endsWith("/")) {
      throw new IllegalArgumentException("registry root must start and not end with '/': " + root);
    }
    this.root = root;
  }

  public static RegistryKeys standard() {
    return new RegistryKeys(DEFAULT_ROOT);
  }

  public String root() {
    return root;
  }

  /** Prefix that lists every node of a kind, with its trailing slash. */
  public String nodePrefix(final NodeKind kind) {
    return root + "/v1/" + kind.folder() + "/";
  }

  public String node(final NodeKind kind, final String nodeId) {
    return nodePrefix(kind) + nodeId;
  }

  /** Prefix of every key of ours that the original does not know, with its trailing slash. */
  public String kafkaPrefix() {
    return root + "/v1/kafka/";
  }

  public String alivePrefix(final NodeKind kind) {
    return kafkaPrefix() + "alive/" + kind.folder() + "/";
  }

  public String alive(final NodeKind kind, final String nodeId) {
    return alivePrefix(kind) + nodeId;
  }

  /** Node id from a full node key, or {@code null} if the key is not directly under the prefix. */
  public String nodeIdOf(final NodeKind kind, final String key) {
    final String prefix = nodePrefix(kind);
    if (!key.startsWith(prefix) || key.indexOf('/', prefix.length()) >= 0) {
      return null;
    }
    return key.substring(prefix.length());
  }
}
