package io.kafkabinlog.mysqlsink.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.mysqlsink.model.RowChange;
import io.kafkabinlog.mysqlsink.model.RowChange.ChangeType;
import io.kafkabinlog.mysqlsink.model.TableKeys;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DmlStatementsTest {
  private final DmlStatements dml = new DmlStatements(JdbcValues.utc());

  /** id PK, (a, b) UK with nullable b, g generated (not writable), c plain. */
  private final TableKeys keys =
      new TableKeys(
          "db",
          "t",
          List.of("id", "a", "b", "c"),
          List.of(List.of("id"), List.of("a", "b")),
          Set.of("b", "c"));

  private final TableKeys keyless =
      new TableKeys("db", "t", List.of("x", "y"), List.of(), Set.of("x", "y"));

  @Test
  void insertListsWritableColumnsSortedByNameAndDropsOthers() {
    final RowChange row = insert(map("id", 1L, "c", "x", "g", 99L, "a", 2L, "b", null));

    final Statement st = dml.insert(row, keys, false);

    assertThat(st.sql()).isEqualTo("INSERT INTO `db`.`t`(`a`,`b`,`c`,`id`) VALUES(?,?,?,?)");
    assertThat(st.params()).containsExactly(2L, null, "x", 1L);
  }

  @Test
  void safeModeInsertIsReplace() {
    final List<Statement> st = dml.statements(insert(map("id", 1L)), keys, true);

    assertThat(st)
        .extracting(Statement::sql)
        .containsExactly("REPLACE INTO `db`.`t`(`id`) VALUES(?)");
  }

  @Test
  void identifiersDoubleTheirBackquotes() {
    final TableKeys odd =
        new TableKeys("d`b", "t`t", List.of("c`1"), List.of(List.of("c`1")), Set.of());
    final RowChange row = new RowChange("d`b", "t`t", ChangeType.DELETE, map("c`1", 5L), null);

    assertThat(dml.delete(row, odd).sql())
        .isEqualTo("DELETE FROM `d``b`.`t``t` WHERE `c``1` = ? LIMIT 1");
  }

  @Test
  void updateSetsAllColumnsAndFindsTheRowByPrimaryKeyOfTheOldImage() {
    final RowChange row =
        update(
            map("id", 1L, "a", 2L, "b", 3L, "c", "old"),
            map("id", 7L, "a", 2L, "b", 3L, "c", "new"));

    final Statement st = dml.update(row, keys);

    assertThat(st.sql())
        .isEqualTo("UPDATE `db`.`t` SET `a` = ?,`b` = ?,`c` = ?,`id` = ? WHERE `id` = ? LIMIT 1");
    assertThat(st.params()).containsExactly(2L, 3L, "new", 7L, 1L);
  }

  @Test
  void usesTheFirstUniqueKeyWhoseOldValuesAreAllNonNull() {
    final TableKeys ukFirst =
        new TableKeys(
            "db",
            "t",
            List.of("id", "a", "b", "c"),
            List.of(List.of("a", "b"), List.of("id")),
            Set.of("b"));
    final RowChange nullB = delete(map("id", 1L, "a", 2L, "b", null, "c", "x"));
    final RowChange fullUk = delete(map("id", 1L, "a", 2L, "b", 3L, "c", "x"));

    assertThat(dml.delete(nullB, ukFirst).sql())
        .isEqualTo("DELETE FROM `db`.`t` WHERE `id` = ? LIMIT 1");
    final Statement byUk = dml.delete(fullUk, ukFirst);
    assertThat(byUk.sql()).isEqualTo("DELETE FROM `db`.`t` WHERE `a` = ? AND `b` = ? LIMIT 1");
    assertThat(byUk.params()).containsExactly(2L, 3L);
  }

  @Test
  void withoutAQualifyingKeyMatchesAllColumnsWithIsNullForNulls() {
    final RowChange row = update(map("x", null, "y", "a"), map("x", 1L, "y", "a"));

    final Statement st = dml.update(row, keyless);

    assertThat(st.sql())
        .isEqualTo("UPDATE `db`.`t` SET `x` = ?,`y` = ? WHERE `x` IS NULL AND `y` = ? LIMIT 1");
    assertThat(st.params()).containsExactly(1L, "a", "a");
  }

  @Test
  void safeModeUpdateDeletesTheOldKeyAndReplacesTheNewRow() {
    final RowChange row = update(map("id", 1L, "c", "old"), map("id", 2L, "c", "new"));

    final List<Statement> st = dml.statements(row, keys, true);

    assertThat(st)
        .extracting(Statement::sql)
        .containsExactly(
            "DELETE FROM `db`.`t` WHERE `id` = ? LIMIT 1",
            "REPLACE INTO `db`.`t`(`c`,`id`) VALUES(?,?)");
    assertThat(st.get(0).params()).containsExactly(1L);
    assertThat(st.get(1).params()).containsExactly("new", 2L);
  }

  @Test
  void matchesColumnNamesCaseInsensitivelyAndWritesTheDownstreamSpelling() {
    final RowChange row = delete(map("ID", 4L, "C", "x"));

    final Statement st = dml.delete(row, keys);

    assertThat(st.sql()).isEqualTo("DELETE FROM `db`.`t` WHERE `id` = ? LIMIT 1");
    assertThat(st.params()).containsExactly(4L);
  }

  @Test
  void refusesKeysOfAnotherTable() {
    final RowChange row = new RowChange("db", "other", ChangeType.INSERT, null, map("id", 1L));

    assertThatThrownBy(() -> dml.statements(row, keys, false))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static RowChange insert(final Map<String, Object> after) {
    return new RowChange("db", "t", ChangeType.INSERT, null, after);
  }

  private static RowChange update(
      final Map<String, Object> before, final Map<String, Object> after) {
    return new RowChange("db", "t", ChangeType.UPDATE, before, after);
  }

  private static RowChange delete(final Map<String, Object> before) {
    return new RowChange("db", "t", ChangeType.DELETE, before, null);
  }

  /** Map.of refuses null values, which stand for SQL NULL here. */
  static Map<String, Object> map(final Object... kv) {
    final Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
