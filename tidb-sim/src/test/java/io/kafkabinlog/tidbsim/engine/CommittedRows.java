package io.kafkabinlog.tidbsim.engine;

import io.kafkabinlog.tidbsim.mutation.SimRow;
import java.util.ArrayList;
import java.util.List;

/** Test access to the sim's committed rows (its TiKV). */
public final class CommittedRows {
  private CommittedRows() {}

  /** A copy of the committed rows of a table. */
  public static List<SimRow> of(final SimCluster sim, final long tableId) {
    final List<SimRow> rows = new ArrayList<>();
    sim.storage().rows(tableId).rows().forEach(rows::add);
    return rows;
  }
}
