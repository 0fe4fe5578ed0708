package io.kafkabinlog.schemas.codec;

import java.util.Arrays;

/** A bounds-checked cursor over a byte array; every overrun raises {@link CodecException}. */
public final class ByteReader {
  private final byte[] buf;
  private final int end;
  private int pos;

  public ByteReader(byte[] buf) {
    this(buf, 0, buf.length);
  }

  public ByteReader(byte[] buf, int offset, int length) {
    if (offset < 0 || length < 0 || offset > buf.length - length) {
      throw new CodecException(offset, "bad slice [" + offset + ", +" + length + ")");
    }
    this.buf = buf;
    this.pos = offset;
    this.end = offset + length;
  }

  /** A second reader over the same bytes, starting at this reader's position. */
  public ByteReader duplicate() {
    return new ByteReader(buf, pos, end - pos);
  }

  public int position() {
    return pos;
  }

  public int remaining() {
    return end - pos;
  }

  public boolean hasRemaining() {
    return pos < end;
  }

  private void require(int n, String what) {
    if (n < 0 || n > end - pos) {
      throw new CodecException(
          pos, "truncated " + what + ": need " + n + " bytes, " + (end - pos) + " left");
    }
  }

  public int peekUnsignedByte() {
    require(1, "byte");
    return buf[pos] & 0xFF;
  }

  public int readUnsignedByte() {
    require(1, "byte");
    return buf[pos++] & 0xFF;
  }

  public byte[] readBytes(int n, String what) {
    require(n, what);
    byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
    pos += n;
    return out;
  }

  public void skip(int n, String what) {
    require(n, what);
    pos += n;
  }

  /** 8 bytes big-endian. */
  public long readLongBE() {
    require(8, "8-byte integer");
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (buf[pos++] & 0xFF);
    }
    return v;
  }

  /** Unsigned LEB128 (Go binary.Uvarint): at most 10 bytes, the 10th at most 1. */
  public long readUvarint() {
    int start = pos;
    long x = 0;
    int shift = 0;
    for (int i = 0; i < 10; i++) {
      if (pos >= end) {
        throw new CodecException(start, "truncated varint");
      }
      int b = buf[pos++] & 0xFF;
      if (b < 0x80) {
        if (i == 9 && b > 1) {
          throw new CodecException(start, "varint overflows 64 bits");
        }
        return x | ((long) b << shift);
      }
      x |= (long) (b & 0x7F) << shift;
      shift += 7;
    }
    throw new CodecException(start, "varint overflows 64 bits");
  }

  /** Zigzag varint (Go binary.Varint). */
  public long readVarint() {
    long u = readUvarint();
    return (u >>> 1) ^ -(u & 1);
  }
}
