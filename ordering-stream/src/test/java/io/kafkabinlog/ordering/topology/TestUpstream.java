package io.kafkabinlog.ordering.topology;

import com.google.protobuf.ByteString;
import io.kafkabinlog.ordering.decode.SchemaSource;
import io.kafkabinlog.schemas.binlog.Binlogs;
import io.kafkabinlog.schemas.codec.row.Handle;
import io.kafkabinlog.schemas.codec.row.RowCodec;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.MutationType;
import io.kafkabinlog.schemas.proto.binlog.PrewriteValue;
import io.kafkabinlog.schemas.proto.binlog.TableMutation;
import io.kafkabinlog.schemas.tableinfo.ColumnInfo;
import io.kafkabinlog.schemas.tableinfo.Job;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.catalog.Catalog;
import io.kafkabinlog.tidbsim.catalog.ColumnSpec;
import io.kafkabinlog.tidbsim.catalog.DdlPlan;
import io.kafkabinlog.tidbsim.catalog.DdlStatement;
import io.kafkabinlog.tidbsim.catalog.TableSpec;
import io.kafkabinlog.tidbsim.mutation.SimRow;
import io.kafkabinlog.tidbsim.mutation.TxnMutationsBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A tidb-sim catalog with one table {@code p.t(id BIGINT PRIMARY KEY, v VARCHAR(32))}, its DDL
 * history as a {@link SchemaSource}, and prewrite binlogs changing rows in it, as TiDB encodes
 * them; DDL runs through the catalog and yields its binlogs as tidb-sim writes them.
 */
final class TestUpstream implements AutoCloseable {
  /** One DDL binlog transaction: its prewrite (ddl_job_id, ddl_query) and its commit_ts. */
  record DdlTxn(Binlog prewrite, long commitTs) {
    long startTs() {
      return prewrite.getStartTs();
    }
  }

  private final Catalog catalog;
  private final TableInfo table;
  private final RowCodec codec;

  TestUpstream(final Path dir, final long ddlTs) {
    this.catalog = Catalog.open(dir);
    catalog.commit(catalog.plan(new DdlStatement.CreateDatabase("p")), ddlTs);
    final TableSpec spec =
        TableSpec.builder("t")
            .column(ColumnSpec.bigint("id"))
            .column(ColumnSpec.varchar("v", 32))
            .primaryKey("id")
            .build();
    catalog.commit(catalog.plan(new DdlStatement.CreateTable("p", spec)), ddlTs + 1);
    this.table = catalog.table("p", "t").orElseThrow();
    this.codec = new RowCodec(table);
  }

  TableInfo table() {
    return table;
  }

  Catalog catalog() {
    return catalog;
  }

  SchemaSource schemaSource() {
    return new SchemaSource() {
      @Override
      public void forEachJob(final Consumer<Job> consumer) {
        catalog.historyJobs().stream().sorted(Comparator.comparingLong(Job::id)).forEach(consumer);
      }

      @Override
      public Optional<Job> job(final long jobId) {
        return catalog.historyJob(jobId);
      }
    };
  }

  /** A prewrite binlog inserting row {@code id} (value "v<id>"). */
  Binlog insert(final long startTs, final long id) {
    final Map<Long, Object> values = new LinkedHashMap<>();
    values.put(table.cols().get(1).id(), "v" + id);
    return Binlogs.prewrite(
        startTs,
        ByteString.copyFrom(Long.toString(id), StandardCharsets.US_ASCII),
        PrewriteValue.newBuilder()
            .setSchemaVersion(catalog.schemaVersion())
            .addMutations(
                TableMutation.newBuilder()
                    .setTableId(table.id())
                    .addInsertedRows(
                        ByteString.copyFrom(codec.encodeInserted(new Handle.IntHandle(id), values)))
                    .addSequence(MutationType.Insert))
            .build());
  }

  /**
   * A prewrite inserting rows {@code firstId .. firstId + count - 1} (values "v<id>") in one
   * transaction, with the table as it is now.
   */
  Binlog insertRows(final long startTs, final long firstId, final int count) {
    return dml(
        startTs,
        b -> {
          final TableInfo now = current();
          for (long id = firstId; id < firstId + count; id++) {
            b.insert(now, row(now, Map.of("id", id, "v", "v" + id)));
          }
        });
  }

  /** A prewrite inserting one row given as column name -> value, with the table as it is now. */
  Binlog insert(final long startTs, final Map<String, Object> row) {
    return dml(startTs, b -> b.insert(current(), row(current(), row)));
  }

  /** A prewrite updating one row from {@code before} to {@code after} (full images). */
  Binlog update(
      final long startTs, final Map<String, Object> before, final Map<String, Object> after) {
    return dml(startTs, b -> b.update(current(), row(current(), before), row(current(), after)));
  }

  /** A prewrite deleting one row (its full image). */
  Binlog delete(final long startTs, final Map<String, Object> row) {
    return dml(startTs, b -> b.delete(current(), row(current(), row)));
  }

  /**
   * Runs {@code statement} in the catalog as tidb-sim's engine does: one binlog transaction per
   * schema state the plan logs (a DDL prewrite carrying the job id and query, start and commit ts
   * from {@code tso}), the job committed to the history in the last one. The caller writes each
   * prewrite and its commit to a pump.
   */
  List<DdlTxn> ddl(final DdlStatement statement, final LongSupplier tso) {
    final DdlPlan plan = catalog.plan(statement);
    final List<Integer> states = plan.binlogSchemaStates();
    final List<DdlTxn> txns = new ArrayList<>();
    for (int i = 0; i < states.size(); i++) {
      final long startTs = tso.getAsLong();
      final Binlog prewrite = Binlogs.ddl(startTs, plan.jobId(), states.get(i), plan.query());
      final long commitTs = tso.getAsLong();
      if (i == states.size() - 1) {
        catalog.commit(plan, startTs, commitTs);
      }
      txns.add(new DdlTxn(prewrite, commitTs));
    }
    return txns;
  }

  /** Table p.t as the catalog has it now (after any DDL). */
  TableInfo current() {
    return catalog.table("p", "t").orElseThrow();
  }

  private Binlog dml(final long startTs, final Consumer<TxnMutationsBuilder> body) {
    final TxnMutationsBuilder b = new TxnMutationsBuilder(catalog.schemaVersion());
    body.accept(b);
    return Binlogs.prewrite(startTs, b.primaryKey(), b.build());
  }

  private static SimRow row(final TableInfo table, final Map<String, Object> byName) {
    final Map<Long, Object> values = new LinkedHashMap<>();
    byName.forEach((name, value) -> values.put(column(table, name), value));
    return SimRow.of(values);
  }

  private static long column(final TableInfo table, final String name) {
    for (ColumnInfo c : table.cols()) {
      if (c.name().o().equals(name)) {
        return c.id();
      }
    }
    throw new IllegalArgumentException("no column " + name + " in p.t");
  }

  @Override
  public void close() {
    catalog.close();
  }
}
