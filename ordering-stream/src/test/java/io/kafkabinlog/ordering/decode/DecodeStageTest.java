package io.kafkabinlog.ordering.decode;

import static io.kafkabinlog.ordering.decode.Rows.image;
import static io.kafkabinlog.ordering.decode.Rows.orders;
import static io.kafkabinlog.ordering.decode.Rows.row;
import static io.kafkabinlog.ordering.decode.Rows.rowsOf;
import static io.kafkabinlog.ordering.decode.Rows.str;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.kafkabinlog.ordering.decode.DecodeHarness.Ddl;
import io.kafkabinlog.ordering.decode.DecodeHarness.Out;
import io.kafkabinlog.ordering.decode.DecodeHarness.Txn;
import io.kafkabinlog.ordering.topology.PoisonPolicy;
import io.kafkabinlog.schemas.codec.row.Handle;
import io.kafkabinlog.schemas.codec.row.RowCodec;
import io.kafkabinlog.schemas.proto.binlog.MutationType;
import io.kafkabinlog.schemas.proto.binlog.TableMutation;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.schemas.tableinfo.TableInfoJson;
import io.kafkabinlog.tidbsim.catalog.ColumnSpec;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.AddColumn;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.CreateDatabase;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.CreateTable;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.DropColumn;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.TruncateTable;
import io.kafkabinlog.tidbsim.mutation.SimRow;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stage 3 decoding and publishing, fed with tidb-sim's binlogs and DDL history. */
class DecodeStageTest {
  @TempDir Path dir;
  private DecodeHarness h;

  @AfterEach
  void close() {
    if (h != null) {
      h.close();
    }
  }

  private DecodeHarness harness(final int partitions, final int maxRows) {
    h = new DecodeHarness(dir, DecodeHarness.settings(partitions, maxRows, PoisonPolicy.STOP));
    return h;
  }

  private static Map<String, Object> values(final Object... namesAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      m.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return m;
  }

  @Test
  void loadsTheWholeHistoryOnceThenDecodesRowsInSequenceOrder() {
    harness(4, 1000);
    Ddl db = h.ddl(new CreateDatabase("shop"));
    Ddl create = h.ddl(new CreateTable("shop", orders()));
    TableInfo t = h.table("shop", "orders");
    SimRow r1 = row(t, "id", 1L, "name", "a", "price", new BigDecimal("1.50"));
    SimRow r2 = row(t, "id", 2L, "name", "b", "price", null);
    SimRow r3 = row(t, "id", 3L, "name", "c", "price", new BigDecimal("3.00"));
    Txn inserts =
        h.dml(
            b -> {
              b.insert(t, r1);
              b.insert(t, r2);
            });
    Txn mixed =
        h.dml(
            b -> {
              b.update(t, r1, r1.with(Rows.col(t, "name"), "a2"));
              b.insert(t, r3);
              b.delete(t, r2);
              b.update(t, r3, r3.with(Rows.col(t, "price"), new BigDecimal("4.25")));
            });

    h.send(db);
    h.send(create);
    h.send(inserts);
    h.send(mixed);

    assertThat(h.source.loads()).isEqualTo(1);
    assertThat(h.source.jobCalls()).as("jobs known from the initial load").isZero();
    List<Out> txn = h.txn();
    assertThat(txn).hasSize(4);
    assertThat(txn).allSatisfy(o -> assertThat(o.partition()).isZero());

    GenericRecord dbDdl = (GenericRecord) txn.get(0).value().get("ddl");
    assertThat(str(dbDdl, "db")).isEqualTo("shop");
    assertThat(dbDdl.get("table")).isNull();
    assertThat((Long) dbDdl.get("job_id")).isEqualTo(db.job().id());
    assertThat(str(dbDdl, "query")).isEqualTo("CREATE DATABASE `shop`");
    GenericRecord tableDdl = (GenericRecord) txn.get(1).value().get("ddl");
    assertThat(str(tableDdl, "table")).isEqualTo("orders");
    assertThat(TableInfoJson.parseTableInfo(str(tableDdl, "table_info_json")).id())
        .isEqualTo(t.id());
    assertThat((Long) txn.get(1).value().get("schema_version"))
        .isEqualTo(create.job().binlog().schemaVersion());

    GenericRecord first = txn.get(2).value();
    assertThat((Long) first.get("commit_ts")).isEqualTo(inserts.commitTs());
    assertThat((Long) first.get("start_ts")).isEqualTo(inserts.startTs());
    assertThat(txn.get(2).key()).isEqualTo(inserts.commitTs());
    assertThat((Long) first.get("schema_version")).isEqualTo(h.catalog.schemaVersion());
    assertThat((Integer) first.get("fragment")).isZero();
    assertThat((Boolean) first.get("last_fragment")).isTrue();
    List<GenericRecord> firstRows = rowsOf(first);
    assertThat(firstRows).extracting(Rows::type).containsExactly("INSERT", "INSERT");
    assertThat(str(firstRows.get(0), "db")).isEqualTo("shop");
    assertThat(str(firstRows.get(0), "table")).isEqualTo("orders");
    assertThat((Long) firstRows.get(0).get("table_id")).isEqualTo(t.id());
    assertThat(firstRows.get(0).get("before")).isNull();
    assertThat(image(firstRows.get(0), "after"))
        .isEqualTo(values("id", 1L, "name", "a", "price", new BigDecimal("1.50")));
    assertThat(image(firstRows.get(1), "after"))
        .isEqualTo(values("id", 2L, "name", "b", "price", null));
    assertThat(Rows.types(firstRows.get(0), "after"))
        .containsExactly("int(11)", "varchar(20)", "decimal(10,2)");

    List<GenericRecord> mixedRows = rowsOf(txn.get(3).value());
    assertThat(mixedRows)
        .extracting(Rows::type)
        .containsExactly("UPDATE", "INSERT", "DELETE", "UPDATE");
    assertThat(image(mixedRows.get(0), "before")).containsEntry("name", "a");
    assertThat(image(mixedRows.get(0), "after")).containsEntry("name", "a2");
    assertThat(image(mixedRows.get(2), "before"))
        .isEqualTo(values("id", 2L, "name", "b", "price", null));
    assertThat(mixedRows.get(2).get("after")).isNull();
    assertThat(image(mixedRows.get(3), "after")).containsEntry("price", new BigDecimal("4.25"));

    // rows topic: the database DDL on every partition, the rest in the table's partition
    int p = RowsPartitions.of(t.id(), 4);
    List<Out> rows = h.rows();
    assertThat(rows.subList(0, 4)).extracting(Out::partition).containsExactly(0, 1, 2, 3);
    assertThat(rows.subList(0, 4))
        .allSatisfy(o -> assertThat(o.value()).isEqualTo(txn.get(0).value()));
    assertThat(rows.subList(4, rows.size())).hasSize(3);
    assertThat(rows.subList(4, rows.size()))
        .allSatisfy(
            o -> {
              assertThat(o.partition()).isEqualTo(p);
              assertThat(o.key()).isEqualTo(t.id());
            });
    assertThat(rowsOf(rows.get(6).value())).isEqualTo(mixedRows);

    assertThat(h.observer.published)
        .extracting(RecordingObserver.Published::rows)
        .containsExactly(0, 0, 2, 4);
    assertThat(h.observer.ddlApplied).hasSize(2);
  }

  @Test
  void ddlFetchedByIdChangesHowLaterRowsDecode() {
    harness(4, 1000);
    h.send(h.ddl(new CreateDatabase("shop")));
    h.send(h.ddl(new CreateTable("shop", orders())));
    TableInfo before = h.table("shop", "orders");
    // A transaction that starts before the ADD COLUMN and commits after it.
    Txn oldSchema =
        h.dml(b -> b.insert(before, row(before, "id", 10L, "name", "old", "price", null)));

    Ddl add =
        h.ddl(new AddColumn("shop", "orders", ColumnSpec.varchar("note", 10).defaultValue("none")));
    h.send(add);
    assertThat(h.source.jobCalls()).as("CREATE TABLE and ADD COLUMN fetched by id").isEqualTo(2);
    h.send(h.nextTs(), oldSchema.startTs(), oldSchema.binlog());
    TableInfo withNote = h.table("shop", "orders");
    h.send(h.dml(b -> b.insert(withNote, row(withNote, "id", 11L, "name", "n", "note", "hi"))));
    h.send(h.dml(b -> b.insert(withNote, row(withNote, "id", 12L, "name", "m"))));
    // An image without the column (as TiDB writes while it is being added): its origin default.
    h.send(
        h.prewrite(
            h.catalog.schemaVersion(),
            TableMutation.newBuilder()
                .setTableId(withNote.id())
                .addInsertedRows(
                    ByteString.copyFrom(
                        new RowCodec(withNote)
                            .encodeInserted(
                                new Handle.IntHandle(14),
                                Map.of(Rows.col(withNote, "name"), "no note"))))
                .addSequence(MutationType.Insert)
                .build()));

    Ddl drop = h.ddl(new DropColumn("shop", "orders", "name"));
    assertThat(drop.binlogs()).hasSize(2);
    h.send(drop);
    TableInfo dropped = h.table("shop", "orders");
    h.send(h.dml(b -> b.insert(dropped, row(dropped, "id", 13L, "note", "x"))));

    List<Out> txn = h.txn();
    assertThat(txn).hasSize(3 + 4 + 3);
    GenericRecord addDdl = (GenericRecord) txn.get(2).value().get("ddl");
    assertThat((Long) addDdl.get("job_id")).isEqualTo(add.job().id());
    assertThat(str(addDdl, "table_info_json")).contains("\"note\"");
    assertThat((Long) txn.get(2).value().get("schema_version"))
        .isEqualTo(add.job().binlog().schemaVersion());
    // decoded with the schema it ran with: no note column
    assertThat(image(rowsOf(txn.get(3).value()).get(0), "after"))
        .isEqualTo(values("id", 10L, "name", "old", "price", null));
    assertThat(image(rowsOf(txn.get(4).value()).get(0), "after"))
        .isEqualTo(values("id", 11L, "name", "n", "price", null, "note", "hi"));
    assertThat(image(rowsOf(txn.get(5).value()).get(0), "after"))
        .as("NULL given explicitly")
        .containsEntry("note", null);
    assertThat(image(rowsOf(txn.get(6).value()).get(0), "after"))
        .isEqualTo(values("id", 14L, "name", "no note", "price", null, "note", "none"));
    // DROP COLUMN: the delete-only binlog is published schema-only (not to be executed), the
    // final one carries the schema change
    GenericRecord deleteOnly = (GenericRecord) txn.get(7).value().get("ddl");
    assertThat((Long) deleteOnly.get("job_id")).isEqualTo(drop.job().id());
    assertThat((Boolean) deleteOnly.get("schema_only")).isTrue();
    assertThat(deleteOnly.get("table_info_json")).isNull();
    GenericRecord dropDdl = (GenericRecord) txn.get(8).value().get("ddl");
    assertThat((Long) dropDdl.get("job_id")).isEqualTo(drop.job().id());
    assertThat((Boolean) dropDdl.get("schema_only")).isFalse();
    assertThat((Long) txn.get(8).value().get("commit_ts")).isEqualTo(drop.last().commitTs());
    assertThat(image(rowsOf(txn.get(9).value()).get(0), "after"))
        .isEqualTo(values("id", 13L, "price", null, "note", "x"));
    assertThat(h.source.jobCalls()).isEqualTo(3);
  }

  @Test
  void createAndTruncateTableMidStreamAreRoutedToTheirTablesPartitions() {
    harness(8, 1000);
    h.send(h.ddl(new CreateDatabase("shop")));
    Ddl create = h.ddl(new CreateTable("shop", Rows.items()));
    h.send(create);
    TableInfo items = h.table("shop", "items");
    h.send(h.dml(b -> b.insert(items, row(items, "id", 1L, "label", "one"))));
    Ddl truncate = h.ddl(new TruncateTable("shop", "items"));
    h.send(truncate);
    TableInfo fresh = h.table("shop", "items");
    assertThat(fresh.id()).isNotEqualTo(items.id());
    h.send(h.dml(b -> b.insert(fresh, row(fresh, "id", 1L, "label", "again"))));

    assertThat(h.source.jobCalls()).as("CREATE TABLE and TRUNCATE fetched by id").isEqualTo(2);
    List<Out> txn = h.txn();
    assertThat(txn).hasSize(5);
    GenericRecord truncDdl = (GenericRecord) txn.get(3).value().get("ddl");
    assertThat(str(truncDdl, "query")).isEqualTo("TRUNCATE TABLE `shop`.`items`");
    assertThat(TableInfoJson.parseTableInfo(str(truncDdl, "table_info_json")).id())
        .isEqualTo(fresh.id());
    GenericRecord again = rowsOf(txn.get(4).value()).get(0);
    assertThat((Long) again.get("table_id")).isEqualTo(fresh.id());
    assertThat(image(again, "after")).isEqualTo(values("id", 1L, "label", "again"));

    Set<Integer> truncatePartitions =
        h.rows().stream()
            .filter(o -> o.value().get("ddl") != null)
            .filter(
                o ->
                    (Long) ((GenericRecord) o.value().get("ddl")).get("job_id")
                        == truncate.job().id())
            .map(Out::partition)
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(truncatePartitions)
        .isEqualTo(
            new TreeSet<>(
                List.of(RowsPartitions.of(items.id(), 8), RowsPartitions.of(fresh.id(), 8))));
    Out createOnRows =
        h.rows().stream()
            .filter(o -> o.value().get("ddl") != null)
            .filter(
                o ->
                    (Long) ((GenericRecord) o.value().get("ddl")).get("job_id")
                        == create.job().id())
            .findFirst()
            .orElseThrow();
    assertThat(createOnRows.partition()).isEqualTo(RowsPartitions.of(items.id(), 8));
    assertThat(createOnRows.key()).isEqualTo(items.id());
  }
}
