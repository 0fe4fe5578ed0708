package io.kafkabinlog.tidbsim.tso;

import java.util.Objects;

/**
 * PD's etcd key layout for what the TSO needs: {@code <root>/cluster_id} holds the cluster id and
 * {@code <root>/<cluster id>/timestamp} the saved TSO window, both 8 bytes big-endian. The root is
 * {@code /pd} in PD; tests use their own.
 */
public record PdKeys(String root) {
  /** PD's root. */
  public static final String DEFAULT_ROOT = "/pd";

  public PdKeys {
    Objects.requireNonNull(root, "root");
    if (!root.startsWith("/") || root.endsWith("/")) {
      throw new IllegalArgumentException("PD root must start and not end with '/': " + root);
    }
  }

  public static PdKeys standard() {
    return new PdKeys(DEFAULT_ROOT);
  }

  public String clusterId() {
    return root + "/cluster_id";
  }

  /** The saved TSO window of a cluster (PD: {@code path.Join(rootPath, "timestamp")}). */
  public String timestamp(final long clusterId) {
    return root + "/" + Long.toUnsignedString(clusterId) + "/timestamp";
  }
}
