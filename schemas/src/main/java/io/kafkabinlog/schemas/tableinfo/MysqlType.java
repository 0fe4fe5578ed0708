package io.kafkabinlog.schemas.tableinfo;

/** MySQL column type codes ({@code FieldType.Tp}), {@code pkg/parser/mysql/type.go}. */
public final class MysqlType {
  public static final int DECIMAL = 0;
  public static final int TINY = 1;
  public static final int SHORT = 2;
  public static final int LONG = 3;
  public static final int FLOAT = 4;
  public static final int DOUBLE = 5;
  public static final int NULL = 6;
  public static final int TIMESTAMP = 7;
  public static final int LONGLONG = 8;
  public static final int INT24 = 9;
  public static final int DATE = 10;
  public static final int DURATION = 11;
  public static final int DATETIME = 12;
  public static final int YEAR = 13;
  public static final int NEWDATE = 14;
  public static final int VARCHAR = 15;
  public static final int BIT = 16;
  public static final int TIDB_VECTOR = 0xE1;
  public static final int JSON = 0xF5;
  public static final int NEWDECIMAL = 0xF6;
  public static final int ENUM = 0xF7;
  public static final int SET = 0xF8;
  public static final int TINY_BLOB = 0xF9;
  public static final int MEDIUM_BLOB = 0xFA;
  public static final int LONG_BLOB = 0xFB;
  public static final int BLOB = 0xFC;
  public static final int VAR_STRING = 0xFD;
  public static final int STRING = 0xFE;
  public static final int GEOMETRY = 0xFF;

  private MysqlType() {}

  public static boolean isInteger(int tp) {
    return tp == TINY || tp == SHORT || tp == INT24 || tp == LONG || tp == LONGLONG || tp == YEAR;
  }

  public static boolean isString(int tp) {
    return tp == VARCHAR
        || tp == VAR_STRING
        || tp == STRING
        || tp == TINY_BLOB
        || tp == MEDIUM_BLOB
        || tp == LONG_BLOB
        || tp == BLOB;
  }

  public static boolean isTime(int tp) {
    return tp == DATE || tp == DATETIME || tp == TIMESTAMP || tp == NEWDATE;
  }
}
