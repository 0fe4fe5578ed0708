package io.kafkabinlog.schemas.proto;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Hand-assembles protobuf wire bytes, independently of protobuf-java, so a test can state the
 * expected encoding straight from the field numbers: tag = field_number << 3 | wire_type, base-128
 * varints, length-delimited fields, little-endian fixed64.
 */
public final class Wire {
  public static final int VARINT = 0;
  public static final int FIXED64 = 1;
  public static final int LEN = 2;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** A varint field (int32, int64, uint64, bool, enum); negative values take 10 bytes. */
  public Wire varint(int field, long value) {
    rawVarint(((long) field << 3) | VARINT);
    rawVarint(value);
    return this;
  }

  public Wire fixed64(int field, long bits) {
    rawVarint(((long) field << 3) | FIXED64);
    for (int i = 0; i < 8; i++) {
      out.write((int) (bits >>> (8 * i)) & 0xff);
    }
    return this;
  }

  public Wire bytes(int field, byte[] value) {
    rawVarint(((long) field << 3) | LEN);
    rawVarint(value.length);
    out.writeBytes(value);
    return this;
  }

  public Wire string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  public Wire message(int field, Wire nested) {
    return bytes(field, nested.toByteArray());
  }

  /** Appends raw bytes (e.g. a bare tag). */
  public Wire raw(int... bytes) {
    for (int b : bytes) {
      out.write(b);
    }
    return this;
  }

  public Wire rawVarint(long value) {
    long v = value;
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
    return this;
  }

  public byte[] toByteArray() {
    return out.toByteArray();
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
