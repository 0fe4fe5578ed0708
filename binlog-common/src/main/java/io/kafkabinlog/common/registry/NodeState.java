package io.kafkabinlog.common.registry;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Node states with the original's strings. The allowed transitions are those a node makes by
 * itself; {@code binlogctl update-pump} may still force any state on a dead node, as the original.
 */
public enum NodeState {
  ONLINE,
  PAUSING,
  PAUSED,
  CLOSING,
  OFFLINE;

  /** The state as stored in etcd and shown by {@code SHOW PUMP STATUS}. */
  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static NodeState fromWireName(final String name) {
    for (final NodeState state : values()) {
      if (state.wireName().equals(name)) {
        return state;
      }
    }
    throw new IllegalArgumentException(
        "unknown node state '" + name + "' (expected online, pausing, paused, closing, offline)");
  }

  /** States this one may move to by the node's own lifecycle. */
  public Set<NodeState> next() {
    return switch (this) {
      case ONLINE -> EnumSet.of(PAUSING, CLOSING);
      case PAUSING -> EnumSet.of(PAUSED);
      case PAUSED, OFFLINE -> EnumSet.of(ONLINE);
      case CLOSING -> EnumSet.of(OFFLINE);
    };
  }

  public boolean canMoveTo(final NodeState target) {
    return next().contains(target);
  }
}
