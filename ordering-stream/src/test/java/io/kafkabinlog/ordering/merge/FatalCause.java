package io.kafkabinlog.ordering.merge;

import io.kafkabinlog.common.error.FatalBinlogException;

/** Finds the FatalBinlogException in a driver's exception chain. */
final class FatalCause {
  private FatalCause() {}

  static FatalBinlogException of(final Throwable thrown) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof FatalBinlogException fatal) {
        return fatal;
      }
    }
    throw new AssertionError("no FatalBinlogException in the chain of " + thrown, thrown);
  }
}
