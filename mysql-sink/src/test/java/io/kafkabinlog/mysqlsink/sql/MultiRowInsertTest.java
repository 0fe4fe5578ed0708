package io.kafkabinlog.mysqlsink.sql;

import static io.kafkabinlog.mysqlsink.sql.DmlStatementsTest.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.mysqlsink.model.RowChange;
import io.kafkabinlog.mysqlsink.model.RowChange.ChangeType;
import io.kafkabinlog.mysqlsink.model.TableKeys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

class MultiRowInsertTest {
  private final DmlStatements dml = new DmlStatements(JdbcValues.utc());
  private final TableKeys keys =
      new TableKeys("db", "t", List.of("id", "v"), List.of(List.of("id")), Set.of("v"));

  @Test
  void collectsRowsIntoOneStatementUpToTheRowBound() {
    final MultiRowInsert batch = new MultiRowInsert(dml, keys, false, 2);

    assertThat(batch.tryAdd(insert("t", map("id", 1L, "v", "a")))).isTrue();
    assertThat(batch.tryAdd(insert("t", map("id", 2L, "v", null)))).isTrue();
    assertThat(batch.full()).isTrue();
    assertThat(batch.tryAdd(insert("t", map("id", 3L, "v", "c")))).isFalse();

    final Statement st = batch.take();
    assertThat(st.sql()).isEqualTo("INSERT INTO `db`.`t`(`id`,`v`) VALUES(?,?),(?,?)");
    assertThat(st.params()).containsExactly(1L, "a", 2L, null);
    assertThat(batch.isEmpty()).isTrue();
    assertThat(batch.tryAdd(insert("t", map("id", 3L, "v", "c")))).isTrue();
    assertThat(batch.take().params()).containsExactly(3L, "c");
  }

  @Test
  void refusesOtherTablesOtherColumnListsAndNonInserts() {
    final MultiRowInsert batch = new MultiRowInsert(dml, keys, true, 10);
    batch.tryAdd(insert("t", map("id", 1L, "v", "a")));

    assertThat(batch.tryAdd(insert("u", map("id", 2L, "v", "b")))).isFalse();
    assertThat(batch.tryAdd(insert("t", map("id", 2L)))).isFalse();
    assertThat(
            batch.tryAdd(
                new RowChange("db", "t", ChangeType.DELETE, map("id", 1L, "v", "a"), null)))
        .isFalse();
    assertThat(batch.size()).isEqualTo(1);
    assertThat(batch.take().sql()).isEqualTo("REPLACE INTO `db`.`t`(`id`,`v`) VALUES(?,?)");
  }

  @Test
  void staysUnderThePlaceholderLimit() {
    final List<String> columns = new ArrayList<>();
    final java.util.Map<String, Object> row = new java.util.LinkedHashMap<>();
    for (int i = 0; i < 1000; i++) {
      columns.add("c" + i);
      row.put("c" + i, (long) i);
    }
    final TableKeys wide = new TableKeys("db", "t", columns, List.of(), Set.of());
    final MultiRowInsert batch = new MultiRowInsert(dml, wide, false, 1000);

    int added = 0;
    while (batch.tryAdd(insert("t", row))) {
      added++;
    }

    assertThat(added).isEqualTo(65);
    assertThat(batch.take().params()).hasSize(65_000);
  }

  @Test
  void staysUnderTheByteBoundButAlwaysTakesTheFirstRow() {
    final String text = "x".repeat(100);
    // Each row: ~ 3 bytes per char of its string, 32 for its number, punctuation.
    final MultiRowInsert batch = new MultiRowInsert(dml, keys, false, 1000, 1_000);

    int added = 0;
    while (batch.tryAdd(insert("t", map("id", (long) added, "v", text)))) {
      added++;
    }

    assertThat(added).isEqualTo(2);
    assertThat(batch.estimatedBytes()).isLessThanOrEqualTo(1_000);
    assertThat(batch.take().params()).hasSize(4);

    final MultiRowInsert tiny = new MultiRowInsert(dml, keys, false, 1000, 10);
    assertThat(tiny.tryAdd(insert("t", map("id", 1L, "v", text)))).isTrue();
    assertThat(tiny.full()).isTrue();
    assertThat(tiny.tryAdd(insert("t", map("id", 2L, "v", "y")))).isFalse();
  }

  @Test
  void estimatesAtLeastTheStatementsLengthWithItsValuesInlined() {
    final MultiRowInsert batch = new MultiRowInsert(dml, keys, false, 1000, 1 << 20);
    final String nasty = "it's a \\ \"quoted\" ä€😀 string";
    batch.tryAdd(insert("t", map("id", Long.MIN_VALUE, "v", nasty)));
    batch.tryAdd(insert("t", map("id", 2L, "v", null)));
    final long estimate = batch.estimatedBytes();

    final Statement st = batch.take();
    String inlined = st.sql();
    for (Object p : st.params()) {
      final String literal =
          p == null
              ? "NULL"
              : p instanceof String t
                  ? "'" + t.replace("\\", "\\\\").replace("'", "\\'").replace("\"", "\\\"") + "'"
                  : p.toString();
      inlined = inlined.replaceFirst("\\?", Matcher.quoteReplacement(literal));
    }
    assertThat(inlined.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo((int) estimate);
  }

  @Test
  void takeOfAnEmptyBatchFails() {
    assertThatThrownBy(() -> new MultiRowInsert(dml, keys, false, 5).take())
        .isInstanceOf(IllegalStateException.class);
  }

  private static RowChange insert(final String table, final java.util.Map<String, Object> after) {
    return new RowChange("db", table, ChangeType.INSERT, null, after);
  }
}
