package io.kafkabinlog.tidbsim.mutation;

import java.util.Objects;

/** One committed row change of a table, as the expected state replays it. */
public sealed interface RowChange {

  /** The logical table id ({@code TableInfo.id}). */
  long tableId();

  /** A new row. */
  record Insert(long tableId, SimRow row) implements RowChange {
    public Insert {
      Objects.requireNonNull(row, "row");
    }
  }

  /** A changed row: the full old and new images (the handle may differ between them). */
  record Update(long tableId, SimRow oldRow, SimRow newRow) implements RowChange {
    public Update {
      Objects.requireNonNull(oldRow, "oldRow");
      Objects.requireNonNull(newRow, "newRow");
    }
  }

  /** A removed row: its full old image. */
  record Delete(long tableId, SimRow row) implements RowChange {
    public Delete {
      Objects.requireNonNull(row, "row");
    }
  }
}
