package io.kafkabinlog.tidbsim.workload;

import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.catalog.DdlStatement;
import io.kafkabinlog.tidbsim.catalog.TableSpec;
import io.kafkabinlog.tidbsim.engine.SimCluster;

/** {@code CREATE ... IF NOT EXISTS} for workloads, so a run can continue an earlier run's data. */
final class Schemas {
  private Schemas() {}

  static void ensureDatabase(final SimCluster sim, final String db) {
    if (sim.catalog().database(db).isEmpty()) {
      sim.ddl(new DdlStatement.CreateDatabase(db));
    }
  }

  /** The table, created from {@code spec} (with {@code query} as its text, if given) if missing. */
  static TableInfo ensureTable(
      final SimCluster sim, final String db, final TableSpec spec, final String query) {
    ensureDatabase(sim, db);
    return sim.catalog()
        .table(db, spec.name())
        .orElseGet(
            () -> {
              sim.ddl(new DdlStatement.CreateTable(db, spec, query));
              return sim.catalog().table(db, spec.name()).orElseThrow();
            });
  }
}
