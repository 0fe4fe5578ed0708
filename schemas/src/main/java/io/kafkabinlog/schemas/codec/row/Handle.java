package io.kafkabinlog.schemas.codec.row;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The handle prefix of an {@code inserted_rows} entry. */
public sealed interface Handle {

  /**
   * An int handle: the integer PK ({@code pk_is_handle}; for BIGINT UNSIGNED the uint64 bits) or
   * the hidden {@code _tidb_rowid}.
   */
  record IntHandle(long value) implements Handle {}

  /**
   * A clustered (common) handle: one typed value per primary-key column, in key order. String
   * values of non-binary collations may be collation sort keys, not the stored strings.
   */
  record CommonHandle(List<Object> values) implements Handle {
    public CommonHandle {
      values = Collections.unmodifiableList(new ArrayList<>(values));
    }
  }
}
