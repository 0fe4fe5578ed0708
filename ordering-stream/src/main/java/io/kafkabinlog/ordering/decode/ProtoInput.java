package io.kafkabinlog.ordering.decode;

import io.kafkabinlog.ordering.payload.FragmentedPayload;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Reads protobuf wire format from a {@link FragmentedPayload} front to back, from a given offset up
 * to a limit, tracking the absolute position. Skipping does not fetch the fragments it passes over
 * ({@code FragmentInputStream.skip} only moves), so a scan of a message's structure fetches only
 * the fragments that hold tags and lengths. Holds one fragment and an 8 KiB buffer.
 */
final class ProtoInput {
  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LEN = 2;
  static final int FIXED32 = 5;

  private final FragmentedPayload payload;
  private final long start;
  private final long limit;
  private InputStream in;
  private long position;

  /** Reads {@code [offset, limit)}; nothing is fetched before the first read. */
  ProtoInput(final FragmentedPayload payload, final long offset, final long limit) {
    if (offset < 0 || limit > payload.length() || offset > limit) {
      throw new MalformedPayloadException(
          "range [" + offset + ", " + limit + ") outside a payload of " + payload.length());
    }
    this.payload = payload;
    this.start = offset;
    this.limit = limit;
    this.position = offset;
  }

  long position() {
    return position;
  }

  long limit() {
    return limit;
  }

  boolean atEnd() {
    return position >= limit;
  }

  /** A tag ({@code field << 3 | wire type}); the field number must be positive. */
  int readTag() {
    long tag = readVarint();
    if ((tag >>> 3) == 0 || (tag >>> 3) > Integer.MAX_VALUE) {
      throw new MalformedPayloadException("invalid tag " + tag + " at offset " + (position - 1));
    }
    return (int) tag;
  }

  long readVarint() {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = readByte();
      result |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw new MalformedPayloadException("varint longer than 10 bytes before offset " + position);
  }

  /** A length prefix: non-negative and within the limit. */
  int readLength() {
    long at = position;
    long n = readVarint();
    if (n < 0 || n > Integer.MAX_VALUE || position + n > limit) {
      throw new MalformedPayloadException(
          "length "
              + n
              + " at offset "
              + at
              + " runs past the end of its message (offset "
              + limit
              + ")");
    }
    return (int) n;
  }

  byte[] readBytes(final int n) {
    requireAvailable(n);
    try {
      byte[] out = stream().readNBytes(n);
      if (out.length != n) {
        throw new MalformedPayloadException("payload ends inside a field at offset " + position);
      }
      position += n;
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void skipBytes(final long n) {
    requireAvailable(n);
    if (n == 0) {
      return;
    }
    try {
      // Before the stream is opened a skip is free: open it later at the new position.
      if (in == null) {
        position += n;
        return;
      }
      long left = n;
      while (left > 0) {
        long k = in.skip(left);
        if (k <= 0) {
          if (in.read() < 0) {
            throw new MalformedPayloadException(
                "payload ends inside a field at offset " + position);
          }
          k = 1;
        }
        left -= k;
        position += k;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Skips the value of a field of the given wire type (the tag is already read). */
  void skipField(final int tag) {
    switch (tag & 7) {
      case VARINT -> readVarint();
      case FIXED64 -> skipBytes(8);
      case LEN -> skipBytes(readLength());
      case FIXED32 -> skipBytes(4);
      default ->
          throw new MalformedPayloadException(
              "unsupported wire type " + (tag & 7) + " (field " + (tag >>> 3) + ")");
    }
  }

  private int readByte() {
    requireAvailable(1);
    try {
      int b = stream().read();
      if (b < 0) {
        throw new MalformedPayloadException("payload ends at offset " + position);
      }
      position++;
      return b;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void requireAvailable(final long n) {
    if (position + n > limit) {
      throw new MalformedPayloadException(
          "field at offset "
              + position
              + " runs past the end of its message (offset "
              + limit
              + ", message from "
              + start
              + ")");
    }
  }

  private InputStream stream() {
    if (in == null) {
      in = new BufferedInputStream(payload.openAt(position), 8192);
    }
    return in;
  }
}
