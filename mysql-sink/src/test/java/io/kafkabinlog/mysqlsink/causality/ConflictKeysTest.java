package io.kafkabinlog.mysqlsink.causality;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.mysqlsink.model.RowChange;
import io.kafkabinlog.mysqlsink.model.RowChange.ChangeType;
import io.kafkabinlog.mysqlsink.model.SinkTxn;
import io.kafkabinlog.mysqlsink.model.TableKeys;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConflictKeysTest {
  /** users(id PK, email UK nullable, name); log(msg) without keys; amounts(v DECIMAL PK). */
  private static final Map<String, TableKeys> TABLES =
      Map.of(
          "users",
          new TableKeys(
              "app",
              "users",
              List.of("id", "email", "name"),
              List.of(List.of("id"), List.of("email")),
              Set.of("email", "name")),
          "log",
          new TableKeys("app", "log", List.of("msg"), List.of(), Set.of("msg")),
          "pairs",
          new TableKeys(
              "app", "pairs", List.of("a", "b"), List.of(List.of("a", "b")), Set.of("a", "b")),
          "anything",
          new TableKeys("app", "anything", List.of("v"), List.of(List.of("v")), Set.of()));

  private final ConflictKeys keys = new ConflictKeys((db, table) -> TABLES.get(table));

  private static Map<String, Object> row(final Object... kv) {
    final Map<String, Object> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private Set<String> keysOf(final RowChange... rows) {
    return keys.of(new SinkTxn(1, 1, List.of(rows), null));
  }

  private static RowChange insert(final String table, final Map<String, Object> after) {
    return new RowChange("app", table, ChangeType.INSERT, null, after);
  }

  private static RowChange update(
      final String table, final Map<String, Object> before, final Map<String, Object> after) {
    return new RowChange("app", table, ChangeType.UPDATE, before, after);
  }

  private static RowChange delete(final String table, final Map<String, Object> before) {
    return new RowChange("app", table, ChangeType.DELETE, before, null);
  }

  @Test
  void everyNonNullUniqueKeyOfEveryImageIsAKey() {
    final Set<String> k =
        keysOf(
            update(
                "users",
                row("id", 1L, "email", "a@x", "name", "a"),
                row("id", 1L, "email", "b@x", "name", "a")));
    assertThat(k).hasSize(3);
    assertThat(k).anyMatch(s -> s.startsWith("app.users:id:"));
    assertThat(keysOf(insert("users", row("id", 9L, "email", "a@x", "name", "z"))))
        .as("the UK value in the update's before image is shared")
        .containsAnyElementsOf(k);
  }

  @Test
  void deleteUsesItsBeforeImage() {
    final Set<String> inserted = keysOf(insert("users", row("id", 1L, "email", "a@x", "name", "")));
    assertThat(keysOf(delete("users", row("id", 1L, "email", "a@x", "name", ""))))
        .isEqualTo(inserted);
  }

  @Test
  void nullUniqueKeyIsSkippedAndAllColumnsFallBackOnlyWhenNoKeyQualifies() {
    assertThat(keysOf(insert("users", row("id", 1L, "email", null, "name", "a"))))
        .containsExactly("app.users:id:i1:1");
    final Set<String> fallback = keysOf(insert("pairs", row("a", 1L, "b", null)));
    assertThat(fallback).singleElement().asString().startsWith("app.pairs:*:");
    assertThat(keysOf(delete("pairs", row("a", 1L, "b", null)))).isEqualTo(fallback);
    assertThat(keysOf(delete("pairs", row("a", 2L, "b", null))))
        .doesNotContainAnyElementsOf(fallback);
  }

  @Test
  void tableWithoutUniqueKeyHasOneTableWideKey() {
    assertThat(keysOf(insert("log", row("msg", "x")), insert("log", row("msg", "y"))))
        .containsExactly("app.log");
  }

  @Test
  void equalValuesRenderEqualAcrossRepresentations() {
    assertThat(keysOf(insert("anything", row("v", new BigDecimal("1.50")))))
        .isEqualTo(keysOf(insert("anything", row("v", new BigDecimal("1.5")))));
    assertThat(keysOf(insert("anything", row("v", new BigDecimal("0.000")))))
        .isEqualTo(keysOf(insert("anything", row("v", BigDecimal.ZERO))));
    assertThat(keysOf(insert("anything", row("v", new BigDecimal("1E+2")))))
        .isEqualTo(keysOf(insert("anything", row("v", new BigDecimal("100.0")))));
    assertThat(keysOf(insert("anything", row("v", 5L))))
        .isEqualTo(keysOf(insert("anything", row("v", BigInteger.valueOf(5)))));
    assertThat(keysOf(insert("anything", row("v", new byte[] {1, 2, 3}))))
        .isEqualTo(keysOf(insert("anything", row("v", new byte[] {1, 2, 3}))));
    assertThat(keysOf(insert("anything", row("v", -0.0d))))
        .isEqualTo(keysOf(insert("anything", row("v", 0.0d))));
    assertThat(keysOf(insert("anything", row("v", LocalDateTime.of(2020, 1, 2, 3, 4, 5)))))
        .isEqualTo(keysOf(insert("anything", row("v", LocalDateTime.of(2020, 1, 2, 3, 4, 5)))));
  }

  @Test
  void stringsFoldLikeCaseAndAccentInsensitivePadSpaceCollations() {
    final Set<String> plain = keysOf(insert("anything", row("v", "Cafe")));
    assertThat(keysOf(insert("anything", row("v", "café  ")))).isEqualTo(plain);
    assertThat(keysOf(insert("anything", row("v", "caff")))).isNotEqualTo(plain);
  }

  @Test
  void differentValuesRenderDifferently() {
    assertThat(keysOf(insert("anything", row("v", new BigDecimal("1.5")))))
        .isNotEqualTo(keysOf(insert("anything", row("v", new BigDecimal("1.05")))));
    assertThat(keysOf(insert("anything", row("v", new byte[] {1, 2}))))
        .isNotEqualTo(keysOf(insert("anything", row("v", new byte[] {1, 2, 0}))));
    assertThat(keysOf(insert("anything", row("v", "1"))))
        .isNotEqualTo(keysOf(insert("anything", row("v", 1L))));
    // Separators inside values cannot shift a tuple boundary.
    assertThat(keysOf(insert("pairs", row("a", "x", "b", "s1:yz"))))
        .isNotEqualTo(keysOf(insert("pairs", row("a", "xs1:y", "b", "z"))));
  }

  @Test
  void tableNamesCannotForgeAnotherTablesKey() {
    final Map<String, TableKeys> odd =
        Map.of(
            "b.c", new TableKeys("a", "b.c", List.of("v"), List.of(), Set.of()),
            "c", new TableKeys("a.b", "c", List.of("v"), List.of(), Set.of()));
    final ConflictKeys k = new ConflictKeys((db, table) -> odd.get(table));
    final Set<String> one =
        k.of(
            new SinkTxn(
                1,
                1,
                List.of(new RowChange("a", "b.c", ChangeType.INSERT, null, row("v", 1L))),
                null));
    final Set<String> two =
        k.of(
            new SinkTxn(
                1,
                1,
                List.of(new RowChange("a.b", "c", ChangeType.INSERT, null, row("v", 1L))),
                null));
    assertThat(one).doesNotContainAnyElementsOf(two);
  }

  @Test
  void ddlOrEmptyTxnHasNoKeys() {
    assertThat(
            keys.of(
                new SinkTxn(
                    1,
                    1,
                    List.of(),
                    new SinkTxn.SinkDdl("create table t(id int)", 1, "app", "t", false))))
        .isEmpty();
  }
}
