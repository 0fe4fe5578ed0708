package io.kafkabinlog.tidbsim.catalog;

/**
 * A DDL statement TiDB would reject (unknown database or table, duplicate name, unsupported
 * change). Nothing was changed. Carries the MySQL error number TiDB returns for the same case, so
 * the sim can answer a client as TiDB would.
 */
public final class DdlException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** ER_DB_CREATE_EXISTS. */
  public static final int DATABASE_EXISTS = 1007;

  /** ER_BAD_DB_ERROR. */
  public static final int UNKNOWN_DATABASE = 1049;

  /** ER_TABLE_EXISTS_ERROR. */
  public static final int TABLE_EXISTS = 1050;

  /** ER_BAD_FIELD_ERROR. */
  public static final int UNKNOWN_COLUMN = 1054;

  /** ER_DUP_FIELDNAME. */
  public static final int DUPLICATE_COLUMN = 1060;

  /** ER_DUP_KEYNAME. */
  public static final int DUPLICATE_KEY_NAME = 1061;

  /** ER_MULTIPLE_PRI_KEY. */
  public static final int MULTIPLE_PRIMARY_KEY = 1068;

  /** ER_TOO_BIG_FIELDLENGTH. */
  public static final int TOO_BIG_FIELD_LENGTH = 1074;

  /** ER_WRONG_AUTO_KEY. */
  public static final int WRONG_AUTO_KEY = 1075;

  /** ER_CANT_REMOVE_ALL_FIELDS. */
  public static final int CANT_REMOVE_ALL_FIELDS = 1090;

  /** ER_KEY_COLUMN_DOES_NOT_EXITS. */
  public static final int KEY_COLUMN_DOES_NOT_EXIST = 1072;

  /** ER_NO_SUCH_TABLE. */
  public static final int NO_SUCH_TABLE = 1146;

  /** ER_INVALID_DEFAULT. */
  public static final int INVALID_DEFAULT = 1067;

  /** ER_UNIQUE_KEY_NEED_ALL_FIELDS_IN_PF. */
  public static final int UNIQUE_KEY_NEEDS_ALL_PARTITION_FIELDS = 1503;

  /** TiDB's ErrUnsupportedDDLOperation. */
  public static final int UNSUPPORTED = 8200;

  private final int mysqlErrorCode;

  public DdlException(final int mysqlErrorCode, final String message) {
    super(message);
    this.mysqlErrorCode = mysqlErrorCode;
  }

  /** The MySQL error number TiDB returns for this rejection. */
  public int mysqlErrorCode() {
    return mysqlErrorCode;
  }
}
