package io.kafkabinlog.ordering.decode;

import io.kafkabinlog.schemas.tableinfo.FieldType;
import io.kafkabinlog.schemas.tableinfo.MysqlFlag;
import io.kafkabinlog.schemas.tableinfo.MysqlType;
import java.util.List;

/**
 * A column's type as TiDB's {@code SHOW CREATE TABLE} prints it ({@code FieldType.CompactStr} plus
 * the unsigned/zerofill words): {@code int(11)}, {@code bigint(20) unsigned}, {@code varchar(64)},
 * {@code varbinary(16)}, {@code decimal(10,2)}, {@code datetime(6)}, {@code enum('a','b')}, {@code
 * json}. The text goes into every ColumnValue's {@code mysql_type}.
 */
final class ColumnTypeText {
  private ColumnTypeText() {}

  static String of(final FieldType ft) {
    boolean binary = ft.isBinaryString();
    int flen = ft.flen();
    int dec = ft.decimal();
    String base =
        switch (ft.tp()) {
          case MysqlType.TINY -> withLength("tinyint", flen);
          case MysqlType.SHORT -> withLength("smallint", flen);
          case MysqlType.INT24 -> withLength("mediumint", flen);
          case MysqlType.LONG -> withLength("int", flen);
          case MysqlType.LONGLONG -> withLength("bigint", flen);
          case MysqlType.YEAR -> withLength("year", flen);
          case MysqlType.FLOAT -> floating("float", flen, dec);
          case MysqlType.DOUBLE -> floating("double", flen, dec);
          case MysqlType.DECIMAL, MysqlType.NEWDECIMAL ->
              "decimal(" + (flen > 0 ? flen : 10) + "," + Math.max(dec, 0) + ")";
          case MysqlType.DATE, MysqlType.NEWDATE -> "date";
          case MysqlType.DATETIME -> withFsp("datetime", dec);
          case MysqlType.TIMESTAMP -> withFsp("timestamp", dec);
          case MysqlType.DURATION -> withFsp("time", dec);
          case MysqlType.VARCHAR, MysqlType.VAR_STRING ->
              withLength(binary ? "varbinary" : "varchar", flen);
          case MysqlType.STRING -> withLength(binary ? "binary" : "char", flen);
          case MysqlType.TINY_BLOB -> binary ? "tinyblob" : "tinytext";
          case MysqlType.BLOB -> binary ? "blob" : "text";
          case MysqlType.MEDIUM_BLOB -> binary ? "mediumblob" : "mediumtext";
          case MysqlType.LONG_BLOB -> binary ? "longblob" : "longtext";
          case MysqlType.JSON -> "json";
          case MysqlType.ENUM -> "enum(" + quoted(ft.elems()) + ")";
          case MysqlType.SET -> "set(" + quoted(ft.elems()) + ")";
          case MysqlType.BIT -> withLength("bit", flen);
          case MysqlType.GEOMETRY -> "geometry";
          case MysqlType.TIDB_VECTOR -> "vector";
          case MysqlType.NULL -> "null";
          default -> "unknown(" + ft.tp() + ")";
        };
    if (isNumeric(ft.tp())) {
      if (MysqlFlag.has(ft.flag(), MysqlFlag.UNSIGNED)) {
        base += " unsigned";
      }
      if (MysqlFlag.has(ft.flag(), MysqlFlag.ZEROFILL)) {
        base += " zerofill";
      }
    }
    return base;
  }

  private static boolean isNumeric(final int tp) {
    return (MysqlType.isInteger(tp) && tp != MysqlType.YEAR)
        || tp == MysqlType.FLOAT
        || tp == MysqlType.DOUBLE
        || tp == MysqlType.DECIMAL
        || tp == MysqlType.NEWDECIMAL;
  }

  private static String withLength(final String name, final int flen) {
    return flen > 0 ? name + "(" + flen + ")" : name;
  }

  private static String withFsp(final String name, final int fsp) {
    return fsp > 0 ? name + "(" + fsp + ")" : name;
  }

  private static String floating(final String name, final int flen, final int dec) {
    return flen > 0 && dec >= 0 ? name + "(" + flen + "," + dec + ")" : name;
  }

  private static String quoted(final List<String> elems) {
    StringBuilder sb = new StringBuilder();
    if (elems != null) {
      for (String e : elems) {
        if (sb.length() > 0) {
          sb.append(',');
        }
        sb.append('\'').append(e.replace("\\", "\\\\").replace("'", "''")).append('\'');
      }
    }
    return sb.toString();
  }
}
