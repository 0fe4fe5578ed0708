package io.kafkabinlog.ordering.decode;

import static io.kafkabinlog.ordering.decode.Rows.orders;
import static io.kafkabinlog.ordering.decode.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import io.kafkabinlog.common.error.BinlogException;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.ordering.decode.DecodeHarness.Ddl;
import io.kafkabinlog.ordering.decode.DecodeHarness.Txn;
import io.kafkabinlog.ordering.payload.ByteArrayPayload;
import io.kafkabinlog.ordering.topology.PoisonPolicy;
import io.kafkabinlog.schemas.codec.row.Handle;
import io.kafkabinlog.schemas.codec.row.RowCodec;
import io.kafkabinlog.schemas.proto.binlog.MutationType;
import io.kafkabinlog.schemas.proto.binlog.TableMutation;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.CreateDatabase;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.CreateTable;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.TruncateTable;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Transactions stage 3 cannot decode, under both poison policies. */
class DecodePoisonTest {
  /** An inserted row whose second value is a float datum cut short. */
  private static final byte[] BROKEN_ROW = {0x08, 0x02, 0x08, 0x04, 0x05, 0x01, 0x02};

  @TempDir Path dir;
  private DecodeHarness h;
  private TableInfo orders;
  private TableInfo items;

  @AfterEach
  void close() {
    if (h != null) {
      h.close();
    }
  }

  private void shop(final PoisonPolicy policy) {
    h = new DecodeHarness(dir, DecodeHarness.settings(3, 1000, policy));
    h.ddl(new CreateDatabase("shop"));
    h.ddl(new CreateTable("shop", orders()));
    h.ddl(new CreateTable("shop", Rows.items()));
    orders = h.table("shop", "orders");
    items = h.table("shop", "items");
  }

  /** Three good order rows, then a broken items row. */
  private Txn halfBroken() {
    TableMutation.Builder good = TableMutation.newBuilder().setTableId(orders.id());
    for (long id = 1; id <= 3; id++) {
      good.addInsertedRows(
              ByteString.copyFrom(
                  new RowCodec(orders)
                      .encodeInserted(
                          new Handle.IntHandle(id), Map.of(Rows.col(orders, "name"), "o" + id))))
          .addSequence(MutationType.Insert);
    }
    TableMutation bad =
        TableMutation.newBuilder()
            .setTableId(items.id())
            .addInsertedRows(ByteString.copyFrom(BROKEN_ROW))
            .addSequence(MutationType.Insert)
            .build();
    return h.prewrite(h.catalog.schemaVersion(), good.build(), bad);
  }

  private static <T extends BinlogException> T causeOf(final Throwable t, final Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " in " + t, t);
  }

  @Test
  void stopNamesTheTransactionTheTableAndTheReason() {
    shop(PoisonPolicy.STOP);
    h.send(h.dml(b -> b.insert(orders, row(orders, "id", 1L))));
    Txn txn = halfBroken();

    FatalBinlogException e = causeOf(catchThrowable(() -> h.send(txn)), FatalBinlogException.class);

    assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_INPUT);
    assertThat(e.getMessage())
        .contains("commit_ts=" + txn.commitTs())
        .contains("start_ts=" + txn.startTs())
        .contains("shop.items (table id " + items.id() + ")")
        .contains("inserted row 0 does not decode")
        .contains("poison-policy = \"dead-letter\"");
  }

  @Test
  void stopNamesAnUnknownOrDroppedTable() {
    shop(PoisonPolicy.STOP);
    Txn unknown =
        h.prewrite(
            h.catalog.schemaVersion(),
            TableMutation.newBuilder()
                .setTableId(999_999)
                .addDeletedRows(ByteString.copyFrom(new byte[] {0x08, 0x02, 0x08, 0x02}))
                .addSequence(MutationType.DeleteRow)
                .build());
    FatalBinlogException e =
        causeOf(catchThrowable(() -> h.send(unknown)), FatalBinlogException.class);
    assertThat(e.getMessage()).contains("table id 999999").contains("no schema");
  }

  @Test
  void aTransactionOnATruncatedTableIdIsPoison() {
    shop(PoisonPolicy.STOP);
    TableInfo old = items;
    Txn before = h.dml(b -> b.insert(old, row(old, "id", 1L)));
    h.send(before);
    h.send(h.ddl(new TruncateTable("shop", "items")));
    // The old table id, at the schema version after the truncate.
    Txn late =
        h.prewrite(
            h.catalog.schemaVersion(),
            TableMutation.newBuilder()
                .setTableId(old.id())
                .addInsertedRows(ByteString.copyFrom(new byte[] {0x08, 0x04}))
                .addSequence(MutationType.Insert)
                .build());
    FatalBinlogException e =
        causeOf(catchThrowable(() -> h.send(late)), FatalBinlogException.class);
    assertThat(e.getMessage())
        .contains("on shop.items (table id " + old.id() + ")")
        .contains("was dropped or truncated");
  }

  @Test
  void deadLetterDivertsTheWholeBinlogAndGoesOn() {
    shop(PoisonPolicy.DEAD_LETTER);
    h.payloads(b -> new ByteArrayPayload(b, 32));
    Txn txn = halfBroken();
    h.send(txn);

    assertThat(h.txn()).as("nothing partial on the txn topic").isEmpty();
    assertThat(h.rows()).as("nor on the rows topic").isEmpty();
    List<TestRecord<byte[], byte[]>> dead = h.deadLetters();
    int count = (txn.binlog().length + 31) / 32;
    assertThat(count).isGreaterThan(2);
    assertThat(dead).hasSize(count);
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    for (int i = 0; i < dead.size(); i++) {
      TestRecord<byte[], byte[]> r = dead.get(i);
      joined.writeBytes(r.value());
      assertThat(ByteBuffer.wrap(r.key()).getLong()).isEqualTo(txn.commitTs());
      assertThat(DecodeHarness.header(r.headers(), DeadLetterHeaders.COMMIT_TS))
          .isEqualTo(txn.commitTs());
      assertThat(DecodeHarness.header(r.headers(), DeadLetterHeaders.START_TS))
          .isEqualTo(txn.startTs());
      assertThat(DecodeHarness.header(r.headers(), DeadLetterHeaders.FRAGMENT)).isEqualTo(i);
      assertThat(DecodeHarness.header(r.headers(), DeadLetterHeaders.FRAGMENT_COUNT))
          .isEqualTo(count);
      assertThat(
              new String(
                  r.headers().lastHeader(DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8))
          .contains("shop.items")
          .contains("does not decode");
    }
    assertThat(joined.toByteArray()).isEqualTo(txn.binlog());
    assertThat(h.observer.deadLettered).hasSize(1);
    assertThat(h.observer.deadLettered.get(0).commitTs()).isEqualTo(txn.commitTs());

    h.send(h.dml(b -> b.insert(orders, row(orders, "id", 7L))));
    assertThat(h.txn()).hasSize(1);
    assertThat(h.rows()).hasSize(1);
  }

  @Test
  void aBinlogThatDoesNotParseIsDeadLettered() {
    shop(PoisonPolicy.DEAD_LETTER);
    Txn good = h.dml(b -> b.insert(orders, row(orders, "id", 1L)));
    byte[] cut = Arrays.copyOf(good.binlog(), good.binlog().length - 3);
    h.send(good.commitTs(), good.startTs(), cut);
    List<TestRecord<byte[], byte[]>> dead = h.deadLetters();
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).value()).isEqualTo(cut);
    assertThat(h.observer.deadLettered.get(0).reason()).contains("does not parse");
    assertThat(h.txn()).isEmpty();
  }

  @Test
  void aDdlJobMissingAfterTheAttemptsIsPoison() {
    shop(PoisonPolicy.DEAD_LETTER);
    h.send(h.dml(b -> b.insert(orders, row(orders, "id", 1L))));
    Ddl ddl = h.ddl(new CreateTable("shop", Rows.items().withName("later")));
    h.source.hide(ddl.job().id());
    int calls = h.source.jobCalls();
    h.send(ddl);

    assertThat(h.source.jobCalls() - calls).isEqualTo(3);
    assertThat(h.deadLetters()).hasSize(1);
    assertThat(h.observer.deadLettered.get(0).reason())
        .contains("DDL job " + ddl.job().id())
        .contains("after 3 attempts");
    assertThat(h.txn()).hasSize(1);
  }

  @Test
  void anUnreachableSchemaSourceIsAnOutageNotPoison() {
    shop(PoisonPolicy.DEAD_LETTER);
    h.send(h.dml(b -> b.insert(orders, row(orders, "id", 1L))));
    Ddl ddl = h.ddl(new CreateTable("shop", Rows.items().withName("later")));
    h.source.down(true);

    RetriableBinlogException e =
        causeOf(catchThrowable(() -> h.send(ddl)), RetriableBinlogException.class);

    assertThat(e.code()).isEqualTo(ErrorCode.SCHEMA_SOURCE_UNAVAILABLE);
    assertThat(h.deadLetters()).isEmpty();
  }

  @Test
  void stopNamesTheDdlJobItCannotFetch() {
    shop(PoisonPolicy.STOP);
    h.send(h.dml(b -> b.insert(orders, row(orders, "id", 1L))));
    Ddl ddl = h.ddl(new CreateTable("shop", Rows.items().withName("later")));
    h.source.hide(ddl.job().id());
    FatalBinlogException e = causeOf(catchThrowable(() -> h.send(ddl)), FatalBinlogException.class);
    assertThat(e.getMessage())
        .contains("commit_ts=" + ddl.last().commitTs())
        .contains("DDL job " + ddl.job().id())
        .contains("not in the schema source's history");
  }
}
