package io.kafkabinlog.ordering.decode;

import static io.kafkabinlog.ordering.decode.Rows.col;
import static io.kafkabinlog.ordering.decode.Rows.image;
import static io.kafkabinlog.ordering.decode.Rows.orders;
import static io.kafkabinlog.ordering.decode.Rows.row;
import static io.kafkabinlog.ordering.decode.Rows.rowsOf;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.kafkabinlog.ordering.decode.DecodeHarness.Out;
import io.kafkabinlog.ordering.decode.DecodeHarness.Txn;
import io.kafkabinlog.ordering.topology.PoisonPolicy;
import io.kafkabinlog.ordering.topology.TopologySettings;
import io.kafkabinlog.schemas.codec.row.Handle;
import io.kafkabinlog.schemas.codec.row.RowCodec;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.CreateDatabase;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.CreateTable;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stage 3's output shape: fragments, partitions, resolved-ts markers, row order. */
class DecodeOutputTest {
  @TempDir Path dir;
  private DecodeHarness h;

  @AfterEach
  void close() {
    if (h != null) {
      h.close();
    }
  }

  private void shop(final TopologySettings settings) {
    h = new DecodeHarness(dir, settings);
    h.ddl(new CreateDatabase("shop"));
    h.ddl(new CreateTable("shop", orders()));
    h.ddl(new CreateTable("shop", Rows.items()));
  }

  private static String fragments(final List<Out> outs) {
    return outs.stream()
        .map(
            o ->
                rowsOf(o.value()).size()
                    + "@"
                    + o.value().get("fragment")
                    + ((Boolean) o.value().get("last_fragment") ? "L" : ""))
        .collect(Collectors.joining(" "));
  }

  @Test
  void aLargeTransactionIsPublishedInFragmentsOnBothTopics() {
    shop(DecodeHarness.settings(5, 2, PoisonPolicy.STOP));
    TableInfo o = h.table("shop", "orders");
    TableInfo i = h.table("shop", "items");
    Txn txn =
        h.dml(
            b -> {
              for (long id = 1; id <= 3; id++) {
                b.insert(o, row(o, "id", id, "name", "o" + id));
              }
              b.insert(i, row(i, "id", 1L, "label", "i1"));
              b.insert(i, row(i, "id", 2L, "label", "i2"));
            });
    h.send(txn);

    List<Out> txnOut = h.txn();
    assertThat(fragments(txnOut)).isEqualTo("2@0 2@1 1@2L");
    assertThat(txnOut).allSatisfy(x -> assertThat(x.key()).isEqualTo(txn.commitTs()));
    assertThat(txnOut)
        .allSatisfy(x -> assertThat((Long) x.value().get("commit_ts")).isEqualTo(txn.commitTs()));
    List<Long> ids =
        txnOut.stream()
            .flatMap(x -> rowsOf(x.value()).stream())
            .map(r -> (Long) image(r, "after").get("id"))
            .toList();
    assertThat(ids).containsExactly(1L, 2L, 3L, 1L, 2L);

    List<Out> rows = h.rows();
    List<Out> ofOrders = rows.stream().filter(x -> x.key() == o.id()).toList();
    List<Out> ofItems = rows.stream().filter(x -> x.key() == i.id()).toList();
    assertThat(rows).hasSize(ofOrders.size() + ofItems.size());
    assertThat(fragments(ofOrders)).isEqualTo("2@0 1@1L");
    assertThat(fragments(ofItems)).isEqualTo("2@0L");
    assertThat(ofOrders)
        .allSatisfy(x -> assertThat(x.partition()).isEqualTo(RowsPartitions.of(o.id(), 5)));
    assertThat(ofItems)
        .allSatisfy(x -> assertThat(x.partition()).isEqualTo(RowsPartitions.of(i.id(), 5)));
    assertThat(
            ofItems.stream()
                .flatMap(x -> rowsOf(x.value()).stream())
                .map(r -> image(r, "after").get("label")))
        .containsExactly("i1", "i2");
    assertThat(h.observer.published).hasSize(1);
    assertThat(h.observer.published.get(0).rows()).isEqualTo(5);
  }

  @Test
  void theByteLimitSplitsRecordsToo() {
    TopologySettings s = DecodeHarness.settings(1, 1000, PoisonPolicy.STOP);
    shop(
        new TopologySettings(
            s.rawTopic(),
            s.resolutionsTopic(),
            s.controlTopic(),
            s.txnTopic(),
            s.rowsTopic(),
            s.deadLetterTopic(),
            1,
            s.fragmentBytes(),
            s.watermarkInterval(),
            1000,
            2048,
            1,
            Duration.ofMillis(1),
            PoisonPolicy.STOP));
    TableInfo i = h.table("shop", "items");
    String big = "x".repeat(700);
    h.send(
        h.dml(
            b -> {
              for (long id = 1; id <= 5; id++) {
                b.insert(i, row(i, "id", id, "label", big));
              }
            }));
    assertThat(fragments(h.txn())).isEqualTo("2@0 2@1 1@2L");
    assertThat(fragments(h.rows())).isEqualTo("2@0 2@1 1@2L");
  }

  @Test
  void resolvedMarkersGoToEveryPartitionAndIdleOnesAreCoalesced() {
    shop(DecodeHarness.settings(3, 1000, PoisonPolicy.STOP));
    long w1 = h.nextTs();
    h.resolved(w1);
    assertThat(h.txn()).hasSize(1);
    GenericRecord m = h.txn().get(0).value();
    assertThat((Long) m.get("resolved_ts")).isEqualTo(w1);
    assertThat((Integer) m.get("partition")).isZero();
    assertThat((Integer) m.get("partition_count")).isEqualTo(1);
    assertThat(h.rows()).extracting(Out::partition).containsExactly(0, 1, 2);
    assertThat(h.rows())
        .allSatisfy(
            o -> {
              assertThat((Long) o.value().get("resolved_ts")).isEqualTo(w1);
              assertThat((Integer) o.value().get("partition")).isEqualTo(o.partition());
              assertThat((Integer) o.value().get("partition_count")).isEqualTo(3);
            });

    long w2 = h.tsAfter(10);
    h.resolved(w2);
    assertThat(h.txn()).as("nothing published and W moved < 50 ms").hasSize(1);
    long w3 = h.tsAfter(60);
    h.resolved(w3);
    assertThat(h.txn()).hasSize(2);
    assertThat(h.rows()).hasSize(6);

    TableInfo o = h.table("shop", "orders");
    h.send(h.dml(b -> b.insert(o, row(o, "id", 1L))));
    long w4 = h.tsAfter(1);
    h.resolved(w4);
    h.resolved(w4);
    List<Out> txn = h.txn();
    assertThat(txn).hasSize(4);
    assertThat(txn.get(2).value().getSchema().getName()).isEqualTo("Transaction");
    assertThat((Long) txn.get(3).value().get("resolved_ts"))
        .as("a marker after a transaction even within 50 ms, and only once")
        .isEqualTo(w4);
    assertThat(h.rows()).hasSize(6 + 1 + 3);
  }

  @Test
  void rowsFollowTheSequenceWhateverTheFieldOrderAndEncoding() throws IOException {
    shop(DecodeHarness.settings(2, 1000, PoisonPolicy.STOP));
    TableInfo o = h.table("shop", "orders");
    RowCodec codec = new RowCodec(o);
    long name = col(o, "name");
    long id = col(o, "id");
    byte[] ins1 = codec.encodeInserted(new Handle.IntHandle(1), Map.of(name, "i1"));
    byte[] ins2 = codec.encodeInserted(new Handle.IntHandle(2), Map.of(name, "i2"));
    byte[] upd = codec.encodeUpdated(ordered(id, 1L, name, "i1"), ordered(id, 1L, name, "u1"));
    byte[] del = codec.encodeDeleted(ordered(id, 2L, name, "i2"));

    // Sequence first (unpacked), rows after it in an unusual field order, table id last.
    ByteArrayOutputStream m1 = new ByteArrayOutputStream();
    CodedOutputStream c1 = CodedOutputStream.newInstance(m1);
    for (int kind : new int[] {0, 1, 0, 4}) {
      c1.writeEnum(7, kind);
    }
    c1.writeByteArray(6, del);
    c1.writeByteArray(3, upd);
    c1.writeByteArray(2, ins1);
    c1.writeByteArray(2, ins2);
    c1.writeInt64(1, o.id());
    c1.flush();
    // Packed sequence: delete, then insert.
    ByteArrayOutputStream m2 = new ByteArrayOutputStream();
    CodedOutputStream c2 = CodedOutputStream.newInstance(m2);
    c2.writeInt64(1, o.id());
    c2.writeByteArray(2, codec.encodeInserted(new Handle.IntHandle(3), Map.of(name, "i3")));
    c2.writeByteArray(6, codec.encodeDeleted(ordered(id, 1L, name, "u1")));
    c2.writeTag(7, 2);
    c2.writeUInt32NoTag(2);
    c2.writeEnumNoTag(4);
    c2.writeEnumNoTag(0);
    c2.flush();
    // No sequence: inserts, updates, deletes, whatever order the fields come in.
    ByteArrayOutputStream m3 = new ByteArrayOutputStream();
    CodedOutputStream c3 = CodedOutputStream.newInstance(m3);
    c3.writeInt64(1, o.id());
    c3.writeByteArray(6, codec.encodeDeleted(ordered(id, 3L, name, "i3")));
    c3.writeByteArray(
        3, codec.encodeUpdated(ordered(id, 4L, name, "a"), ordered(id, 4L, name, "b")));
    c3.writeByteArray(2, codec.encodeInserted(new Handle.IntHandle(5), Map.of(name, "i5")));
    c3.flush();

    ByteArrayOutputStream pv = new ByteArrayOutputStream();
    CodedOutputStream cp = CodedOutputStream.newInstance(pv);
    for (ByteArrayOutputStream m : List.of(m1, m2, m3)) {
      cp.writeByteArray(2, m.toByteArray());
    }
    cp.writeInt64(1, h.catalog.schemaVersion());
    cp.flush();
    long start = h.nextTs();
    byte[] binlog =
        Binlog.newBuilder()
            .setTp(BinlogType.Prewrite)
            .setStartTs(start)
            .setPrewriteValue(ByteString.copyFrom(pv.toByteArray()))
            .build()
            .toByteArray();
    h.send(h.nextTs(), start, binlog);

    List<GenericRecord> rows = rowsOf(h.txn().get(0).value());
    assertThat(rows.stream().map(r -> Rows.type(r) + ":" + label(r)).toList())
        .containsExactly(
            "INSERT:i1",
            "UPDATE:u1",
            "INSERT:i2",
            "DELETE:i2",
            "DELETE:u1",
            "INSERT:i3",
            "INSERT:i5",
            "UPDATE:b",
            "DELETE:i3");
  }

  private static String label(final GenericRecord rowChange) {
    Map<String, Object> img = image(rowChange, "after");
    if (img == null) {
      img = image(rowChange, "before");
    }
    return String.valueOf(img.get("name"));
  }

  private static Map<Long, Object> ordered(final Object... idsAndValues) {
    Map<Long, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < idsAndValues.length; i += 2) {
      m.put((Long) idsAndValues[i], idsAndValues[i + 1]);
    }
    return m;
  }
}
