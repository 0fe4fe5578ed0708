package io.kafkabinlog.ordering.decode;

import static io.kafkabinlog.ordering.decode.Rows.image;
import static io.kafkabinlog.ordering.decode.Rows.row;
import static io.kafkabinlog.ordering.decode.Rows.rowsOf;
import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.ordering.topology.PoisonPolicy;
import io.kafkabinlog.schemas.avro.ColumnValues.JsonText;
import io.kafkabinlog.schemas.codec.MysqlBit;
import io.kafkabinlog.schemas.codec.MysqlTime;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.catalog.ColumnSpec;
import io.kafkabinlog.tidbsim.catalog.ColumnSpec.Kind;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.CreateDatabase;
import io.kafkabinlog.tidbsim.catalog.DdlStatement.CreateTable;
import io.kafkabinlog.tidbsim.catalog.TableSpec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every column kind tidb-sim writes, as published: its ColumnValue branch and mysql_type. */
class ColumnValuesDecodeTest {
  @TempDir Path dir;

  @Test
  void eachColumnTypeMapsToItsDocumentedBranch() {
    try (DecodeHarness h =
        new DecodeHarness(dir, DecodeHarness.settings(1, 1000, PoisonPolicy.STOP))) {
      h.ddl(new CreateDatabase("shop"));
      h.ddl(
          new CreateTable(
              "shop",
              TableSpec.builder("types")
                  .column(ColumnSpec.bigint("id").notNull())
                  .column(ColumnSpec.tinyint("ti").unsigned())
                  .column(ColumnSpec.bigint("bu").unsigned())
                  .column(ColumnSpec.of("f", Kind.FLOAT))
                  .column(ColumnSpec.of("d", Kind.DOUBLE))
                  .column(ColumnSpec.decimal("dec", 12, 3))
                  .column(ColumnSpec.charType("c", 4))
                  .column(ColumnSpec.varbinary("vb", 8))
                  .column(ColumnSpec.of("tx", Kind.TEXT))
                  .column(ColumnSpec.of("bl", Kind.BLOB))
                  .column(ColumnSpec.of("dt", Kind.DATE))
                  .column(ColumnSpec.datetime("dtm", 6))
                  .column(ColumnSpec.timestamp("ts", 0))
                  .column(ColumnSpec.time("tm", 3))
                  .column(ColumnSpec.of("yr", Kind.YEAR))
                  .column(ColumnSpec.of("js", Kind.JSON))
                  .column(ColumnSpec.enumOf("en", "a", "b'c"))
                  .column(ColumnSpec.setOf("st", "x", "y", "z"))
                  .column(ColumnSpec.bit("bt", 12))
                  .column(ColumnSpec.datetime("zero", 0))
                  .primaryKey("id")
                  .build()));
      TableInfo t = h.table("shop", "types");
      h.send(
          h.dml(
              b ->
                  b.insert(
                      t,
                      row(
                          t,
                          "id",
                          1L,
                          "ti",
                          200L,
                          "bu",
                          new BigInteger("18446744073709551615"),
                          "f",
                          1.1f,
                          "d",
                          2.5d,
                          "dec",
                          new BigDecimal("123.450"),
                          "c",
                          "ab",
                          "vb",
                          new byte[] {1, 2, 3},
                          "tx",
                          "héllo",
                          "bl",
                          new byte[] {9},
                          "dt",
                          LocalDate.of(2024, 2, 29),
                          "dtm",
                          LocalDateTime.of(2024, 5, 6, 7, 8, 9, 123_456_000),
                          "ts",
                          LocalDateTime.of(2024, 5, 6, 7, 8, 9),
                          "tm",
                          Duration.ofMillis(-3_723_500),
                          "yr",
                          2024L,
                          "js",
                          "{\"a\": [1, true]}",
                          "en",
                          "b'c",
                          "st",
                          "x,z",
                          "bt",
                          new MysqlBit(0xABC, 12),
                          "zero",
                          MysqlTime.ZERO))));

      GenericRecord rc = rowsOf(h.txn().get(0).value()).get(0);
      Map<String, Object> v = image(rc, "after");
      assertThat(v.get("id")).isEqualTo(1L);
      assertThat(v.get("ti")).isEqualTo(200L);
      assertThat(v.get("bu")).isEqualTo(new BigInteger("18446744073709551615"));
      assertThat(v.get("f")).isEqualTo(1.1d);
      assertThat(v.get("d")).isEqualTo(2.5d);
      assertThat(v.get("dec")).isEqualTo(new BigDecimal("123.450"));
      assertThat(v.get("c")).isEqualTo("ab");
      assertThat((byte[]) v.get("vb")).containsExactly(1, 2, 3);
      assertThat(v.get("tx")).isEqualTo("héllo");
      assertThat((byte[]) v.get("bl")).containsExactly(9);
      assertThat(v.get("dt")).isEqualTo(LocalDate.of(2024, 2, 29));
      assertThat(v.get("dtm")).isEqualTo(LocalDateTime.of(2024, 5, 6, 7, 8, 9, 123_456_000));
      assertThat(v.get("ts")).isEqualTo(Instant.parse("2024-05-06T07:08:09Z"));
      assertThat(v.get("tm")).isEqualTo(Duration.ofMillis(-3_723_500));
      assertThat(v.get("yr")).isEqualTo(2024L);
      assertThat(v.get("js")).isInstanceOf(JsonText.class);
      assertThat(((JsonText) v.get("js")).text()).contains("\"a\"").contains("true");
      assertThat(v.get("en")).isEqualTo("b'c");
      assertThat(v.get("st")).isEqualTo("x,z");
      assertThat(v.get("bt")).isEqualTo(0xABCL);
      assertThat(v.get("zero")).isEqualTo("0000-00-00 00:00:00");

      // the decimal carries the column's declared precision
      GenericRecord dec = column(rc, "dec");
      assertThat(((GenericRecord) dec.get("value")).get("precision")).isEqualTo(12);

      assertThat(Rows.types(rc, "after"))
          .containsExactly(
              "bigint(20)",
              "tinyint(3) unsigned",
              "bigint(20) unsigned",
              "float",
              "double",
              "decimal(12,3)",
              "char(4)",
              "varbinary(8)",
              "text",
              "blob",
              "date",
              "datetime(6)",
              "timestamp",
              "time(3)",
              "year(4)",
              "json",
              "enum('a','b''c')",
              "set('x','y','z')",
              "bit(12)",
              "datetime");
    }
  }

  private static GenericRecord column(final GenericRecord rowChange, final String name) {
    for (Object o : (List<?>) rowChange.get("after")) {
      GenericRecord cv = (GenericRecord) o;
      if (cv.get("name").toString().equals(name)) {
        return cv;
      }
    }
    throw new AssertionError("no column " + name);
  }
}
