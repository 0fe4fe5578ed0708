package io.kafkabinlog.pump.ingest;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.kafkabinlog.schemas.proto.binlog.WriteBinlogReq;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Parses {@code binlog.WriteBinlogReq} with the payload in one array of exactly its size, wrapped
 * without a copy.
 *
 * <p>Why: grpc's protobuf marshaller parses messages over 4 MiB from the stream, and protobuf's
 * stream decoder reads a large {@code bytes} field into a new array and then copies it (or
 * assembles it from 4 KiB chunks into a new array): twice the payload on the heap at its peak. TiDB
 * sends binlogs of up to ~2 GiB; the pump must take 1 GiB with a 2 GiB heap. Here the payload costs
 * its own size once.
 *
 * <p>The wire format is {@code uint64 clusterID = 1; bytes payload = 2}, read as protobuf does: a
 * field seen twice keeps its last value, a known field number with another wire type and every
 * unknown field are skipped (all wire types, groups nested up to protobuf's limit of 100). Unknown
 * fields are dropped rather than kept (the service reads neither). Malformed or truncated input,
 * and a payload longer than what remains of the message or than {@code maxPayloadSize}, is a {@link
 * StatusRuntimeException} with {@link Status.Code#INVALID_ARGUMENT} saying what and where.
 *
 * <p>Serializing ({@link #stream}) is protobuf's own. Thread-safe (stateless).
 */
public final class WriteBinlogReqMarshaller
    implements MethodDescriptor.PrototypeMarshaller<WriteBinlogReq> {
  private static final String MESSAGE = "binlog.WriteBinlogReq";
  private static final int MAX_GROUP_DEPTH = 100;
  private static final int WIRETYPE_VARINT = 0;
  private static final int WIRETYPE_FIXED64 = 1;
  private static final int WIRETYPE_LENGTH_DELIMITED = 2;
  private static final int WIRETYPE_START_GROUP = 3;
  private static final int WIRETYPE_END_GROUP = 4;
  private static final int WIRETYPE_FIXED32 = 5;

  private final MethodDescriptor.Marshaller<WriteBinlogReq> protobuf =
      ProtoUtils.marshaller(WriteBinlogReq.getDefaultInstance());
  private final int maxPayloadSize;

  /**
   * @param maxPayloadSize the largest payload accepted; with streams that do not know their length
   *     this bounds what one declared length can make us allocate
   */
  public WriteBinlogReqMarshaller(final int maxPayloadSize) {
    if (maxPayloadSize < 0) {
      throw new IllegalArgumentException("maxPayloadSize must be >= 0: " + maxPayloadSize);
    }
    this.maxPayloadSize = maxPayloadSize;
  }

  @Override
  public InputStream stream(final WriteBinlogReq value) {
    return protobuf.stream(value);
  }

  @Override
  public WriteBinlogReq parse(final InputStream stream) {
    final Reader in = new Reader(stream);
    try {
      return in.request(maxPayloadSize);
    } catch (EOFException e) {
      throw in.invalid("truncated: " + e.getMessage());
    } catch (IOException e) {
      throw Status.INTERNAL
          .withDescription("cannot read " + MESSAGE + ": " + e)
          .withCause(e)
          .asRuntimeException();
    }
  }

  @Override
  public Class<WriteBinlogReq> getMessageClass() {
    return WriteBinlogReq.class;
  }

  @Override
  public WriteBinlogReq getMessagePrototype() {
    return WriteBinlogReq.getDefaultInstance();
  }

  /** One pass over one message; {@code position} is the offset of the next byte, for errors. */
  private static final class Reader {
    private final InputStream in;
    private long position;

    Reader(final InputStream in) {
      this.in = in;
    }

    WriteBinlogReq request(final int maxPayloadSize) throws IOException {
      long clusterId = 0;
      ByteString payload = ByteString.EMPTY;
      while (true) {
        final long tagStart = position;
        final int tag = readTagOrEnd();
        if (tag == -1) {
          break;
        }
        final int field = tag >>> 3;
        final int wireType = tag & 7;
        if (field == 1 && wireType == WIRETYPE_VARINT) {
          clusterId = readVarint("clusterID (field 1)");
        } else if (field == 2 && wireType == WIRETYPE_LENGTH_DELIMITED) {
          // Drop an earlier occurrence before allocating its replacement (last one wins).
          payload = ByteString.EMPTY;
          payload = readPayload(maxPayloadSize);
        } else if (wireType == WIRETYPE_END_GROUP) {
          throw invalidAt(tagStart, "end-group tag of field " + field + " outside any group");
        } else {
          skipField(field, wireType, tagStart);
        }
      }
      return WriteBinlogReq.newBuilder().setClusterID(clusterId).setPayload(payload).build();
    }

    private ByteString readPayload(final int maxPayloadSize) throws IOException {
      final long lengthAt = position;
      final int length = readLength("payload (field 2)");
      if (length > maxPayloadSize) {
        throw invalidAt(
            lengthAt,
            "payload (field 2) of "
                + length
                + " bytes is larger than the limit of "
                + maxPayloadSize
                + " bytes");
      }
      checkRemaining(length, lengthAt, "payload (field 2)");
      if (length == 0) {
        return ByteString.EMPTY;
      }
      final byte[] bytes = new byte[length];
      final int read = in.readNBytes(bytes, 0, length);
      position += read;
      if (read < length) {
        throw invalidAt(
            lengthAt,
            "truncated: payload (field 2) declares " + length + " bytes, only " + read + " follow");
      }
      // The array is ours alone from here on: nothing else holds a reference to it.
      return UnsafeByteOperations.unsafeWrap(bytes);
    }

    private void skipField(final int field, final int wireType, final long tagStart)
        throws IOException {
      switch (wireType) {
        case WIRETYPE_VARINT -> readVarint("field " + field);
        case WIRETYPE_FIXED64 -> skip(8, "fixed64 field " + field);
        case WIRETYPE_FIXED32 -> skip(4, "fixed32 field " + field);
        case WIRETYPE_LENGTH_DELIMITED -> {
          final long lengthAt = position;
          final int length = readLength("field " + field);
          checkRemaining(length, lengthAt, "field " + field);
          skip(length, "field " + field);
        }
        case WIRETYPE_START_GROUP -> skipGroup(field, tagStart);
        default ->
            throw invalidAt(tagStart, "invalid wire type " + wireType + " of field " + field);
      }
    }

    /** Skips to the end-group tag matching {@code field}, through nested groups. */
    private void skipGroup(final int field, final long tagStart) throws IOException {
      final int[] open = new int[MAX_GROUP_DEPTH];
      int depth = 0;
      open[depth++] = field;
      while (depth > 0) {
        final long innerStart = position;
        final int tag = readTagOrEnd();
        if (tag == -1) {
          throw invalidAt(
              tagStart, "truncated: group of field " + open[depth - 1] + " is never closed");
        }
        final int inner = tag >>> 3;
        final int wireType = tag & 7;
        if (wireType == WIRETYPE_END_GROUP) {
          if (inner != open[depth - 1]) {
            throw invalidAt(
                innerStart,
                "end-group tag of field "
                    + inner
                    + " closes the group of field "
                    + open[depth - 1]);
          }
          depth--;
        } else if (wireType == WIRETYPE_START_GROUP) {
          if (depth == MAX_GROUP_DEPTH) {
            throw invalidAt(innerStart, "groups nested deeper than " + MAX_GROUP_DEPTH);
          }
          open[depth++] = inner;
        } else {
          skipField(inner, wireType, innerStart);
        }
      }
    }

    /**
     * @return the next tag, or -1 at the end of the message
     */
    private int readTagOrEnd() throws IOException {
      final long start = position;
      final int first = in.read();
      if (first == -1) {
        return -1;
      }
      position++;
      // Like protobuf's readTag: a varint of up to 10 bytes, of which the low 32 bits count.
      final int tag = (int) continueVarint(first, "a tag");
      if (tag >>> 3 == 0) {
        throw invalidAt(start, "invalid tag " + Integer.toUnsignedString(tag) + " (field 0)");
      }
      return tag;
    }

    private long readVarint(final String what) throws IOException {
      return continueVarint(readByte(what), what);
    }

    /** A length: protobuf reads it as a 32-bit varint and refuses it when negative. */
    private int readLength(final String what) throws IOException {
      final long start = position;
      final int length = (int) readVarint("the length of " + what);
      if (length < 0) {
        throw invalidAt(start, "negative length " + length + " of " + what);
      }
      return length;
    }

    private long continueVarint(final int first, final String what) throws IOException {
      final long start = position - 1;
      long value = first & 0x7f;
      int current = first;
      for (int shift = 7; (current & 0x80) != 0; shift += 7) {
        if (shift == 70) {
          throw invalidAt(start, "malformed varint in " + what + " (longer than 10 bytes)");
        }
        current = readByte(what);
        if (shift < 64) {
          value |= (long) (current & 0x7f) << shift;
        }
      }
      return value;
    }

    private int readByte(final String what) throws IOException {
      final int b = in.read();
      if (b == -1) {
        throw new EOFException("the message ends inside " + what);
      }
      position++;
      return b;
    }

    private void skip(final int length, final String what) throws IOException {
      final long start = position;
      try {
        in.skipNBytes(length);
      } catch (EOFException e) {
        throw invalidAt(start, "truncated: " + what + " needs " + length + " bytes");
      }
      position += length;
    }

    /** Refuses a length the rest of the message cannot hold before anything is allocated. */
    private void checkRemaining(final int length, final long lengthAt, final String what)
        throws IOException {
      if (in instanceof KnownLength) {
        final int remaining = in.available();
        if (length > remaining) {
          throw invalidAt(
              lengthAt,
              "truncated: "
                  + what
                  + " declares "
                  + length
                  + " bytes, only "
                  + remaining
                  + " follow");
        }
      }
    }

    StatusRuntimeException invalid(final String problem) {
      return invalidAt(position, problem);
    }

    private StatusRuntimeException invalidAt(final long offset, final String problem) {
      return Status.INVALID_ARGUMENT
          .withDescription("malformed " + MESSAGE + " at byte " + offset + ": " + problem)
          .asRuntimeException();
    }
  }
}
