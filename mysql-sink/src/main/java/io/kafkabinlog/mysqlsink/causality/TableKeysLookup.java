package io.kafkabinlog.mysqlsink.causality;

import io.kafkabinlog.mysqlsink.model.TableKeys;

/** The downstream's key metadata of a table (the loader's cache of information_schema). */
@FunctionalInterface
public interface TableKeysLookup {
  TableKeys keys(String db, String table);
}
