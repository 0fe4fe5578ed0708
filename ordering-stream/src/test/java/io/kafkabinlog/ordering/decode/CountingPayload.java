package io.kafkabinlog.ordering.decode;

import io.kafkabinlog.ordering.payload.FragmentedPayload;
import java.util.Arrays;

/**
 * A payload that serves fragments by copying them out of an array it never hands over, and counts
 * the fetches: a decoder can only read it fragment by fragment.
 */
final class CountingPayload implements FragmentedPayload {
  private final byte[] bytes;
  private final int fragmentSize;
  private long fetches;

  CountingPayload(final byte[] bytes, final int fragmentSize) {
    this.bytes = bytes;
    this.fragmentSize = fragmentSize;
  }

  @Override
  public long length() {
    return bytes.length;
  }

  @Override
  public int fragmentSize() {
    return fragmentSize;
  }

  @Override
  public byte[] fragment(final int index) {
    if (index < 0 || index >= fragmentCount()) {
      throw new IndexOutOfBoundsException("fragment " + index + " of " + fragmentCount());
    }
    fetches++;
    int from = index * fragmentSize;
    return Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + fragmentSize));
  }

  long fetches() {
    return fetches;
  }
}
