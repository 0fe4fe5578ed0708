package io.kafkabinlog.tidbsim.catalog;

import io.kafkabinlog.schemas.tableinfo.FieldType;
import io.kafkabinlog.schemas.tableinfo.MysqlFlag;
import io.kafkabinlog.schemas.tableinfo.MysqlType;
import io.kafkabinlog.tidbsim.catalog.ColumnSpec.Kind;

/**
 * The {@code FieldType} TiDB stores for a column definition: TiDB's parser and {@code
 * ddl.setCharsetCollationFlenDecimal} / {@code processColumnFlags} (pingcap/tidb v7.5, default
 * collation {@code utf8mb4_bin}). Key flags (PRI_KEY, UNIQUE_KEY, MULTIPLE_KEY) are added by the
 * table builder, which knows the indexes.
 */
public final class FieldTypes {
  /** Table and string-column character set. */
  public static final String UTF8MB4 = "utf8mb4";

  /** Table and string-column collation (TiDB's default with new collations off). */
  public static final String UTF8MB4_BIN = "utf8mb4_bin";

  /** Character set and collation of numbers, times, JSON and binary strings. */
  public static final String BINARY = "binary";

  /**
   * Flen of LONGTEXT/LONGBLOB/JSON. TiDB writes 4294967295, which does not fit the schemas module's
   * {@code int Flen}; -1 ("unspecified") is the nearest value the model can hold.
   */
  public static final int UNREPRESENTABLE_FLEN = -1;

  private FieldTypes() {}

  /** The field type of {@code spec}, with the flags that follow from the column alone. */
  public static FieldType of(final ColumnSpec spec) {
    int flag = 0;
    if (spec.effectivelyNotNull()) {
      flag |= MysqlFlag.NOT_NULL;
    }
    if (spec.isUnsigned()) {
      flag |= MysqlFlag.UNSIGNED;
    }
    if (spec.isAutoIncrement()) {
      flag |= MysqlFlag.AUTO_INCREMENT;
    }
    final Kind kind = spec.kind();
    if (kind.isBinaryString() || kind == Kind.JSON) {
      flag |= MysqlFlag.BINARY;
    }
    if (kind == Kind.BIT) {
      // processColumnFlags: BIT is binary without the BINARY flag, and always UNSIGNED.
      flag |= MysqlFlag.UNSIGNED;
    }
    if (kind == Kind.YEAR) {
      flag |= MysqlFlag.ZEROFILL | MysqlFlag.UNSIGNED;
    }
    final int len = spec.length();
    final int scale = spec.scale();
    return switch (kind) {
      case TINYINT -> number(MysqlType.TINY, flag, intFlen(len, 4, spec.isUnsigned()), 0);
      case SMALLINT -> number(MysqlType.SHORT, flag, intFlen(len, 6, spec.isUnsigned()), 0);
      case MEDIUMINT -> number(MysqlType.INT24, flag, intFlen(len, 9, spec.isUnsigned()), 0);
      case INT -> number(MysqlType.LONG, flag, intFlen(len, 11, spec.isUnsigned()), 0);
      case BIGINT -> number(MysqlType.LONGLONG, flag, len >= 0 ? len : 20, 0);
      case DECIMAL ->
          number(MysqlType.NEWDECIMAL, flag, len >= 0 ? len : 10, scale >= 0 ? scale : 0);
      case FLOAT -> number(MysqlType.FLOAT, flag, 12, -1);
      case DOUBLE -> number(MysqlType.DOUBLE, flag, 22, -1);
      case CHAR -> text(MysqlType.STRING, flag, len >= 0 ? len : 1);
      case VARCHAR -> text(MysqlType.VARCHAR, flag, requireLength(spec));
      case TINYTEXT -> text(MysqlType.TINY_BLOB, flag, 255);
      case TEXT -> text(MysqlType.BLOB, flag, 65535);
      case MEDIUMTEXT -> text(MysqlType.MEDIUM_BLOB, flag, 16777215);
      case LONGTEXT -> text(MysqlType.LONG_BLOB, flag, UNREPRESENTABLE_FLEN);
      case BINARY -> number(MysqlType.STRING, flag, len >= 0 ? len : 1, 0);
      case VARBINARY -> number(MysqlType.VARCHAR, flag, requireLength(spec), 0);
      case TINYBLOB -> number(MysqlType.TINY_BLOB, flag, 255, 0);
      case BLOB -> number(MysqlType.BLOB, flag, 65535, 0);
      case MEDIUMBLOB -> number(MysqlType.MEDIUM_BLOB, flag, 16777215, 0);
      case LONGBLOB -> number(MysqlType.LONG_BLOB, flag, UNREPRESENTABLE_FLEN, 0);
      case DATE -> number(MysqlType.DATE, flag, 10, 0);
      case DATETIME -> number(MysqlType.DATETIME, flag, timeFlen(19, scale), Math.max(scale, 0));
      case TIMESTAMP -> number(MysqlType.TIMESTAMP, flag, timeFlen(19, scale), Math.max(scale, 0));
      case TIME -> number(MysqlType.DURATION, flag, timeFlen(10, scale), Math.max(scale, 0));
      case YEAR -> number(MysqlType.YEAR, flag, 4, 0);
      case JSON -> number(MysqlType.JSON, flag, UNREPRESENTABLE_FLEN, 0);
      case ENUM -> {
        int max = 0;
        for (String e : spec.elems()) {
          max = Math.max(max, e.length());
        }
        yield new FieldType(
            MysqlType.ENUM, flag, max, 0, UTF8MB4, UTF8MB4_BIN, spec.elems(), null, false);
      }
      case SET -> {
        int total = spec.elems().size() - 1;
        for (String e : spec.elems()) {
          total += e.length();
        }
        yield new FieldType(
            MysqlType.SET, flag, total, 0, UTF8MB4, UTF8MB4_BIN, spec.elems(), null, false);
      }
      case BIT -> number(MysqlType.BIT, flag, len >= 0 ? len : 1, 0);
    };
  }

  private static int requireLength(final ColumnSpec spec) {
    if (spec.length() < 0) {
      throw new DdlException(
          DdlException.TOO_BIG_FIELD_LENGTH,
          spec.kind() + " column '" + spec.name() + "' needs a length");
    }
    return spec.length();
  }

  /** Unsigned integers (except BIGINT) are one digit narrower: no sign (TiDB issue #4684). */
  private static int intFlen(final int given, final int signedDefault, final boolean unsigned) {
    if (given >= 0) {
      return given;
    }
    return unsigned ? signedDefault - 1 : signedDefault;
  }

  private static int timeFlen(final int base, final int fsp) {
    return fsp > 0 ? base + 1 + fsp : base;
  }

  private static FieldType number(final int tp, final int flag, final int flen, final int dec) {
    return new FieldType(tp, flag, flen, dec, BINARY, BINARY, null, null, false);
  }

  private static FieldType text(final int tp, final int flag, final int flen) {
    return new FieldType(tp, flag, flen, 0, UTF8MB4, UTF8MB4_BIN, null, null, false);
  }
}
