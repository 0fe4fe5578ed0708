package io.kafkabinlog.pump.ingest;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.kafkabinlog.schemas.binlog.MalformedBinlogException;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.proto.binlog.MutationType;
import io.kafkabinlog.schemas.raw.BinlogHeader;
import java.io.IOException;

/**
 * Checks a {@code binlog.Binlog} payload before the pump stores it, without building the message:
 * binlogs reach 1-2 GiB and the pump's heap is capped at 2 GiB, so the protobuf wire format is
 * walked with a {@link CodedInputStream} over the request's bytes and nothing is copied.
 *
 * <p>Structure (field numbers of {@code binlog.proto}):
 *
 * <ul>
 *   <li>{@code Binlog}: {@code tp}(1), {@code start_ts}(2), {@code commit_ts}(3), {@code
 *       ddl_job_id}(7), {@code ddl_schema_state}(8) must be varints; {@code prewrite_key}(4),
 *       {@code prewrite_value}(5), {@code ddl_query}(6) length-delimited within the payload. As in
 *       proto2, a repeated singular field's last value counts; every occurrence is checked.
 *   <li>{@code prewrite_value} is walked as a {@code PrewriteValue}: {@code schema_version}(1)
 *       varint {@code >= 0}; {@code mutations}(2) each a {@code TableMutation}: {@code table_id}(1)
 *       varint {@code > 0}; row lists (2, 3, 5, 6) length-delimited and skipped unread; {@code
 *       deleted_ids}(4) and {@code sequence}(7) varints, packed or not (protobuf accepts both),
 *       {@code sequence} values defined {@code MutationType}s whose per-kind counts equal the
 *       lengths of the row lists they index.
 *   <li>Unknown fields are allowed (a newer TiDB may add some) if they are well formed: valid tag,
 *       wire type and length; groups are walked with a depth bound. A stray end-group tag, a
 *       truncated value, a known field with the wrong wire type or an undefined enum number is
 *       malformed.
 * </ul>
 *
 * <p>Semantics (what TiDB sends, tidb-binlog-protocol.md section 2):
 *
 * <ul>
 *   <li>{@code tp} is Prewrite, Commit or Rollback (absent means Prewrite, proto2's default);
 *       PreDDL and PostDDL are obsolete and refused.
 *   <li>{@code start_ts > 0}; {@code commit_ts >= 0}; {@code ddl_job_id >= 0}.
 *   <li>Prewrite: {@code commit_ts == 0}, and a {@code prewrite_value} (DML) or {@code ddl_job_id >
 *       0} (DDL).
 *   <li>Commit: {@code commit_ts > start_ts}.
 *   <li>Rollback: {@code commit_ts == 0} (a real rollback) or {@code commit_ts == start_ts} (a fake
 *       watermark binlog).
 * </ul>
 *
 * <p>Whatever passes also parses with {@link io.kafkabinlog.schemas.binlog.BinlogParser} to the
 * same header (the validator is the stricter of the two). The empty payload (a health probe) is the
 * caller's to answer before validating. Thread-safe (stateless).
 */
public final class BinlogValidator {
  /** Nesting bound of unknown groups; protobuf's own recursion limit is 100. */
  private static final int MAX_GROUP_DEPTH = 32;

  /**
   * @return the header stage 1 of the ordering stream needs
   * @throws MalformedBinlogException naming the field and byte offset of the first problem
   */
  public BinlogHeader validate(final ByteString payload) {
    final Walk walk = new Walk(payload.newCodedInput(), payload.size());
    try {
      return walk.binlog();
    } catch (InvalidProtocolBufferException e) {
      throw walk.malformed("invalid protobuf: " + e.getMessage());
    } catch (IOException e) {
      // A CodedInputStream over a ByteString reads no I/O; anything else is a decoding failure.
      throw walk.malformed("unreadable: " + e.getMessage());
    }
  }

  /** One pass over one payload. */
  private static final class Walk {
    private final CodedInputStream in;
    private final int size;

    Walk(final CodedInputStream in, final int size) {
      this.in = in;
      this.size = size;
    }

    BinlogHeader binlog() throws IOException {
      BinlogType tp = BinlogType.Prewrite;
      long startTs = 0;
      long commitTs = 0;
      long ddlJobId = 0;
      boolean hasPrewriteValue = false;
      while (true) {
        final int tag = in.readTag();
        if (tag == 0) {
          break;
        }
        final int field = WireFormat.getTagFieldNumber(tag);
        switch (field) {
          case 1 -> {
            expect(tag, WireFormat.WIRETYPE_VARINT, "binlog.Binlog.tp");
            tp = binlogType(in.readEnum());
          }
          case 2 -> {
            expect(tag, WireFormat.WIRETYPE_VARINT, "binlog.Binlog.start_ts");
            startTs = in.readInt64();
          }
          case 3 -> {
            expect(tag, WireFormat.WIRETYPE_VARINT, "binlog.Binlog.commit_ts");
            commitTs = in.readInt64();
          }
          case 4 -> skipBytes(tag, "binlog.Binlog.prewrite_key");
          case 5 -> {
            expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "binlog.Binlog.prewrite_value");
            final int oldLimit = in.pushLimit(length("binlog.Binlog.prewrite_value"));
            prewriteValue();
            in.popLimit(oldLimit);
            hasPrewriteValue = true;
          }
          case 6 -> skipBytes(tag, "binlog.Binlog.ddl_query");
          case 7 -> {
            expect(tag, WireFormat.WIRETYPE_VARINT, "binlog.Binlog.ddl_job_id");
            ddlJobId = in.readInt64();
          }
          case 8 -> {
            expect(tag, WireFormat.WIRETYPE_VARINT, "binlog.Binlog.ddl_schema_state");
            in.readInt32();
          }
          default -> skipUnknown(tag, 0);
        }
      }
      return semantics(tp, startTs, commitTs, ddlJobId, hasPrewriteValue);
    }

    private BinlogHeader semantics(
        final BinlogType tp,
        final long startTs,
        final long commitTs,
        final long ddlJobId,
        final boolean hasPrewriteValue) {
      if (startTs <= 0) {
        throw malformedAtEnd("start_ts must be > 0, got " + startTs);
      }
      if (commitTs < 0) {
        throw malformedAtEnd("commit_ts must be >= 0, got " + commitTs);
      }
      if (ddlJobId < 0) {
        throw malformedAtEnd("ddl_job_id must be >= 0, got " + ddlJobId);
      }
      switch (tp) {
        case Prewrite -> {
          if (commitTs != 0) {
            throw malformedAtEnd("Prewrite binlog with commit_ts " + commitTs + " (must be 0)");
          }
          if (!hasPrewriteValue && ddlJobId == 0) {
            throw malformedAtEnd("Prewrite binlog with neither prewrite_value nor ddl_job_id");
          }
        }
        case Commit -> {
          if (commitTs <= startTs) {
            throw malformedAtEnd(
                "Commit binlog needs commit_ts > start_ts, got start_ts "
                    + startTs
                    + ", commit_ts "
                    + commitTs);
          }
        }
        case Rollback -> {
          if (commitTs != 0 && commitTs != startTs) {
            throw malformedAtEnd(
                "Rollback binlog needs commit_ts 0 or equal to start_ts "
                    + startTs
                    + ", got "
                    + commitTs);
          }
        }
        default -> throw new IllegalStateException("unreachable: " + tp);
      }
      return new BinlogHeader(tp, startTs, commitTs);
    }

    private BinlogType binlogType(final int number) {
      final BinlogType type = BinlogType.forNumber(number);
      if (type == null) {
        throw malformed("binlog.Binlog.tp (#1) has the undefined BinlogType " + number);
      }
      if (type == BinlogType.PreDDL || type == BinlogType.PostDDL) {
        throw malformed("binlog.Binlog.tp (#1) is the obsolete " + type);
      }
      return type;
    }

    private void prewriteValue() throws IOException {
      int mutation = 0;
      while (true) {
        final int tag = in.readTag();
        if (tag == 0) {
          // Reached the pushed limit: the value ends exactly at its length.
          return;
        }
        switch (WireFormat.getTagFieldNumber(tag)) {
          case 1 -> {
            expect(tag, WireFormat.WIRETYPE_VARINT, "binlog.PrewriteValue.schema_version");
            final long version = in.readInt64();
            if (version < 0) {
              throw malformed("binlog.PrewriteValue.schema_version must be >= 0, got " + version);
            }
          }
          case 2 -> {
            final String name = "binlog.PrewriteValue.mutations[" + mutation + "]";
            expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, name);
            final int oldLimit = in.pushLimit(length(name));
            tableMutation(name);
            in.popLimit(oldLimit);
            mutation++;
          }
          default -> skipUnknown(tag, 0);
        }
      }
    }

    private void tableMutation(final String name) throws IOException {
      long tableId = 0;
      final int[] rows = new int[MutationType.values().length];
      final int[] sequence = new int[MutationType.values().length];
      while (true) {
        final int tag = in.readTag();
        if (tag == 0) {
          break;
        }
        switch (WireFormat.getTagFieldNumber(tag)) {
          case 1 -> {
            expect(tag, WireFormat.WIRETYPE_VARINT, name + ".table_id");
            tableId = in.readInt64();
          }
          case 2 -> rows[MutationType.Insert.ordinal()] += skipBytes(tag, name + ".inserted_rows");
          case 3 -> rows[MutationType.Update.ordinal()] += skipBytes(tag, name + ".updated_rows");
          case 4 ->
              rows[MutationType.DeleteID.ordinal()] += varints(tag, name + ".deleted_ids", null);
          case 5 -> rows[MutationType.DeletePK.ordinal()] += skipBytes(tag, name + ".deleted_pks");
          case 6 ->
              rows[MutationType.DeleteRow.ordinal()] += skipBytes(tag, name + ".deleted_rows");
          case 7 -> varints(tag, name + ".sequence", sequence);
          default -> skipUnknown(tag, 0);
        }
      }
      if (tableId <= 0) {
        throw malformed(name + ".table_id must be > 0, got " + tableId);
      }
      for (final MutationType type : MutationType.values()) {
        if (sequence[type.ordinal()] != rows[type.ordinal()]) {
          throw malformed(
              name
                  + ".sequence has "
                  + sequence[type.ordinal()]
                  + " "
                  + type
                  + " entries but the matching row list has "
                  + rows[type.ordinal()]);
        }
      }
    }

    /**
     * Reads one unpacked varint or a packed run; with {@code enumCounts}, each value must be a
     * defined {@code MutationType} and is counted. Returns how many values were read.
     */
    private int varints(final int tag, final String name, final int[] enumCounts)
        throws IOException {
      final int wireType = WireFormat.getTagWireType(tag);
      if (wireType == WireFormat.WIRETYPE_VARINT) {
        mutationValue(in.readInt64(), name, enumCounts);
        return 1;
      }
      if (wireType != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        throw wrongWireType(tag, name);
      }
      final int oldLimit = in.pushLimit(length(name));
      int count = 0;
      while (in.getBytesUntilLimit() > 0) {
        mutationValue(in.readInt64(), name, enumCounts);
        count++;
      }
      in.popLimit(oldLimit);
      return count;
    }

    private void mutationValue(final long value, final String name, final int[] enumCounts) {
      if (enumCounts == null) {
        return;
      }
      final MutationType type =
          value < 0 || value > Integer.MAX_VALUE ? null : MutationType.forNumber((int) value);
      if (type == null) {
        throw malformed(name + " has the undefined MutationType " + value);
      }
      enumCounts[type.ordinal()]++;
    }

    /** Skips a length-delimited known field; returns 1 (one element). */
    private int skipBytes(final int tag, final String name) throws IOException {
      expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, name);
      in.skipRawBytes(length(name));
      return 1;
    }

    private void skipUnknown(final int tag, final int depth) throws IOException {
      final int field = WireFormat.getTagFieldNumber(tag);
      switch (WireFormat.getTagWireType(tag)) {
        case WireFormat.WIRETYPE_VARINT -> in.readInt64();
        case WireFormat.WIRETYPE_FIXED64 -> in.readRawLittleEndian64();
        case WireFormat.WIRETYPE_FIXED32 -> in.readRawLittleEndian32();
        case WireFormat.WIRETYPE_LENGTH_DELIMITED -> in.skipRawBytes(length("field #" + field));
        case WireFormat.WIRETYPE_START_GROUP -> {
          if (depth >= MAX_GROUP_DEPTH) {
            throw malformed("unknown groups nested deeper than " + MAX_GROUP_DEPTH);
          }
          while (true) {
            final int inner = in.readTag();
            if (inner == 0) {
              throw malformed("group field #" + field + " is not closed");
            }
            if (WireFormat.getTagWireType(inner) == WireFormat.WIRETYPE_END_GROUP) {
              if (WireFormat.getTagFieldNumber(inner) != field) {
                throw malformed("group field #" + field + " closed by an end tag of another field");
              }
              return;
            }
            skipUnknown(inner, depth + 1);
          }
        }
        case WireFormat.WIRETYPE_END_GROUP ->
            throw malformed("stray end-group tag of field #" + field);
        default ->
            throw malformed(
                "field #" + field + " has the invalid wire type " + WireFormat.getTagWireType(tag));
      }
    }

    private int length(final String name) throws IOException {
      final int at = in.getTotalBytesRead();
      final int length = in.readRawVarint32();
      // Within the enclosing message if there is one (-1: no limit pushed), else the payload.
      final int untilLimit = in.getBytesUntilLimit();
      final int toEnd = size - in.getTotalBytesRead();
      final int available = untilLimit < 0 ? toEnd : Math.min(untilLimit, toEnd);
      if (length < 0 || length > available) {
        throw malformed(
            name
                + " declares "
                + Integer.toUnsignedString(length)
                + " bytes at byte offset "
                + at
                + " but only "
                + available
                + " remain");
      }
      return length;
    }

    private void expect(final int tag, final int wireType, final String name) {
      if (WireFormat.getTagWireType(tag) != wireType) {
        throw wrongWireType(tag, name);
      }
    }

    private MalformedBinlogException wrongWireType(final int tag, final String name) {
      return malformed(
          name
              + " (#"
              + WireFormat.getTagFieldNumber(tag)
              + ") has wire type "
              + WireFormat.getTagWireType(tag));
    }

    MalformedBinlogException malformed(final String what) {
      return new MalformedBinlogException(
          "malformed binlog.Binlog: "
              + what
              + " (near byte offset "
              + in.getTotalBytesRead()
              + " of "
              + size
              + ")");
    }

    private MalformedBinlogException malformedAtEnd(final String what) {
      return new MalformedBinlogException(
          "invalid binlog.Binlog: " + what + ", in a payload of " + size + " bytes");
    }
  }
}
