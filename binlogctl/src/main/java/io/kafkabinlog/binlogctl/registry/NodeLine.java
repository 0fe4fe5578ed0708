package io.kafkabinlog.binlogctl.registry;

import io.kafkabinlog.binlogctl.GoTime;
import io.kafkabinlog.common.registry.NodeKind;
import io.kafkabinlog.common.registry.NodeStatus;
import io.kafkabinlog.common.registry.RegisteredNode;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Objects;

/**
 * The original's line per node ({@code ["query node"] [type=pump] [node="{NodeID: ..., Addr: ...,
 * State: ..., MaxCommitTS: ..., UpdateTime: ...}"]}), with our {@code Alive} field added last.
 */
public final class NodeLine {
  private final ZoneId zone;

  /**
   * @param zone the zone UpdateTime is shown in (the original: the local one)
   */
  public NodeLine(final ZoneId zone) {
    this.zone = Objects.requireNonNull(zone, "zone");
  }

  /** The original's name of a kind in log lines: {@code pump} or {@code drainer}. */
  public static String typeName(final NodeKind kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }

  public String format(final NodeKind kind, final RegisteredNode node) {
    return "[\"query node\"] [type=" + typeName(kind) + "] [node=" + quoted(describe(node)) + "]";
  }

  /** The original's {@code Status.String()} plus {@code Alive}. */
  String describe(final RegisteredNode node) {
    final NodeStatus s = node.status();
    return "{NodeID: "
        + s.nodeId()
        + ", Addr: "
        + s.host()
        + ", State: "
        + s.state().wireName()
        + ", MaxCommitTS: "
        + s.maxCommitTs()
        + ", UpdateTime: "
        + GoTime.ofTso(s.updateTs(), zone)
        + ", Alive: "
        + node.live()
        + "}";
  }

  /** A zap field value: quoted, with quotes and backslashes escaped. */
  public static String quoted(final String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
