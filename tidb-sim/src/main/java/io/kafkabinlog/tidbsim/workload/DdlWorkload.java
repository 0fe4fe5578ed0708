package io.kafkabinlog.tidbsim.workload;

import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.catalog.ColumnSpec;
import io.kafkabinlog.tidbsim.catalog.DdlStatement;
import io.kafkabinlog.tidbsim.catalog.TableSpec;
import io.kafkabinlog.tidbsim.engine.NoSuchTableException;
import io.kafkabinlog.tidbsim.engine.SimCluster;
import io.kafkabinlog.tidbsim.engine.Txn;
import io.kafkabinlog.tidbsim.mutation.SimRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Schema changes interleaved with DML: session 0 runs a cycle of DDL jobs (create table, add column
 * with a default, modify column, drop column, rename table, truncate table, drop table, create and
 * drop database) with DML between them; the other sessions keep writing to whatever tables exist
 * (at least the table {@value #BASE_TABLE}, created first and never changed by DDL), so
 * transactions race the DDL jobs (the sim orders them with table locks and TiDB's "Information
 * schema is changed" retry).
 */
public final class DdlWorkload implements Workload {
  static final String DATABASE = "ddl";
  private static final int STEPS = 9;
  static final String BASE_TABLE = "base";

  private final AtomicLong sequence = new AtomicLong();

  @Override
  public String name() {
    return "ddl";
  }

  @Override
  public void run(final SimCluster sim, final WorkloadOptions options, final Progress progress) {
    String db = options.databaseOr(DATABASE);
    // Without a table from the start, the DML sessions would spend their transactions on nothing.
    Schemas.ensureTable(sim, db, spec(BASE_TABLE), null);
    // Names and ids of this run never collide with an earlier run's on the same data directory.
    long runId = sim.catalog().lastGlobalId();
    sequence.set(runId * 1_000_000L);
    SessionLoop.run(
        options,
        progress,
        300,
        (session, random, n) -> {
          if (session == 0) {
            ddlStep(sim, db, runId, random, n);
          } else {
            dml(sim, db, random);
          }
        });
    progress.done();
  }

  /** Step {@code n} of the DDL session: every STEPS steps, one full cycle over a new table. */
  private void ddlStep(
      final SimCluster sim, final String db, final long runId, final Random r, final long n) {
    long cycle = n / STEPS;
    String table = "t" + runId + "_" + cycle;
    String renamed = table + "_renamed";
    switch ((int) (n % STEPS)) {
      case 0 -> sim.ddl(new DdlStatement.CreateTable(db, spec(table)));
      case 1 -> {
        dml(sim, db, r);
        sim.ddl(
            new DdlStatement.AddColumn(
                db, table, ColumnSpec.varchar("added", 20).notNull().defaultValue("dflt")));
      }
      case 2 -> sim.ddl(new DdlStatement.ModifyColumn(db, table, ColumnSpec.varchar("name", 64)));
      case 3 -> sim.ddl(new DdlStatement.DropColumn(db, table, "score"));
      case 4 -> sim.ddl(new DdlStatement.RenameTable(db, table, db, renamed));
      case 5 -> {
        dml(sim, db, r);
        sim.ddl(new DdlStatement.TruncateTable(db, renamed));
      }
      case 6 -> {
        String other = db + "_extra" + runId + "_" + cycle;
        // Idempotent: a step that failed half-way (PD or pumps away) is run again.
        Schemas.ensureTable(sim, other, spec("side"), null);
        sim.inTxn(10, txn -> insertInto(txn, other, "side", r));
      }
      case 7 -> sim.ddl(new DdlStatement.DropDatabase(db + "_extra" + runId + "_" + cycle));
      default -> {
        // Keep every second table, so the final state has tables shaped by each DDL kind.
        if (cycle % 2 == 0) {
          sim.ddl(new DdlStatement.DropTable(db, renamed));
        } else {
          dml(sim, db, r);
        }
      }
    }
  }

  private static TableSpec spec(final String name) {
    return TableSpec.builder(name)
        .column(ColumnSpec.bigint("id").notNull())
        .column(ColumnSpec.varchar("name", 32))
        .column(ColumnSpec.integer("score"))
        .primaryKey("id")
        .build();
  }

  /** One transaction of inserts, updates and deletes on a random existing table of {@code db}. */
  private void dml(final SimCluster sim, final String db, final Random r) {
    List<TableInfo> tables = sim.catalog().tables(db);
    if (tables.isEmpty()) {
      return;
    }
    String name = tables.get(r.nextInt(tables.size())).name().o();
    try {
      sim.inTxn(10, txn -> change(txn, db, name, r));
    } catch (NoSuchTableException e) {
      // Dropped or renamed between listing and use: the next transaction picks another.
    }
  }

  private Void change(final Txn txn, final String db, final String name, final Random r) {
    for (int i = 0; i < 3; i++) {
      insertInto(txn, db, name, r);
    }
    TableInfo t = txn.table(db, name);
    long someId = sequence.get() - r.nextInt(50);
    Optional<SimRow> row = txn.getForUpdate(t, Rows.of(t, "id", someId));
    if (row.isPresent()) {
      if (r.nextBoolean()) {
        txn.update(t, row.get(), Rows.of(t, "name", "updated-" + r.nextInt(1000)));
      } else {
        txn.delete(t, row.get());
      }
    }
    return null;
  }

  private Void insertInto(final Txn txn, final String db, final String name, final Random r) {
    TableInfo t = txn.table(db, name);
    List<Object> namesAndValues = new ArrayList<>(List.of("id", sequence.incrementAndGet()));
    namesAndValues.add("name");
    namesAndValues.add(r.nextInt(5) == 0 ? null : "n" + r.nextInt(1000));
    if (t.cols().stream().anyMatch(c -> c.name().l().equals("score"))) {
      namesAndValues.add("score");
      namesAndValues.add((long) r.nextInt(100));
    }
    txn.insert(t, Rows.of(t, namesAndValues.toArray()));
    return null;
  }
}
