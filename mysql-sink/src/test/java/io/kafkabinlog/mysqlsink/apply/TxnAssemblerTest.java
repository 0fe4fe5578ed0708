package io.kafkabinlog.mysqlsink.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.mysqlsink.model.RowChange;
import io.kafkabinlog.mysqlsink.model.SinkTxn;
import io.kafkabinlog.mysqlsink.model.SinkTxn.SinkDdl;
import io.kafkabinlog.schemas.avro.AvroEvents;
import io.kafkabinlog.schemas.avro.AvroEvents.ChangeType;
import io.kafkabinlog.schemas.avro.ColumnValues;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class TxnAssemblerTest {
  private final TxnAssembler assembler = new TxnAssembler();

  private static GenericRecord insert(final long id, final String name) {
    return AvroEvents.rowChange(
        "db1",
        "t1",
        42,
        ChangeType.INSERT,
        null,
        List.of(
            ColumnValues.of("id", "bigint(20)", id), ColumnValues.of("name", "varchar(10)", name)));
  }

  private static SinkTxn complete(final Optional<TxnEvent> event) {
    assertThat(event).isPresent();
    assertThat(event.get()).isInstanceOf(TxnEvent.Complete.class);
    return ((TxnEvent.Complete) event.get()).txn();
  }

  @Test
  void shouldConvertARowTransactionWithItsTypedValues() {
    final GenericRecord update =
        AvroEvents.rowChange(
            "db1",
            "t2",
            43,
            ChangeType.UPDATE,
            List.of(
                ColumnValues.of("d", "date", LocalDate.of(2024, 2, 29)),
                ColumnValues.of("m", "decimal(10,2)", new BigDecimal("1.50")),
                ColumnValues.of("n", "int(11)", null)),
            List.of(
                ColumnValues.of("d", "date", LocalDate.of(2024, 3, 1)),
                ColumnValues.of("m", "decimal(10,2)", new BigDecimal("2.25")),
                ColumnValues.of("n", "int(11)", 7L)));
    final SinkTxn txn =
        complete(
            assembler.accept(
                AvroEvents.transaction(100, 90, 5, List.of(insert(1, "a"), update), null)));

    assertThat(txn.commitTs()).isEqualTo(100);
    assertThat(txn.startTs()).isEqualTo(90);
    assertThat(txn.ddl()).isNull();
    assertThat(txn.rows())
        .containsExactly(
            new RowChange(
                "db1", "t1", RowChange.ChangeType.INSERT, null, Map.of("id", 1L, "name", "a")),
            new RowChange(
                "db1",
                "t2",
                RowChange.ChangeType.UPDATE,
                mapWithNull(LocalDate.of(2024, 2, 29), new BigDecimal("1.50")),
                Map.of("d", LocalDate.of(2024, 3, 1), "m", new BigDecimal("2.25"), "n", 7L)));
    assertThat(txn.rows().get(0).after().keySet()).containsExactly("id", "name");
  }

  private static Map<String, Object> mapWithNull(final LocalDate d, final BigDecimal m) {
    final Map<String, Object> image = new HashMap<>();
    image.put("d", d);
    image.put("m", m);
    image.put("n", null);
    return image;
  }

  @Test
  void shouldHandOnAFragmentedTransactionOnlyWithItsLastFragment() {
    assertThat(
            assembler.accept(
                AvroEvents.transaction(200, 190, 5, List.of(insert(1, "a")), null, 0, false)))
        .isEmpty();
    assertThat(assembler.hasOpenTransaction()).isTrue();
    assertThat(
            assembler.accept(
                AvroEvents.transaction(200, 190, 5, List.of(insert(2, "b")), null, 1, false)))
        .isEmpty();
    final SinkTxn txn =
        complete(
            assembler.accept(
                AvroEvents.transaction(200, 190, 5, List.of(insert(3, "c")), null, 2, true)));

    assertThat(txn.rows()).extracting(r -> r.after().get("id")).containsExactly(1L, 2L, 3L);
    assertThat(assembler.hasOpenTransaction()).isFalse();
    // the next transaction starts empty
    assertThat(
            complete(
                    assembler.accept(
                        AvroEvents.transaction(201, 195, 5, List.of(insert(9, "z")), null)))
                .rows())
        .hasSize(1);
  }

  @Test
  void shouldConvertDdlIncludingSchemaOnly() {
    final SinkTxn create =
        complete(
            assembler.accept(
                AvroEvents.transaction(
                    300,
                    299,
                    6,
                    List.of(),
                    AvroEvents.ddl("create table t1 (id int)", 11, "db1", "t1", "{}"))));
    final SinkTxn createDb =
        complete(
            assembler.accept(
                AvroEvents.transaction(
                    301,
                    300,
                    7,
                    List.of(),
                    AvroEvents.ddl("create database db2", 12, "db2", null, null))));
    final SinkTxn schemaOnly =
        complete(
            assembler.accept(
                AvroEvents.transaction(
                    302,
                    301,
                    0,
                    List.of(),
                    AvroEvents.ddl("alter table t1 drop column c", 13, "db1", "t1", null, true))));

    assertThat(create.ddl())
        .isEqualTo(new SinkDdl("create table t1 (id int)", 11, "db1", "t1", false));
    assertThat(create.rows()).isEmpty();
    assertThat(createDb.ddl())
        .isEqualTo(new SinkDdl("create database db2", 12, "db2", null, false));
    assertThat(schemaOnly.ddl().schemaOnly()).isTrue();
  }

  @Test
  void shouldReportResolvedTsMarkersSeparately() {
    assertThat(assembler.accept(AvroEvents.resolvedTs(555, 0, 1)))
        .contains(new TxnEvent.Resolved(555));
  }

  @Test
  void shouldRejectFragmentsOutOfSequence() {
    assertThatThrownBy(
            () ->
                assembler.accept(
                    AvroEvents.transaction(400, 399, 5, List.of(insert(1, "a")), null, 1, true)))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining("fragment 1 of commit_ts 400 out of sequence")
        .satisfies(
            e ->
                assertThat(((FatalBinlogException) e).code()).isEqualTo(ErrorCode.MALFORMED_INPUT));
  }

  @Test
  void shouldRejectAFragmentOfAnotherTransaction() {
    assembler.accept(AvroEvents.transaction(500, 499, 5, List.of(insert(1, "a")), null, 0, false));

    assertThatThrownBy(
            () ->
                assembler.accept(
                    AvroEvents.transaction(501, 499, 5, List.of(insert(1, "a")), null, 1, true)))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining("commit_ts 501");
  }
}
