package io.kafkabinlog.pump.state;

import io.kafkabinlog.common.registry.NodeState;
import java.util.Locale;
import java.util.Optional;

/** The pump's lifecycle: the registry states plus {@code STARTING} before it first goes online. */
public enum PumpPhase {
  STARTING(null),
  ONLINE(NodeState.ONLINE),
  PAUSING(NodeState.PAUSING),
  PAUSED(NodeState.PAUSED),
  CLOSING(NodeState.CLOSING),
  OFFLINE(NodeState.OFFLINE);

  private final NodeState registryState;

  PumpPhase(final NodeState registryState) {
    this.registryState = registryState;
  }

  /** The state written to etcd; empty while starting (the entry is not written online yet). */
  public Optional<NodeState> registryState() {
    return Optional.ofNullable(registryState);
  }

  /** As in the original's error text {@code no online: <state>}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
