package io.kafkabinlog.binlogctl.registry;

import io.kafkabinlog.common.registry.NodeKind;
import io.kafkabinlog.common.registry.NodeRegistry;
import io.kafkabinlog.common.registry.NodeState;
import io.kafkabinlog.common.registry.RegisteredNode;
import java.util.List;
import java.util.Objects;

/** {@code -cmd pumps} and {@code -cmd drainers}: one line per node, by node id. */
public final class NodeListing {
  private final NodeRegistry registry;
  private final NodeLine line;

  public NodeListing(final NodeRegistry registry, final NodeLine line) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.line = Objects.requireNonNull(line, "line");
  }

  /**
   * @param showOffline false hides nodes whose state is {@code offline}, as the original
   */
  public List<String> lines(final NodeKind kind, final boolean showOffline) {
    return registry.list(kind).stream()
        .filter(node -> showOffline || node.status().state() != NodeState.OFFLINE)
        .map((RegisteredNode node) -> line.format(kind, node))
        .toList();
  }
}
