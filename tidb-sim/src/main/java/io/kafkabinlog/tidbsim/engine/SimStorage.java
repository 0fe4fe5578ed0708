package io.kafkabinlog.tidbsim.engine;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import java.util.concurrent.ConcurrentHashMap;

/** The sim's committed data (its TiKV): the rows of every live table by table id. */
final class SimStorage {
  private final ConcurrentHashMap<Long, TableRows> tables = new ConcurrentHashMap<>();

  TableRows rows(final long tableId) {
    TableRows rows = tables.get(tableId);
    if (rows == null) {
      throw new FatalBinlogException(
          ErrorCode.INTERNAL, "table id " + tableId + " has no storage in this sim process");
    }
    return rows;
  }

  boolean has(final long tableId) {
    return tables.containsKey(tableId);
  }

  void create(final long tableId) {
    tables.putIfAbsent(tableId, new TableRows());
  }

  java.util.Set<Long> tableIds() {
    return java.util.Set.copyOf(tables.keySet());
  }

  void drop(final long tableId) {
    tables.remove(tableId);
  }
}
