package io.kafkabinlog.schemas.codec;

/** A BIT(n) value: the bits as an unsigned long and the column width n. */
public record MysqlBit(long value, int width) {

  /** Big-endian bytes, {@code (width + 7) / 8} of them (at least 1, at most 8). */
  public byte[] toBytes() {
    int n = Math.max(1, Math.min(8, (width + 7) / 8));
    byte[] out = new byte[n];
    for (int i = 0; i < n; i++) {
      out[n - 1 - i] = (byte) (value >>> (8 * i));
    }
    return out;
  }
}
