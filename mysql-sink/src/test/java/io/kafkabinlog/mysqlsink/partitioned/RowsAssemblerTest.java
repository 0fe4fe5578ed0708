package io.kafkabinlog.mysqlsink.partitioned;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.schemas.avro.AvroEvents;
import io.kafkabinlog.schemas.avro.AvroEvents.ChangeType;
import io.kafkabinlog.schemas.avro.ColumnValues;
import java.util.List;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class RowsAssemblerTest {
  private final RowsAssembler assembler = new RowsAssembler();

  private static GenericRecord row(final String table, final long id) {
    return AvroEvents.rowChange(
        "d", table, 1, ChangeType.INSERT, null, List.of(ColumnValues.of("id", "bigint(20)", id)));
  }

  @Test
  void joinsEachTablesFragmentsOfATransactionWithTheGroupsOffsets() {
    // Commit 10: table a in two fragments, then table b (its fragments numbered from 0 again).
    assertThat(
            assembler.accept(
                40, AvroEvents.transaction(10, 9, 1, List.of(row("a", 1)), null, 0, false)))
        .isEmpty();
    final Optional<RowsItem> a =
        assembler.accept(41, AvroEvents.transaction(10, 9, 1, List.of(row("a", 2)), null, 1, true));
    final Optional<RowsItem> b =
        assembler.accept(42, AvroEvents.transaction(10, 9, 1, List.of(row("b", 3)), null));

    assertThat(a).get().isInstanceOf(RowsItem.Group.class);
    final RowsItem.Group groupA = (RowsItem.Group) a.get();
    assertThat(groupA.firstOffset()).isEqualTo(40);
    assertThat(groupA.nextOffset()).isEqualTo(42);
    assertThat(groupA.txn().rows()).extracting(r -> r.after().get("id")).containsExactly(1L, 2L);
    final RowsItem.Group groupB = (RowsItem.Group) b.get();
    assertThat(groupB.firstOffset()).isEqualTo(42);
    assertThat(groupB.nextOffset()).isEqualTo(43);
    assertThat(groupB.commitTs()).isEqualTo(10);
    assertThat(groupB.isDdl()).isFalse();
  }

  @Test
  void readsMarkersWithTheirPartitionCountAndDdl() {
    assertThat(assembler.accept(7, AvroEvents.resolvedTs(99, 2, 3)))
        .contains(new RowsItem.Resolved(99, 3, 8));
    final RowsItem.Group ddl =
        (RowsItem.Group)
            assembler
                .accept(
                    8,
                    AvroEvents.transaction(
                        100,
                        98,
                        2,
                        List.of(),
                        AvroEvents.ddl("CREATE DATABASE x", 5, "x", null, null)))
                .orElseThrow();
    assertThat(ddl.isDdl()).isTrue();
    assertThat(ddl.firstOffset()).isEqualTo(8);
    assertThat(ddl.nextOffset()).isEqualTo(9);
  }
}
