package io.kafkabinlog.binlogctl.cli;

import io.kafkabinlog.common.registry.NodeKind;
import java.util.Optional;

/** The values of {@code -cmd}, with the original's names. */
public enum Command {
  PUMPS("pumps", NodeKind.PUMP),
  DRAINERS("drainers", NodeKind.DRAINER),
  UPDATE_PUMP("update-pump", NodeKind.PUMP),
  UPDATE_DRAINER("update-drainer", NodeKind.DRAINER),
  PAUSE_PUMP("pause-pump", NodeKind.PUMP),
  PAUSE_DRAINER("pause-drainer", NodeKind.DRAINER),
  OFFLINE_PUMP("offline-pump", NodeKind.PUMP),
  OFFLINE_DRAINER("offline-drainer", NodeKind.DRAINER),
  GENERATE_META("generate_meta", null),
  /** Known to the original; refused here (nothing of ours reads an encrypted password). */
  ENCRYPT("encrypt", null);

  private final String wireName;
  private final NodeKind kind;

  Command(final String wireName, final NodeKind kind) {
    this.wireName = wireName;
    this.kind = kind;
  }

  /** The name given to {@code -cmd}. */
  public String wireName() {
    return wireName;
  }

  /** The kind of node the command acts on; empty for generate_meta and encrypt. */
  public Optional<NodeKind> kind() {
    return Optional.ofNullable(kind);
  }

  /** Whether the command acts on one node, named by {@code -node-id}. */
  public boolean needsNodeId() {
    return kind != null && this != PUMPS && this != DRAINERS;
  }

  public static Optional<Command> fromWireName(final String name) {
    for (final Command command : values()) {
      if (command.wireName.equals(name)) {
        return Optional.of(command);
      }
    }
    return Optional.empty();
  }
}
