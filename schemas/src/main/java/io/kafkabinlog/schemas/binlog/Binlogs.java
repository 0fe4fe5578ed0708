package io.kafkabinlog.schemas.binlog;

import com.google.protobuf.ByteString;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.proto.binlog.PrewriteValue;
import java.nio.charset.StandardCharsets;

/**
 * Builders for the {@link Binlog} shapes TiDB and the pump produce.
 *
 * <p>The original marks {@code tp}, {@code start_ts}, {@code commit_ts}, {@code ddl_job_id} and
 * {@code ddl_schema_state} non-nullable, so Go always puts them on the wire, zero or not. These
 * builders set all five explicitly, so our bytes are the bytes TiDB would send.
 */
public final class Binlogs {
  private Binlogs() {}

  /** A P-binlog of a DML transaction, without a primary key. */
  public static Binlog prewrite(long startTs, PrewriteValue value) {
    return base(BinlogType.Prewrite, startTs, 0).setPrewriteValue(value.toByteString()).build();
  }

  /** A P-binlog of a DML transaction; {@code primaryKey} is the txn's raw TiKV primary key. */
  public static Binlog prewrite(long startTs, ByteString primaryKey, PrewriteValue value) {
    return base(BinlogType.Prewrite, startTs, 0)
        .setPrewriteKey(primaryKey)
        .setPrewriteValue(value.toByteString())
        .build();
  }

  /** A P-binlog of a DDL job (no prewrite value). */
  public static Binlog ddl(long startTs, long ddlJobId, int ddlSchemaState, String ddlQuery) {
    return base(BinlogType.Prewrite, startTs, 0)
        .setDdlJobId(ddlJobId)
        .setDdlSchemaState(ddlSchemaState)
        .setDdlQuery(ByteString.copyFrom(ddlQuery, StandardCharsets.UTF_8))
        .build();
  }

  /** A C-binlog. */
  public static Binlog commit(long startTs, long commitTs) {
    return base(BinlogType.Commit, startTs, commitTs).build();
  }

  /**
   * The C-binlog TiDB sends after committing the transaction of {@code prewrite}: the same object
   * with {@code tp=Commit} and {@code commit_ts} set and {@code prewrite_value} cleared; the
   * primary key and any DDL fields stay.
   */
  public static Binlog commitOf(Binlog prewrite, long commitTs) {
    return prewrite.toBuilder()
        .setTp(BinlogType.Commit)
        .setCommitTs(commitTs)
        .clearPrewriteValue()
        .build();
  }

  /** The rollback binlog TiDB sends when the commit of {@code prewrite}'s transaction failed. */
  public static Binlog rollbackOf(Binlog prewrite) {
    return prewrite.toBuilder()
        .setTp(BinlogType.Rollback)
        .setCommitTs(0)
        .clearPrewriteValue()
        .build();
  }

  /** A real rollback: {@code commit_ts} is 0. */
  public static Binlog rollback(long startTs) {
    return base(BinlogType.Rollback, startTs, 0).build();
  }

  /** A fake (watermark) binlog: {@code tp=Rollback, start_ts == commit_ts == ts}. */
  public static Binlog fake(long ts) {
    return base(BinlogType.Rollback, ts, ts).build();
  }

  /** Whether the drainer would treat this binlog as fake: {@code start_ts == commit_ts}. */
  public static boolean isFake(Binlog binlog) {
    return binlog.getStartTs() == binlog.getCommitTs();
  }

  private static Binlog.Builder base(BinlogType tp, long startTs, long commitTs) {
    return Binlog.newBuilder()
        .setTp(tp)
        .setStartTs(startTs)
        .setCommitTs(commitTs)
        .setDdlJobId(0)
        .setDdlSchemaState(0);
  }
}
