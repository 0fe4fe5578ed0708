package io.kafkabinlog.schemas.codec;

import java.util.Arrays;

/** A growable byte buffer with the primitive writers of the codec. */
public final class ByteWriter {
  private byte[] buf;
  private int len;

  public ByteWriter() {
    this(32);
  }

  public ByteWriter(int capacity) {
    buf = new byte[Math.max(capacity, 8)];
  }

  private void ensure(int extra) {
    if (len + extra > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
    }
  }

  public int size() {
    return len;
  }

  public ByteWriter writeByte(int b) {
    ensure(1);
    buf[len++] = (byte) b;
    return this;
  }

  public ByteWriter writeBytes(byte[] b) {
    return writeBytes(b, 0, b.length);
  }

  public ByteWriter writeBytes(byte[] b, int off, int n) {
    ensure(n);
    System.arraycopy(b, off, buf, len, n);
    len += n;
    return this;
  }

  public ByteWriter writeLongBE(long v) {
    ensure(8);
    for (int i = 7; i >= 0; i--) {
      buf[len++] = (byte) (v >>> (i * 8));
    }
    return this;
  }

  public ByteWriter writeUvarint(long v) {
    ensure(10);
    while (Long.compareUnsigned(v, 0x80) >= 0) {
      buf[len++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[len++] = (byte) v;
    return this;
  }

  public ByteWriter writeVarint(long v) {
    return writeUvarint((v << 1) ^ (v >> 63));
  }

  /** Overwrites 4 bytes little-endian at an earlier position. */
  void putIntLE(int at, int v) {
    buf[at] = (byte) v;
    buf[at + 1] = (byte) (v >>> 8);
    buf[at + 2] = (byte) (v >>> 16);
    buf[at + 3] = (byte) (v >>> 24);
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buf, len);
  }
}
