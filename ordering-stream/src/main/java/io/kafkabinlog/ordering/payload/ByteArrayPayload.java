package io.kafkabinlog.ordering.payload;

import java.util.Arrays;

/** A payload already in memory (small binlogs, tests), viewed as fragments of a given size. */
public record ByteArrayPayload(byte[] bytes, int fragmentSize) implements FragmentedPayload {

  public ByteArrayPayload {
    if (fragmentSize <= 0) {
      throw new IllegalArgumentException("fragment size must be positive: " + fragmentSize);
    }
  }

  @Override
  public long length() {
    return bytes.length;
  }

  @Override
  public byte[] fragment(final int index) {
    int from = Math.multiplyExact(index, fragmentSize);
    if (index < 0 || index >= fragmentCount()) {
      throw new IndexOutOfBoundsException("fragment " + index + " of " + fragmentCount());
    }
    return Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + fragmentSize));
  }
}
