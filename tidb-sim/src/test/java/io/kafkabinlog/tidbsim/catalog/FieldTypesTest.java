package io.kafkabinlog.tidbsim.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.schemas.tableinfo.FieldType;
import io.kafkabinlog.schemas.tableinfo.MysqlFlag;
import io.kafkabinlog.schemas.tableinfo.MysqlType;
import io.kafkabinlog.tidbsim.catalog.ColumnSpec.Kind;
import org.junit.jupiter.api.Test;

/** The FieldType TiDB v7.5 stores for each column definition (parser + DDL defaults). */
class FieldTypesTest {

  private static void assertType(
      final ColumnSpec spec,
      final int tp,
      final int flag,
      final int flen,
      final int decimal,
      final String charset,
      final String collate) {
    final FieldType t = FieldTypes.of(spec);
    assertThat(t.tp()).as("Tp of %s", spec.toSql()).isEqualTo(tp);
    assertThat(t.flag()).as("Flag of %s", spec.toSql()).isEqualTo(flag);
    assertThat(t.flen()).as("Flen of %s", spec.toSql()).isEqualTo(flen);
    assertThat(t.decimal()).as("Decimal of %s", spec.toSql()).isEqualTo(decimal);
    assertThat(t.charset()).as("Charset of %s", spec.toSql()).isEqualTo(charset);
    assertThat(t.collate()).as("Collate of %s", spec.toSql()).isEqualTo(collate);
  }

  @Test
  void integersHaveDisplayWidthsAndUnsignedIsOneDigitNarrower() {
    assertType(ColumnSpec.tinyint("a"), MysqlType.TINY, 0, 4, 0, "binary", "binary");
    assertType(
        ColumnSpec.tinyint("a").unsigned(),
        MysqlType.TINY,
        MysqlFlag.UNSIGNED,
        3,
        0,
        "binary",
        "binary");
    assertType(ColumnSpec.smallint("a"), MysqlType.SHORT, 0, 6, 0, "binary", "binary");
    assertType(ColumnSpec.mediumint("a"), MysqlType.INT24, 0, 9, 0, "binary", "binary");
    assertType(
        ColumnSpec.integer("a").notNull(),
        MysqlType.LONG,
        MysqlFlag.NOT_NULL,
        11,
        0,
        "binary",
        "binary");
    assertType(
        ColumnSpec.integer("a").unsigned(),
        MysqlType.LONG,
        MysqlFlag.UNSIGNED,
        10,
        0,
        "binary",
        "binary");
    // BIGINT keeps 20 either way.
    assertType(ColumnSpec.bigint("a"), MysqlType.LONGLONG, 0, 20, 0, "binary", "binary");
    assertType(
        ColumnSpec.bigint("a").unsigned(),
        MysqlType.LONGLONG,
        MysqlFlag.UNSIGNED,
        20,
        0,
        "binary",
        "binary");
    // AUTO_INCREMENT implies NOT NULL.
    assertType(
        ColumnSpec.bigint("a").autoIncrement(),
        MysqlType.LONGLONG,
        MysqlFlag.NOT_NULL | MysqlFlag.AUTO_INCREMENT,
        20,
        0,
        "binary",
        "binary");
  }

  @Test
  void numbersAndTimes() {
    assertType(ColumnSpec.decimal("a", 10, 2), MysqlType.NEWDECIMAL, 0, 10, 2, "binary", "binary");
    assertType(
        ColumnSpec.of("a", Kind.DECIMAL), MysqlType.NEWDECIMAL, 0, 10, 0, "binary", "binary");
    assertType(ColumnSpec.of("a", Kind.FLOAT), MysqlType.FLOAT, 0, 12, -1, "binary", "binary");
    assertType(ColumnSpec.of("a", Kind.DOUBLE), MysqlType.DOUBLE, 0, 22, -1, "binary", "binary");
    assertType(ColumnSpec.of("a", Kind.DATE), MysqlType.DATE, 0, 10, 0, "binary", "binary");
    assertType(ColumnSpec.datetime("a", 0), MysqlType.DATETIME, 0, 19, 0, "binary", "binary");
    assertType(ColumnSpec.datetime("a", 3), MysqlType.DATETIME, 0, 23, 3, "binary", "binary");
    assertType(ColumnSpec.timestamp("a", 6), MysqlType.TIMESTAMP, 0, 26, 6, "binary", "binary");
    assertType(ColumnSpec.time("a", 0), MysqlType.DURATION, 0, 10, 0, "binary", "binary");
    assertType(ColumnSpec.time("a", 2), MysqlType.DURATION, 0, 13, 2, "binary", "binary");
    // processColumnFlags: YEAR is ZEROFILL (hence UNSIGNED), BIT is UNSIGNED without BINARY.
    assertType(
        ColumnSpec.of("a", Kind.YEAR),
        MysqlType.YEAR,
        MysqlFlag.ZEROFILL | MysqlFlag.UNSIGNED,
        4,
        0,
        "binary",
        "binary");
    assertType(
        ColumnSpec.bit("a", 12), MysqlType.BIT, MysqlFlag.UNSIGNED, 12, 0, "binary", "binary");
    assertType(
        ColumnSpec.of("a", Kind.BIT), MysqlType.BIT, MysqlFlag.UNSIGNED, 1, 0, "binary", "binary");
  }

  @Test
  void stringsCarryUtf8mb4BinAndBinaryStringsTheBinaryFlag() {
    assertType(ColumnSpec.varchar("a", 20), MysqlType.VARCHAR, 0, 20, 0, "utf8mb4", "utf8mb4_bin");
    assertType(ColumnSpec.charType("a", 4), MysqlType.STRING, 0, 4, 0, "utf8mb4", "utf8mb4_bin");
    assertType(
        ColumnSpec.of("a", Kind.TEXT), MysqlType.BLOB, 0, 65535, 0, "utf8mb4", "utf8mb4_bin");
    assertType(
        ColumnSpec.of("a", Kind.TINYTEXT),
        MysqlType.TINY_BLOB,
        0,
        255,
        0,
        "utf8mb4",
        "utf8mb4_bin");
    assertType(
        ColumnSpec.of("a", Kind.MEDIUMTEXT),
        MysqlType.MEDIUM_BLOB,
        0,
        16777215,
        0,
        "utf8mb4",
        "utf8mb4_bin");
    assertType(
        ColumnSpec.varbinary("a", 16),
        MysqlType.VARCHAR,
        MysqlFlag.BINARY,
        16,
        0,
        "binary",
        "binary");
    assertType(
        ColumnSpec.of("a", Kind.BINARY),
        MysqlType.STRING,
        MysqlFlag.BINARY,
        1,
        0,
        "binary",
        "binary");
    assertType(
        ColumnSpec.of("a", Kind.BLOB),
        MysqlType.BLOB,
        MysqlFlag.BINARY,
        65535,
        0,
        "binary",
        "binary");
    assertType(
        ColumnSpec.of("a", Kind.JSON),
        MysqlType.JSON,
        MysqlFlag.BINARY,
        FieldTypes.UNREPRESENTABLE_FLEN,
        0,
        "binary",
        "binary");
  }

  @Test
  void enumAndSetCarryElemsAndTheirDisplayLength() {
    final FieldType e = FieldTypes.of(ColumnSpec.enumOf("e", "a", "bbb"));
    assertThat(e.tp()).isEqualTo(MysqlType.ENUM);
    assertThat(e.elems()).containsExactly("a", "bbb");
    assertThat(e.flen()).isEqualTo(3);
    assertThat(e.collate()).isEqualTo("utf8mb4_bin");
    final FieldType s = FieldTypes.of(ColumnSpec.setOf("s", "x", "yy", "zzz"));
    assertThat(s.tp()).isEqualTo(MysqlType.SET);
    assertThat(s.elems()).containsExactly("x", "yy", "zzz");
    assertThat(s.flen()).isEqualTo(1 + 2 + 3 + 2);
  }

  @Test
  void varcharWithoutLengthIsRejected() {
    assertThatThrownBy(() -> FieldTypes.of(ColumnSpec.of("v", Kind.VARCHAR)))
        .isInstanceOf(DdlException.class)
        .hasMessageContaining("needs a length");
  }

  @Test
  void columnSqlIsPlainMysql() {
    assertThat(ColumnSpec.decimal("price", 10, 2).unsigned().notNull().defaultValue("0.00").toSql())
        .isEqualTo("`price` DECIMAL(10,2) UNSIGNED NOT NULL DEFAULT '0.00'");
    assertThat(ColumnSpec.enumOf("e", "a", "it's").defaultNull().toSql())
        .isEqualTo("`e` ENUM('a','it''s') DEFAULT NULL");
    assertThat(ColumnSpec.timestamp("t", 3).notNull().defaultCurrentTimestamp().toSql())
        .isEqualTo("`t` TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)");
    assertThat(ColumnSpec.bigint("id").unsigned().autoIncrement().toSql())
        .isEqualTo("`id` BIGINT UNSIGNED NOT NULL AUTO_INCREMENT");
  }
}
