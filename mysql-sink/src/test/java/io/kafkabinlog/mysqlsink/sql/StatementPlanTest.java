package io.kafkabinlog.mysqlsink.sql;

import static io.kafkabinlog.mysqlsink.sql.DmlStatementsTest.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.kafkabinlog.mysqlsink.causality.ConflictKeys;
import io.kafkabinlog.mysqlsink.model.RowChange;
import io.kafkabinlog.mysqlsink.model.RowChange.ChangeType;
import io.kafkabinlog.mysqlsink.model.TableKeys;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StatementPlanTest {
  private final DmlStatements dml = new DmlStatements(JdbcValues.utc());
  private static final TableKeys ORDERS =
      new TableKeys("db", "orders", List.of("id", "v"), List.of(List.of("id")), Set.of("v"));
  private static final TableKeys ITEMS =
      new TableKeys("db", "items", List.of("id", "v"), List.of(List.of("id")), Set.of("v"));
  private static final TableKeys USERS =
      new TableKeys(
          "db",
          "users",
          List.of("id", "email"),
          List.of(List.of("id"), List.of("email")),
          Set.of());
  private static final TableKeys LOG =
      new TableKeys("db", "log", List.of("msg"), List.of(), Set.of("msg"));

  private final StatementPlan plan = new StatementPlan(dml, false, 1000, 1 << 20);

  private void add(final RowChange row, final TableKeys keys) {
    plan.add(row, keys, ConflictKeys.of(row, keys));
  }

  private static RowChange insert(final TableKeys t, final Map<String, Object> after) {
    return new RowChange(t.db(), t.table(), ChangeType.INSERT, null, after);
  }

  private static RowChange update(
      final TableKeys t, final Map<String, Object> before, final Map<String, Object> after) {
    return new RowChange(t.db(), t.table(), ChangeType.UPDATE, before, after);
  }

  private static RowChange delete(final TableKeys t, final Map<String, Object> before) {
    return new RowChange(t.db(), t.table(), ChangeType.DELETE, before, null);
  }

  /** The statements as "SQL-start | params" lines. */
  private List<String> statements() {
    final List<String> out = new ArrayList<>();
    for (Statement s : plan.statements()) {
      out.add(
          s.sql().substring(0, s.sql().indexOf('`', s.sql().indexOf("`.`") + 3) + 1)
              + " "
              + s.params());
    }
    return out;
  }

  @Test
  void mergesTheInsertsOfATableAcrossInterleavedTablesAndBatchesUpdatesOfOneShape() {
    for (long i = 1; i <= 3; i++) {
      add(insert(ORDERS, map("id", i, "v", "o" + i)), ORDERS);
      add(insert(ITEMS, map("id", 10 * i, "v", "i" + i)), ITEMS);
      add(update(ORDERS, map("id", 100 + i, "v", "old"), map("id", 100 + i, "v", "new")), ORDERS);
    }

    assertThat(statements())
        .containsExactly(
            "INSERT INTO `db`.`orders` [1, o1, 2, o2, 3, o3]",
            "INSERT INTO `db`.`items` [10, i1, 20, i2, 30, i3]",
            "UPDATE `db`.`orders` [101, new, 101]",
            "UPDATE `db`.`orders` [102, new, 102]",
            "UPDATE `db`.`orders` [103, new, 103]");
    assertThat(plan.rows()).isEqualTo(9);
  }

  @Test
  void keepsTheChangesOfOneRowInOrder() {
    add(insert(ORDERS, map("id", 1L, "v", "a")), ORDERS);
    add(update(ORDERS, map("id", 1L, "v", "a"), map("id", 1L, "v", "b")), ORDERS);
    add(insert(ORDERS, map("id", 2L, "v", "c")), ORDERS); // joins the first INSERT
    add(delete(ORDERS, map("id", 1L, "v", "b")), ORDERS);
    add(insert(ORDERS, map("id", 1L, "v", "d")), ORDERS); // after the DELETE of row 1

    assertThat(statements())
        .containsExactly(
            "INSERT INTO `db`.`orders` [1, a, 2, c]",
            "UPDATE `db`.`orders` [1, b, 1]",
            "DELETE FROM `db`.`orders` [1]",
            "INSERT INTO `db`.`orders` [1, d]");
  }

  @Test
  void keepsChangesOfOneUniqueValueInOrderAcrossRows() {
    // Row 1 gives up the email a@x, row 2 takes it: row 2's insert must stay after the update.
    add(insert(USERS, map("id", 5L, "email", "e@x")), USERS);
    add(update(USERS, map("id", 1L, "email", "a@x"), map("id", 1L, "email", "b@x")), USERS);
    add(insert(USERS, map("id", 2L, "email", "a@x")), USERS);

    assertThat(statements())
        .containsExactly(
            "INSERT INTO `db`.`users` [e@x, 5]",
            "UPDATE `db`.`users` [b@x, 1, 1]",
            "INSERT INTO `db`.`users` [a@x, 2]");
  }

  @Test
  void keepsATableWithoutUniqueKeysInOrder() {
    add(insert(LOG, map("msg", "a")), LOG);
    add(insert(LOG, map("msg", "b")), LOG); // consecutive: still one statement
    add(delete(LOG, map("msg", "a")), LOG);
    add(insert(LOG, map("msg", "c")), LOG); // must not move before the DELETE

    assertThat(statements())
        .containsExactly(
            "INSERT INTO `db`.`log` [a, b]",
            "DELETE FROM `db`.`log` [a]",
            "INSERT INTO `db`.`log` [c]");
  }

  @Test
  void rowsSharingACallerKeyKeepTheirOrder() {
    // As for tables in a foreign key: a child must not be written before its parent.
    final Set<String> fk = Set.of("fk");
    final RowChange item1 = insert(ITEMS, map("id", 1L, "v", "child of 1"));
    final RowChange order2 = insert(ORDERS, map("id", 2L, "v", "parent"));
    final RowChange item2 = insert(ITEMS, map("id", 2L, "v", "child of 2"));
    plan.add(item1, ITEMS, union(ConflictKeys.of(item1, ITEMS), fk));
    plan.add(order2, ORDERS, union(ConflictKeys.of(order2, ORDERS), fk));
    plan.add(item2, ITEMS, union(ConflictKeys.of(item2, ITEMS), fk));

    assertThat(statements())
        .containsExactly(
            "INSERT INTO `db`.`items` [1, child of 1]",
            "INSERT INTO `db`.`orders` [2, parent]",
            "INSERT INTO `db`.`items` [2, child of 2]");
  }

  @Test
  void safeModeWritesUpdatesAsBatchedDeletesAndOneMergedReplace() {
    final StatementPlan safe = new StatementPlan(dml, true, 1000, 1 << 20);
    final List<RowChange> rows =
        List.of(
            update(ORDERS, map("id", 7L, "v", "x"), map("id", 7L, "v", "y")),
            update(ORDERS, map("id", 8L, "v", "x"), map("id", 8L, "v", "y")),
            insert(ORDERS, map("id", 1L, "v", "a")));
    for (RowChange row : rows) {
      safe.add(row, ORDERS, ConflictKeys.of(row, ORDERS));
    }

    assertThat(safe.statements())
        .extracting(Statement::sql, Statement::params)
        .containsExactly(
            tuple("DELETE FROM `db`.`orders` WHERE `id` = ? LIMIT 1", List.of(7L)),
            tuple("DELETE FROM `db`.`orders` WHERE `id` = ? LIMIT 1", List.of(8L)),
            tuple(
                "REPLACE INTO `db`.`orders`(`id`,`v`) VALUES(?,?),(?,?),(?,?)",
                List.of(7L, "y", 8L, "y", 1L, "a")));
  }

  @Test
  void cutsAMergedInsertByItsRowBound() {
    final StatementPlan small = new StatementPlan(dml, false, 2, 1 << 20);
    for (long i = 1; i <= 5; i++) {
      final RowChange row = insert(ORDERS, map("id", i, "v", "o"));
      small.add(row, ORDERS, ConflictKeys.of(row, ORDERS));
    }
    assertThat(small.statements().stream().map(s -> s.params().size()).toList())
        .containsExactly(4, 4, 2);
  }

  private static Set<String> union(final Set<String> a, final Set<String> b) {
    final Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return all;
  }
}
