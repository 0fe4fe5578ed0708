package io.kafkabinlog.common.registry;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import java.util.Locale;

/** The refusal every {@link NodeRegistry} gives a second process with a live node's id. */
final class RegistryConflicts {
  private RegistryConflicts() {}

  /**
   * @param held how the alive key is held, e.g. {@code "alive key K is held"}
   */
  static FatalBinlogException alreadyLive(
      final NodeKind kind, final String nodeId, final String held) {
    return new FatalBinlogException(
        ErrorCode.REGISTRY_CONFLICT,
        kind.name().toLowerCase(Locale.ROOT)
            + " "
            + nodeId
            + " is already live ("
            + held
            + "); two processes must not share a node id");
  }
}
