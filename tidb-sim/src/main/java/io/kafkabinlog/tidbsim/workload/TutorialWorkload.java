package io.kafkabinlog.tidbsim.workload;

import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.catalog.ColumnSpec;
import io.kafkabinlog.tidbsim.catalog.TableSpec;
import io.kafkabinlog.tidbsim.engine.SimCluster;
import io.kafkabinlog.tidbsim.mutation.SimRow;
import java.util.Map;

/**
 * The TiDB-Binlog tutorial's upstream session:
 *
 * <pre>
 * create database tidbtest;
 * use tidbtest;
 * create table t1 (id int unsigned not null AUTO_INCREMENT primary key);
 * insert into t1 () values (),(),(),(),();
 * </pre>
 *
 * After it, the downstream shows {@code tidbtest.t1} with ids 1 to 5 (a second run adds 6 to 10).
 */
public final class TutorialWorkload implements Workload {
  static final String DATABASE = "tidbtest";
  static final String CREATE_T1 =
      "create table t1 (id int unsigned not null AUTO_INCREMENT primary key)";

  @Override
  public String name() {
    return "tutorial";
  }

  @Override
  public void run(final SimCluster sim, final WorkloadOptions options, final Progress progress) {
    String db = options.databaseOr(DATABASE);
    TableSpec spec =
        TableSpec.builder("t1")
            .column(ColumnSpec.integer("id").unsigned().notNull().autoIncrement())
            .primaryKey("id")
            .build();
    Schemas.ensureTable(sim, db, spec, CREATE_T1);
    sim.inTxn(
        3,
        txn -> {
          TableInfo t1 = txn.table(db, "t1");
          for (int i = 0; i < 5; i++) {
            txn.insert(t1, SimRow.of(Map.of()));
          }
          return null;
        });
    progress.done();
  }
}
