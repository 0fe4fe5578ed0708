package io.kafkabinlog.schemas.tableinfo;

/** {@code model.SchemaState} codes. */
public final class SchemaState {
  public static final int NONE = 0;
  public static final int DELETE_ONLY = 1;
  public static final int WRITE_ONLY = 2;
  public static final int WRITE_REORGANIZATION = 3;
  public static final int DELETE_REORGANIZATION = 4;
  public static final int PUBLIC = 5;
  public static final int REPLICA_ONLY = 6;
  public static final int GLOBAL_TXN_ONLY = 7;

  private SchemaState() {}
}
