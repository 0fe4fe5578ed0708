package io.kafkabinlog.schemas.binlog;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.proto.binlog.MutationType;
import io.kafkabinlog.schemas.proto.binlog.PrewriteValue;
import io.kafkabinlog.schemas.proto.binlog.TableMutation;
import java.util.List;

/**
 * Parses {@code binlog.Binlog} and {@code binlog.PrewriteValue} bytes. Every failure comes out as a
 * {@link MalformedBinlogException}:
 *
 * <ul>
 *   <li>payloads larger than the configured maximum (checked before any decoding);
 *   <li>anything protobuf rejects (truncation, bad varints, bad tags, stray end-group tags);
 *   <li>a known field that protobuf had to set aside as unknown: a wrong wire type, or an enum
 *       number ({@code tp}, {@code sequence}) this schema does not define;
 *   <li>values no TiDB writes: {@code start_ts <= 0}, a negative {@code commit_ts} or {@code
 *       ddl_job_id}, a Commit whose {@code commit_ts} is not after its {@code start_ts}, a negative
 *       {@code schema_version}, a {@code table_id <= 0}, or a {@code sequence} whose per-kind
 *       counts differ from the row lists they index.
 * </ul>
 *
 * <p>An empty payload decodes to {@code start_ts = 0} and is rejected: the pump answers empty
 * payloads (TiDB's health probes) before parsing. Unknown fields with new numbers are kept, as
 * protobuf does, so a newer TiDB's additions do not break us. Thread-safe.
 */
public final class BinlogParser {
  /** The pump's default gRPC receive limit: {@code MaxInt - 4 MiB}. */
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = Integer.MAX_VALUE - (4 << 20);

  private final int maxPayloadBytes;

  public BinlogParser() {
    this(DEFAULT_MAX_PAYLOAD_BYTES);
  }

  public BinlogParser(int maxPayloadBytes) {
    if (maxPayloadBytes <= 0) {
      throw new IllegalArgumentException("maxPayloadBytes must be > 0, got " + maxPayloadBytes);
    }
    this.maxPayloadBytes = maxPayloadBytes;
  }

  public int maxPayloadBytes() {
    return maxPayloadBytes;
  }

  /**
   * Parses and checks one {@code binlog.Binlog} (not its prewrite value; see {@link
   * #prewriteValue}).
   */
  public Binlog parse(byte[] payload) {
    checkSize(payload.length, "binlog.Binlog");
    return checkBinlog(
        decode(CodedInputStream.newInstance(payload), payload.length, Binlog.parser()),
        payload.length);
  }

  /** As {@link #parse(byte[])}, without copying the bytes out of a {@link ByteString}. */
  public Binlog parse(ByteString payload) {
    checkSize(payload.size(), "binlog.Binlog");
    return checkBinlog(
        decode(payload.newCodedInput(), payload.size(), Binlog.parser()), payload.size());
  }

  /** Parses and checks a marshalled {@code binlog.PrewriteValue}. */
  public PrewriteValue parsePrewriteValue(byte[] bytes) {
    checkSize(bytes.length, "binlog.PrewriteValue");
    return checkPrewriteValue(
        decode(CodedInputStream.newInstance(bytes), bytes.length, PrewriteValue.parser()),
        bytes.length);
  }

  /** Parses and checks the {@code prewrite_value} of a binlog (an empty one if it has none). */
  public PrewriteValue prewriteValue(Binlog binlog) {
    ByteString bytes = binlog.getPrewriteValue();
    checkSize(bytes.size(), "binlog.PrewriteValue");
    return checkPrewriteValue(
        decode(bytes.newCodedInput(), bytes.size(), PrewriteValue.parser()), bytes.size());
  }

  private void checkSize(int size, String what) {
    if (size > maxPayloadBytes) {
      throw new MalformedBinlogException(
          what + " payload of " + size + " bytes exceeds the maximum of " + maxPayloadBytes);
    }
  }

  private static <T extends Message> T decode(CodedInputStream in, int size, Parser<T> parser) {
    T message;
    try {
      message = parser.parseFrom(in);
      // parseFrom(CodedInputStream) stops quietly at a stray end-group tag; the whole payload
      // must be one message.
      in.checkLastTagWas(0);
    } catch (InvalidProtocolBufferException e) {
      throw new MalformedBinlogException(
          "invalid "
              + typeName(parser)
              + " near byte offset "
              + in.getTotalBytesRead()
              + " of "
              + size
              + ": "
              + e.getMessage(),
          e);
    }
    checkKnownFields(message, size);
    return message;
  }

  private static String typeName(Parser<?> parser) {
    return parser == Binlog.parser() ? "binlog.Binlog" : "binlog.PrewriteValue";
  }

  /** A known field number among the unknown fields means a wrong wire type or an unknown enum. */
  private static void checkKnownFields(Message message, int size) {
    for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
      if (message.getUnknownFields().hasField(field.getNumber())) {
        throw new MalformedBinlogException(
            "field "
                + field.getFullName()
                + " (#"
                + field.getNumber()
                + ") has a wrong wire type or an undefined enum number, in a payload of "
                + size
                + " bytes");
      }
      if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && field.isRepeated()) {
        for (int i = 0; i < message.getRepeatedFieldCount(field); i++) {
          checkKnownFields((Message) message.getRepeatedField(field, i), size);
        }
      }
    }
  }

  private static Binlog checkBinlog(Binlog b, int size) {
    if (b.getStartTs() <= 0) {
      throw invalid("start_ts must be > 0, got " + b.getStartTs(), size);
    }
    if (b.getCommitTs() < 0) {
      throw invalid("commit_ts must be >= 0, got " + b.getCommitTs(), size);
    }
    if (b.getDdlJobId() < 0) {
      throw invalid("ddl_job_id must be >= 0, got " + b.getDdlJobId(), size);
    }
    if (b.getTp() == BinlogType.Commit && b.getCommitTs() <= b.getStartTs()) {
      throw invalid(
          "Commit binlog needs commit_ts > start_ts, got start_ts "
              + b.getStartTs()
              + ", commit_ts "
              + b.getCommitTs(),
          size);
    }
    return b;
  }

  private static PrewriteValue checkPrewriteValue(PrewriteValue v, int size) {
    if (v.getSchemaVersion() < 0) {
      throw invalid("schema_version must be >= 0, got " + v.getSchemaVersion(), size);
    }
    for (int i = 0; i < v.getMutationsCount(); i++) {
      checkMutation(v.getMutations(i), i, size);
    }
    return v;
  }

  private static void checkMutation(TableMutation m, int index, int size) {
    if (m.getTableId() <= 0) {
      throw invalid("mutations[" + index + "].table_id must be > 0, got " + m.getTableId(), size);
    }
    int[] counts = new int[MutationType.values().length];
    for (MutationType t : m.getSequenceList()) {
      counts[t.ordinal()]++;
    }
    checkCount(index, MutationType.Insert, counts, m.getInsertedRowsList(), "inserted_rows", size);
    checkCount(index, MutationType.Update, counts, m.getUpdatedRowsList(), "updated_rows", size);
    checkCount(index, MutationType.DeleteID, counts, m.getDeletedIdsList(), "deleted_ids", size);
    checkCount(index, MutationType.DeletePK, counts, m.getDeletedPksList(), "deleted_pks", size);
    checkCount(index, MutationType.DeleteRow, counts, m.getDeletedRowsList(), "deleted_rows", size);
  }

  private static void checkCount(
      int index, MutationType type, int[] counts, List<?> rows, String field, int size) {
    if (counts[type.ordinal()] != rows.size()) {
      throw invalid(
          "mutations["
              + index
              + "].sequence has "
              + counts[type.ordinal()]
              + " "
              + type
              + " entries but "
              + field
              + " has "
              + rows.size(),
          size);
    }
  }

  private static MalformedBinlogException invalid(String what, int size) {
    return new MalformedBinlogException(what + ", in a payload of " + size + " bytes");
  }
}
