package io.kafkabinlog.tidbsim.expected;

import io.kafkabinlog.schemas.tableinfo.CIStr;
import io.kafkabinlog.schemas.tableinfo.ColumnInfo;
import io.kafkabinlog.schemas.tableinfo.FieldType;
import io.kafkabinlog.schemas.tableinfo.MysqlFlag;
import io.kafkabinlog.schemas.tableinfo.MysqlType;
import io.kafkabinlog.schemas.tableinfo.SchemaState;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import io.kafkabinlog.tidbsim.mutation.SimRow;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Rows of the fixed shape {@code (id BIGINT NOT NULL PRIMARY KEY, payload LONGBLOB NOT NULL)}:
 * column ids 1 and 2, the id as int handle, a payload of {@code rowBytes} pseudo-random bytes that
 * depend only on seed and id.
 */
public final class PayloadRowGenerator implements RowGenerator {
  public static final long ID_COLUMN_ID = 1;
  public static final long PAYLOAD_COLUMN_ID = 2;

  /** The TableInfo of a table of this shape, for the workload's CREATE TABLE job. */
  public static TableInfo tableInfo(final long tableId, final String name) {
    FieldType id =
        new FieldType(
            MysqlType.LONGLONG,
            MysqlFlag.NOT_NULL | MysqlFlag.PRI_KEY | MysqlFlag.NO_DEFAULT_VALUE,
            20,
            0,
            "binary",
            "binary",
            null,
            null,
            null);
    FieldType payload =
        new FieldType(
            MysqlType.LONG_BLOB,
            MysqlFlag.NOT_NULL | MysqlFlag.BLOB | MysqlFlag.BINARY | MysqlFlag.NO_DEFAULT_VALUE,
            -1,
            0,
            "binary",
            "binary",
            null,
            null,
            null);
    return new TableInfo(
        tableId,
        CIStr.of(name),
        "utf8mb4",
        "utf8mb4_bin",
        List.of(
            ColumnInfo.of(ID_COLUMN_ID, "id", 0, id),
            ColumnInfo.of(PAYLOAD_COLUMN_ID, "payload", 1, payload)),
        List.of(),
        SchemaState.PUBLIC,
        true,
        false,
        0,
        "",
        0,
        PAYLOAD_COLUMN_ID,
        0,
        0,
        null,
        5);
  }

  /** The MySQL statement that creates a table of this shape. */
  public static String createTableSql(final String name) {
    return "CREATE TABLE `"
        + name.replace("`", "``")
        + "` (`id` BIGINT NOT NULL PRIMARY KEY, `payload` LONGBLOB NOT NULL)";
  }

  @Override
  public SimRow row(final long seed, final long id, final int rowBytes) {
    Map<Long, Object> values = new LinkedHashMap<>();
    values.put(ID_COLUMN_ID, id);
    values.put(PAYLOAD_COLUMN_ID, payload(seed, id, rowBytes));
    return SimRow.of(values);
  }

  /** The payload bytes of row {@code id}. */
  public static byte[] payload(final long seed, final long id, final int rowBytes) {
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + id);
    byte[] out = new byte[rowBytes];
    int i = 0;
    while (i < rowBytes) {
      long r = random.nextLong();
      for (int k = 0; k < 8 && i < rowBytes; k++, i++) {
        out[i] = (byte) (r >>> (8 * k));
      }
    }
    return out;
  }
}
