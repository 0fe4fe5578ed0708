package io.kafkabinlog.pump.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The pump's current phase and the rule the gRPC service applies: prewrites only while online;
 * commits and rollbacks in every phase (they finish transactions TiDB already counts on).
 * Transitions are the node's own: STARTING -> ONLINE, ONLINE -> PAUSING -> PAUSED, ONLINE ->
 * CLOSING -> OFFLINE; an operator action is accepted only while online, as in the original.
 */
public final class PumpState {
  private PumpPhase phase = PumpPhase.STARTING;
  private final List<Consumer<PumpPhase>> listeners = new ArrayList<>();

  public synchronized PumpPhase phase() {
    return phase;
  }

  public synchronized boolean acceptsPrewrites() {
    return phase == PumpPhase.ONLINE;
  }

  /** Called for every transition, with the new phase, on the thread that made it. */
  public synchronized void onTransition(final Consumer<PumpPhase> listener) {
    listeners.add(listener);
  }

  public void goOnline() {
    move(PumpPhase.STARTING, PumpPhase.ONLINE);
  }

  /**
   * Starts pausing or closing. Returns the phase that refused the action when the pump is not
   * online (the caller reports it), or empty when the transition happened.
   */
  public Optional<PumpPhase> begin(final PumpPhase target) {
    if (target != PumpPhase.PAUSING && target != PumpPhase.CLOSING) {
      throw new IllegalArgumentException("only PAUSING or CLOSING can be begun: " + target);
    }
    synchronized (this) {
      if (phase != PumpPhase.ONLINE) {
        return Optional.of(phase);
      }
    }
    move(PumpPhase.ONLINE, target);
    return Optional.empty();
  }

  /** PAUSING -> PAUSED or CLOSING -> OFFLINE. */
  public void finish() {
    final PumpPhase from = phase();
    switch (from) {
      case PAUSING -> move(PumpPhase.PAUSING, PumpPhase.PAUSED);
      case CLOSING -> move(PumpPhase.CLOSING, PumpPhase.OFFLINE);
      default -> throw new IllegalStateException("nothing to finish in phase " + from);
    }
  }

  private void move(final PumpPhase from, final PumpPhase to) {
    final List<Consumer<PumpPhase>> toCall;
    synchronized (this) {
      if (phase != from) {
        throw new IllegalStateException("pump is " + phase.wireName() + ", not " + from.wireName());
      }
      phase = to;
      toCall = List.copyOf(listeners);
    }
    toCall.forEach(listener -> listener.accept(to));
  }
}
