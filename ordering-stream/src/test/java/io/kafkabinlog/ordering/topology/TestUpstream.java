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
import io.kafkabinlog.schemas.tableinfo.Job;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.catalog.Catalog;
import io.kafkabinlog.tidbsim.catalog.ColumnSpec;
import io.kafkabinlog.tidbsim.catalog.DdlStatement;
import io.kafkabinlog.tidbsim.catalog.TableSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A tidb-sim catalog with one table {@code p.t(id BIGINT PRIMARY KEY, v VARCHAR(32))}, its DDL
 * history as a {@link SchemaSource}, and prewrite binlogs inserting rows into it, as TiDB encodes
 * them.
 */
final class TestUpstream implements AutoCloseable {
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

  @Override
  public void close() {
    catalog.close();
  }
}
