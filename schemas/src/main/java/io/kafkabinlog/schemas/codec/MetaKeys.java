package io.kafkabinlog.schemas.codec;

import java.nio.charset.StandardCharsets;

/**
 * TiDB meta (hash) keys: {@code "m" + EncodeBytes(hashKey) + EncodeUint('h') + EncodeBytes(field)}
 * ({@code pkg/structure/type.go}, {@code pkg/meta/meta.go}).
 */
public final class MetaKeys {
  private static final long HASH_DATA = 'h';

  private MetaKeys() {}

  public static byte[] hashFieldKey(byte[] hashKey, byte[] field) {
    ByteWriter w = new ByteWriter();
    w.writeByte('m');
    DatumCodec.encodeMemcomparable(hashKey, w);
    w.writeLongBE(HASH_DATA);
    DatumCodec.encodeMemcomparable(field, w);
    return w.toByteArray();
  }

  /** The DDL history job key: hash "DDLJobHistory", field = 8-byte big-endian job id. */
  public static byte[] historyJobKey(long jobId) {
    byte[] field = new ByteWriter().writeLongBE(jobId).toByteArray();
    return hashFieldKey(ascii("DDLJobHistory"), field);
  }

  /** The DBInfo key of a database: hash "DBs", field "DB:&lt;id&gt;". */
  public static byte[] databaseKey(long dbId) {
    return hashFieldKey(ascii("DBs"), ascii("DB:" + dbId));
  }

  /** The TableInfo key of a table: hash "DB:&lt;dbId&gt;", field "Table:&lt;tableId&gt;". */
  public static byte[] tableKey(long dbId, long tableId) {
    return hashFieldKey(ascii("DB:" + dbId), ascii("Table:" + tableId));
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
