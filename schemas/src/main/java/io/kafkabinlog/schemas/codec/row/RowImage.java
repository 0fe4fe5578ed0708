package io.kafkabinlog.schemas.codec.row;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One decoded row image: typed values by column id in the order found (NULL values are present with
 * a {@code null} value; column id -1 is the hidden {@code _tidb_rowid} as a Long), the handle
 * prefix for inserted rows (else {@code null}), and the ids present in the data but unknown to the
 * TableInfo (their values are skipped).
 */
public record RowImage(
    Map<Long, Object> valuesByColumnId, Handle handle, Set<Long> unknownColumnIds) {

  public RowImage {
    valuesByColumnId = Collections.unmodifiableMap(new LinkedHashMap<>(valuesByColumnId));
    unknownColumnIds = Collections.unmodifiableSet(new LinkedHashSet<>(unknownColumnIds));
  }

  public boolean has(long columnId) {
    return valuesByColumnId.containsKey(columnId);
  }

  public Object get(long columnId) {
    return valuesByColumnId.get(columnId);
  }
}
