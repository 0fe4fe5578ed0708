package io.kafkabinlog.schemas.tableinfo;

/** Column flag bits ({@code FieldType.Flag}), {@code pkg/parser/mysql/type.go}. */
public final class MysqlFlag {
  public static final int NOT_NULL = 1;
  public static final int PRI_KEY = 2;
  public static final int UNIQUE_KEY = 4;
  public static final int MULTIPLE_KEY = 8;
  public static final int BLOB = 16;
  public static final int UNSIGNED = 32;
  public static final int ZEROFILL = 64;
  public static final int BINARY = 128;
  public static final int ENUM = 256;
  public static final int AUTO_INCREMENT = 512;
  public static final int TIMESTAMP = 1024;
  public static final int SET = 2048;
  public static final int NO_DEFAULT_VALUE = 4096;
  public static final int ON_UPDATE_NOW = 8192;
  public static final int PART_KEY = 16384;
  public static final int NUM = 32768;
  public static final int GROUP = 32768;
  public static final int UNIQUE = 1 << 16;
  public static final int BINCMP = 1 << 17;
  public static final int PARSE_TO_JSON = 1 << 18;
  public static final int IS_BOOLEAN = 1 << 19;
  public static final int PREVENT_NULL_INSERT = 1 << 20;

  /** The bits defined up to {@link #PREVENT_NULL_INSERT}; newer internal bits are masked out. */
  public static final int KNOWN_MASK = (1 << 21) - 1;

  private MysqlFlag() {}

  public static boolean has(int flags, int bit) {
    return (flags & bit) != 0;
  }
}
