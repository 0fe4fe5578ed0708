package io.kafkabinlog.tidbsim.mutation;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.kafkabinlog.schemas.binlog.BinlogParser;
import io.kafkabinlog.schemas.binlog.Binlogs;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.proto.binlog.MutationType;
import io.kafkabinlog.schemas.proto.binlog.PrewriteValue;
import io.kafkabinlog.schemas.tableinfo.TableInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.function.LongFunction;

/**
 * The prewrite binlog of one huge insert-only transaction, written straight into one exact-size
 * {@code byte[]} without ever holding the rows: the {@code binlog.Binlog} wire bytes with a {@code
 * prewrite_value} of one {@code TableMutation} whose {@code inserted_rows} are rows {@code firstId
 * .. firstId + count - 1} of a deterministic generator. The bytes equal what {@link
 * Binlogs#prewrite(long, ByteString, PrewriteValue)} would serialize for a {@link
 * TxnMutationsBuilder} fed the same rows.
 *
 * <p>Two passes over the generator: {@link #plan} encodes every row once to learn the sizes (the
 * length prefixes come before the rows), {@link #write} encodes them again into the array. Rows are
 * generated and encoded one at a time, so the heap holds the binlog once plus a row or two.
 */
public final class GeneratedPrewrite {
  /**
   * The largest binlog built: the pump's gRPC receive limit ({@code MaxInt - 4 MiB}) less the
   * {@code WriteBinlogReq} framing around the payload, and so also below Java's array limit.
   */
  public static final int MAX_BINLOG_BYTES = BinlogParser.DEFAULT_MAX_PAYLOAD_BYTES - 64;

  private static final int TAG_INSERTED_ROWS = 2;
  private static final int TAG_SEQUENCE = 7;
  private static final int SEQUENCE_ENTRY_BYTES =
      CodedOutputStream.computeEnumSize(TAG_SEQUENCE, MutationType.Insert.getNumber());

  /** Which pass over the rows a progress report is about. */
  public enum Pass {
    /** Encoding each row once to size the binlog. */
    SIZING,
    /** Encoding each row again into the binlog's bytes. */
    WRITING
  }

  /** Told after each row of either pass; implementations print now and then. */
  @FunctionalInterface
  public interface Listener {
    void progress(Pass pass, long rowsDone, long rowsTotal, long rowBytesDone);

    Listener NONE = (pass, rowsDone, rowsTotal, bytes) -> {};
  }

  private final TableInfo table;
  private final long schemaVersion;
  private final LongFunction<SimRow> rows;
  private final long firstId;
  private final long count;
  private final byte[] primaryKey;
  private final long tableMutationBytes;
  private final long prewriteValueBytes;

  private GeneratedPrewrite(
      final TableInfo table,
      final long schemaVersion,
      final LongFunction<SimRow> rows,
      final long firstId,
      final long count,
      final byte[] primaryKey,
      final long rowsFieldBytes) {
    this.table = table;
    this.schemaVersion = schemaVersion;
    this.rows = rows;
    this.firstId = firstId;
    this.count = count;
    this.primaryKey = primaryKey;
    this.tableMutationBytes = CodedOutputStream.computeInt64Size(1, table.id()) + rowsFieldBytes;
    this.prewriteValueBytes =
        CodedOutputStream.computeInt64Size(1, schemaVersion)
            + lengthDelimited(2, tableMutationBytes);
  }

  /**
   * The first pass: encodes each row once to size the binlog.
   *
   * @param table the table, as the transaction sees it
   * @param schemaVersion the schema version the transaction started with
   * @param rows the row with a given primary key; must return equal rows when asked twice
   * @param firstId the first primary key
   * @param count how many rows (ids {@code firstId} on), at least one
   * @throws TransactionTooLargeException when the binlog would exceed {@link #MAX_BINLOG_BYTES}
   */
  public static GeneratedPrewrite plan(
      final TableInfo table,
      final long schemaVersion,
      final LongFunction<SimRow> rows,
      final long firstId,
      final long count,
      final Listener listener) {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(rows, "rows");
    if (count < 1 || count > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("count must be 1 to 2^31-1 rows, got " + count);
    }
    if (!table.pkIsHandle()) {
      throw new IllegalArgumentException(
          "generated rows need a table whose integer primary key is the handle; "
              + RecordKeys.name(table)
              + " has none");
    }
    SimRow first = rows.apply(firstId);
    for (Long columnId : first.values().keySet()) {
      if (table.columnById(columnId).isEmpty()) {
        throw new IllegalArgumentException(
            "generated rows have column id "
                + columnId
                + ", which "
                + RecordKeys.name(table)
                + " lacks");
      }
    }
    byte[] primaryKey = RecordKeys.recordKey(table, first);
    InsertedRowEncoder encoder = new InsertedRowEncoder(table);
    long fieldBytes = 0;
    long rowBytes = 0;
    long fixed = overhead(primaryKey, schemaVersion, table.id());
    for (long i = 0; i < count; i++) {
      SimRow row = i == 0 ? first : rows.apply(firstId + i);
      int n = encoder.encode(row).length;
      rowBytes += n;
      fieldBytes += lengthDelimited(TAG_INSERTED_ROWS, n) + SEQUENCE_ENTRY_BYTES;
      if (fixed + fieldBytes > MAX_BINLOG_BYTES) {
        throw new TransactionTooLargeException(
            "the prewrite binlog of "
                + count
                + " generated rows would exceed "
                + MAX_BINLOG_BYTES
                + " bytes (the pump's 2 GiB message limit) after "
                + (i + 1)
                + " rows");
      }
      listener.progress(Pass.SIZING, i + 1, count, rowBytes);
    }
    return new GeneratedPrewrite(
        table, schemaVersion, rows, firstId, count, primaryKey, fieldBytes);
  }

  /** Size of everything but the rows, with the largest varints (start_ts and lengths unknown). */
  private static long overhead(final byte[] primaryKey, final long schemaVersion, final long tid) {
    return 64
        + primaryKey.length
        + CodedOutputStream.computeInt64Size(1, schemaVersion)
        + CodedOutputStream.computeInt64Size(1, tid);
  }

  public long rowCount() {
    return count;
  }

  public TableInfo table() {
    return table;
  }

  /** The transaction's primary key: the record key of its first row. */
  public ByteString primaryKey() {
    return ByteString.copyFrom(primaryKey);
  }

  /** The exact size of the binlog {@link #write} returns for this start_ts. */
  public int binlogBytes(final long startTs) {
    long size = headerBytes(startTs) + lengthDelimited(5, prewriteValueBytes) + trailerBytes();
    if (size > MAX_BINLOG_BYTES) {
      throw new TransactionTooLargeException(
          "the prewrite binlog would be " + size + " bytes, over " + MAX_BINLOG_BYTES);
    }
    return (int) size;
  }

  /**
   * The prewrite binlog without its value: what the commit or rollback binlog is made from ({@link
   * Binlogs#commitOf}).
   */
  public Binlog withoutValue(final long startTs) {
    return Binlogs.prewrite(startTs, primaryKey(), PrewriteValue.getDefaultInstance()).toBuilder()
        .clearPrewriteValue()
        .build();
  }

  /** The second pass: the whole prewrite binlog's wire bytes, in one array of exact size. */
  public byte[] write(final long startTs, final Listener listener) {
    byte[] out = new byte[binlogBytes(startTs)];
    CodedOutputStream w = CodedOutputStream.newInstance(out);
    InsertedRowEncoder encoder = new InsertedRowEncoder(table);
    try {
      // Field order as protobuf-java serializes Binlog, PrewriteValue and TableMutation.
      w.writeEnum(1, BinlogType.Prewrite.getNumber());
      w.writeInt64(2, startTs);
      w.writeInt64(3, 0);
      w.writeByteArray(4, primaryKey);
      writeLengthTag(w, 5, prewriteValueBytes);
      w.writeInt64(1, schemaVersion);
      writeLengthTag(w, 2, tableMutationBytes);
      w.writeInt64(1, table.id());
      long rowBytes = 0;
      for (long i = 0; i < count; i++) {
        byte[] row = encoder.encode(rows.apply(firstId + i));
        w.writeByteArray(TAG_INSERTED_ROWS, row);
        rowBytes += row.length;
        listener.progress(Pass.WRITING, i + 1, count, rowBytes);
      }
      for (long i = 0; i < count; i++) {
        w.writeEnum(TAG_SEQUENCE, MutationType.Insert.getNumber());
      }
      w.writeInt64(7, 0);
      w.writeInt32(8, 0);
      if (w.spaceLeft() != 0) {
        throw notDeterministic(null);
      }
    } catch (CodedOutputStream.OutOfSpaceException e) {
      throw notDeterministic(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private IllegalStateException notDeterministic(final Throwable cause) {
    return new IllegalStateException(
        "the row generator is not deterministic: rows of "
            + RecordKeys.name(table)
            + " encoded to other sizes in the second pass",
        cause);
  }

  private long headerBytes(final long startTs) {
    return CodedOutputStream.computeEnumSize(1, BinlogType.Prewrite.getNumber())
        + CodedOutputStream.computeInt64Size(2, startTs)
        + CodedOutputStream.computeInt64Size(3, 0)
        + CodedOutputStream.computeByteArraySize(4, primaryKey);
  }

  private static long trailerBytes() {
    return CodedOutputStream.computeInt64Size(7, 0) + CodedOutputStream.computeInt32Size(8, 0);
  }

  private static long lengthDelimited(final int field, final long length) {
    return CodedOutputStream.computeTagSize(field)
        + CodedOutputStream.computeUInt64SizeNoTag(length)
        + length;
  }

  private static void writeLengthTag(final CodedOutputStream w, final int field, final long length)
      throws IOException {
    w.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    w.writeUInt32NoTag((int) length);
  }
}
