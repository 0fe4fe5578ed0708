package io.kafkabinlog.schemas.tableinfo;

/** {@code model.ActionType} codes ({@code job.type}) that replication cares about by name. */
public final class ActionType {
  public static final int NONE = 0;
  public static final int CREATE_SCHEMA = 1;
  public static final int DROP_SCHEMA = 2;
  public static final int CREATE_TABLE = 3;
  public static final int DROP_TABLE = 4;
  public static final int ADD_COLUMN = 5;
  public static final int DROP_COLUMN = 6;
  public static final int ADD_INDEX = 7;
  public static final int DROP_INDEX = 8;
  public static final int ADD_FOREIGN_KEY = 9;
  public static final int DROP_FOREIGN_KEY = 10;
  public static final int TRUNCATE_TABLE = 11;
  public static final int MODIFY_COLUMN = 12;
  public static final int REBASE_AUTO_ID = 13;
  public static final int RENAME_TABLE = 14;
  public static final int SET_DEFAULT_VALUE = 15;
  public static final int SHARD_ROW_ID = 16;
  public static final int MODIFY_TABLE_COMMENT = 17;
  public static final int RENAME_INDEX = 18;
  public static final int ADD_TABLE_PARTITION = 19;
  public static final int DROP_TABLE_PARTITION = 20;
  public static final int CREATE_VIEW = 21;
  public static final int MODIFY_TABLE_CHARSET_AND_COLLATE = 22;
  public static final int TRUNCATE_TABLE_PARTITION = 23;
  public static final int DROP_VIEW = 24;
  public static final int RECOVER_TABLE = 25;
  public static final int MODIFY_SCHEMA_CHARSET_AND_COLLATE = 26;
  public static final int LOCK_TABLE = 27;
  public static final int UNLOCK_TABLE = 28;
  public static final int REPAIR_TABLE = 29;
  public static final int SET_TIFLASH_REPLICA = 30;
  public static final int UPDATE_TIFLASH_REPLICA_STATUS = 31;
  public static final int ADD_PRIMARY_KEY = 32;
  public static final int DROP_PRIMARY_KEY = 33;
  public static final int CREATE_SEQUENCE = 34;
  public static final int ALTER_SEQUENCE = 35;
  public static final int DROP_SEQUENCE = 36;
  public static final int MODIFY_TABLE_AUTO_ID_CACHE = 39;
  public static final int REBASE_AUTO_RANDOM_BASE = 40;
  public static final int ALTER_INDEX_VISIBILITY = 41;
  public static final int EXCHANGE_TABLE_PARTITION = 42;
  public static final int RENAME_TABLES = 47;
  public static final int ALTER_TABLE_ATTRIBUTES = 49;
  public static final int ALTER_TABLE_PARTITION_ATTRIBUTES = 50;
  public static final int CREATE_PLACEMENT_POLICY = 51;
  public static final int ALTER_PLACEMENT_POLICY = 52;
  public static final int DROP_PLACEMENT_POLICY = 53;
  public static final int ALTER_CACHE_TABLE = 57;
  public static final int ALTER_NO_CACHE_TABLE = 59;
  public static final int CREATE_TABLES = 60;
  public static final int MULTI_SCHEMA_CHANGE = 61;
  public static final int FLASHBACK_CLUSTER = 62;
  public static final int RECOVER_SCHEMA = 63;
  public static final int REORGANIZE_PARTITION = 64;
  public static final int ALTER_TTL_INFO = 65;
  public static final int ALTER_TTL_REMOVE = 67;
  public static final int CREATE_RESOURCE_GROUP = 68;
  public static final int ALTER_RESOURCE_GROUP = 69;
  public static final int DROP_RESOURCE_GROUP = 70;
  public static final int ALTER_TABLE_PARTITIONING = 71;
  public static final int REMOVE_PARTITIONING = 72;
  public static final int ADD_VECTOR_INDEX = 73;

  private ActionType() {}
}
