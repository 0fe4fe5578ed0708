package io.kafkabinlog.ordering.decode;

import static io.kafkabinlog.ordering.decode.Rows.image;
import static io.kafkabinlog.ordering.decode.Rows.orders;
import static io.kafkabinlog.ordering.decode.Rows.row;
import static io.kafkabinlog.ordering.decode.Rows.rowsOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.ordering.decode.DecodeHarness.Ddl;
import io.kafkabinlog.ordering.decode.DecodeHarness.Out;
import io.kafkabinlog.ordering.decode.DecodeHarness.Txn;
import io.kafkabinlog.ordering.topology.PoisonPolicy;
import io.kafkabinlog.schemas.codec.row.Handle;
import io.kafkabinlog.schemas.codec.row.RowCodec;
import io.kafkabinlog.schemas.proto.binlog.MutationType;
import io.kafkabinlog.schemas.proto.binlog.TableMutation;
import io.kafkabinlog.schemas.tableinfo.PartitionInfo;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.catalog.ColumnSpec;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.AddColumn;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.CreateDatabase;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.CreateTable;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.DropColumn;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.DropDatabase;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.TruncateTable;
import io.kafkabinlog.tidbsim.catalog.TableSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schema history: what a job does to it, and that how jobs arrive does not matter. */
class SchemaHistoryDecodeTest {
  @TempDir Path dir;

  @Test
  void theSameBinlogsDecodeTheSameWhetherJobsCameFromTheLoadOrById() {
    List<Txn> stream = new ArrayList<>();
    List<Long> laterJobs = new ArrayList<>();
    List<GenericRecord> loaded;
    try (DecodeHarness a =
        new DecodeHarness(dir.resolve("a"), DecodeHarness.settings(4, 2, PoisonPolicy.STOP))) {
      Ddl db = a.ddl(new CreateDatabase("shop"));
      stream.addAll(db.binlogs());
      List<Ddl> ddls = new ArrayList<>();
      ddls.add(a.ddl(new CreateTable("shop", orders())));
      TableInfo v1 = a.table("shop", "orders");
      Txn early =
          a.dml(
              b -> {
                for (long id = 1; id <= 3; id++) {
                  b.insert(v1, row(v1, "id", id, "name", "n" + id));
                }
              });
      ddls.add(a.ddl(new AddColumn("shop", "orders", ColumnSpec.integer("qty").defaultValue("7"))));
      TableInfo v2 = a.table("shop", "orders");
      Txn mid = a.dml(b -> b.insert(v2, row(v2, "id", 4L, "name", "n4", "qty", 4L)));
      ddls.add(a.ddl(new DropColumn("shop", "orders", "price")));
      TableInfo v3 = a.table("shop", "orders");
      Txn late =
          a.dml(
              b -> {
                b.update(
                    v3,
                    row(v3, "id", 4L, "name", "n4", "qty", 4L),
                    row(v3, "id", 4L, "name", "n4", "qty", 5L));
                b.delete(v3, row(v3, "id", 1L, "name", "n1", "qty", 7L));
              });
      ddls.add(a.ddl(new TruncateTable("shop", "orders")));
      stream.addAll(ddls.get(0).binlogs());
      stream.add(early);
      stream.addAll(ddls.get(1).binlogs());
      stream.add(mid);
      stream.addAll(ddls.get(2).binlogs());
      stream.add(late);
      stream.addAll(ddls.get(3).binlogs());
      ddls.forEach(d -> laterJobs.add(d.job().id()));

      // a: every job from the initial load
      stream.forEach(a::send);
      assertThat(a.source.jobCalls()).isZero();
      loaded = a.txn().stream().map(Out::value).toList();

      // b: the same catalog, but only the first job is in the history at the load
      try (DecodeHarness b =
          new DecodeHarness(
              dir.resolve("b"), DecodeHarness.settings(4, 2, PoisonPolicy.STOP), a.catalog)) {
        laterJobs.forEach(b.source::hide);
        b.send(stream.get(0));
        b.source.unhideAll();
        stream.subList(1, stream.size()).forEach(b::send);
        assertThat(b.source.jobCalls()).isEqualTo(laterJobs.size());
        assertThat(b.txn().stream().map(Out::value).toList()).isEqualTo(loaded);
        assertThat(b.rows().stream().map(Out::value).toList())
            .isEqualTo(a.rows().stream().map(Out::value).toList());
      }
    }
    // the DROP COLUMN's delete-only binlog is the schema-only record before its final one
    assertThat(loaded).hasSize(1 + 4 + 2 + 1 + 1 + 1);
    // decoded with the table after DROP COLUMN price
    List<GenericRecord> lateRows = rowsOf(loaded.get(8));
    assertThat(image(lateRows.get(1), "before"))
        .isEqualTo(Map.of("id", 1L, "name", "n1", "qty", 7L));
  }

  @Test
  void partitionIdsDecodeAsTheirTableAndShareItsRowsPartition() {
    try (DecodeHarness h =
        new DecodeHarness(dir, DecodeHarness.settings(6, 1000, PoisonPolicy.STOP))) {
      h.ddl(new CreateDatabase("shop"));
      h.ddl(
          new CreateTable(
              "shop",
              TableSpec.builder("events")
                  .column(ColumnSpec.bigint("id").notNull())
                  .column(ColumnSpec.varchar("what", 20))
                  .primaryKey("id")
                  .hashPartitions("id", 3)
                  .build()));
      TableInfo events = h.table("shop", "events");
      List<Long> parts =
          events.partition().definitions().stream().map(PartitionInfo.Definition::id).toList();
      assertThat(parts).hasSize(3).doesNotContain(events.id());
      RowCodec codec = new RowCodec(events);
      long what = Rows.col(events, "what");
      List<TableMutation> mutations = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        mutations.add(
            TableMutation.newBuilder()
                .setTableId(parts.get(i))
                .addInsertedRows(
                    ByteString.copyFrom(
                        codec.encodeInserted(new Handle.IntHandle(i), Map.of(what, "p" + i))))
                .addSequence(MutationType.Insert)
                .build());
      }
      h.send(h.prewrite(h.catalog.schemaVersion(), mutations.toArray(new TableMutation[0])));

      List<GenericRecord> rows = rowsOf(h.txn().get(0).value());
      assertThat(rows.stream().map(r -> (Long) r.get("table_id")).toList()).isEqualTo(parts);
      assertThat(rows).allSatisfy(r -> assertThat(Rows.str(r, "table")).isEqualTo("events"));
      assertThat(rows.stream().map(r -> image(r, "after").get("what")).toList())
          .containsExactly("p0", "p1", "p2");
      List<Out> onRows = h.rows();
      assertThat(onRows).as("one table: one record").hasSize(1);
      assertThat(onRows.get(0).key()).isEqualTo(events.id());
      assertThat(onRows.get(0).partition()).isEqualTo(RowsPartitions.of(events.id(), 6));
      assertThat(rowsOf(onRows.get(0).value())).hasSize(3);
    }
  }

  @Test
  void dropDatabaseDropsItsTablesAndGoesToEveryPartition() {
    try (DecodeHarness h =
        new DecodeHarness(dir, DecodeHarness.settings(3, 1000, PoisonPolicy.STOP))) {
      h.ddl(new CreateDatabase("shop"));
      h.ddl(new CreateDatabase("other"));
      h.ddl(new CreateTable("shop", orders()));
      h.ddl(new CreateTable("other", orders()));
      TableInfo shopOrders = h.table("shop", "orders");
      TableInfo otherOrders = h.table("other", "orders");
      h.send(h.dml(b -> b.insert(shopOrders, row(shopOrders, "id", 1L))));
      Ddl drop = h.ddl(new DropDatabase("shop"));
      h.send(drop);
      Set<Integer> partitions =
          h.rows().stream()
              .filter(o -> o.value().get("ddl") != null)
              .map(Out::partition)
              .collect(Collectors.toSet());
      assertThat(partitions).containsExactlyInAnyOrder(0, 1, 2);
      GenericRecord ddl = (GenericRecord) h.txn().get(1).value().get("ddl");
      assertThat(Rows.str(ddl, "db")).isEqualTo("shop");
      assertThat(ddl.get("table")).isNull();

      // the other database's table lives on; the dropped one's id is poison now
      h.send(h.dml(b -> b.insert(otherOrders, row(otherOrders, "id", 2L))));
      assertThat(h.txn()).hasSize(3);
      Txn stale =
          h.prewrite(
              h.catalog.schemaVersion(),
              TableMutation.newBuilder()
                  .setTableId(shopOrders.id())
                  .addInsertedRows(ByteString.copyFrom(new byte[] {0x08, 0x06}))
                  .addSequence(MutationType.Insert)
                  .build());
      Throwable t = catchThrowable(() -> h.send(stale));
      FatalBinlogException e = null;
      for (Throwable c = t; c != null; c = c.getCause()) {
        if (c instanceof FatalBinlogException f) {
          e = f;
        }
      }
      assertThat(e).isNotNull();
      assertThat(e.getMessage()).contains("shop.orders").contains("was dropped");
    }
  }
}
