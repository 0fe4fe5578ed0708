package io.kafkabinlog.ordering.payload;

import java.io.IOException;
import java.io.InputStream;

/**
 * A binlog payload held as fixed-size fragments (every fragment but the last has exactly {@link
 * #fragmentSize()} bytes), so that a 1 GiB transaction never has to sit in the heap: stage 1 and
 * stage 2 keep fragments in on-disk state stores and hand them on one at a time, and stage 3 reads
 * any byte range by fetching only the fragments it covers.
 */
public interface FragmentedPayload {

  /** Total length in bytes. */
  long length();

  /** Size of every fragment except possibly the last (positive). */
  int fragmentSize();

  /** Number of fragments: {@code ceil(length / fragmentSize)}, at least 1 (an empty payload). */
  default int fragmentCount() {
    return fragmentCount(length(), fragmentSize());
  }

  /** Fragment {@code index} (0-based); its length is {@code fragmentSize} except for the last. */
  byte[] fragment(int index);

  /** A stream of the bytes from {@code offset} to the end, fetching fragments on demand. */
  default InputStream openAt(final long offset) {
    return new FragmentInputStream(this, offset);
  }

  /** {@code ceil(length / fragmentSize)}, at least 1. */
  static int fragmentCount(final long length, final int fragmentSize) {
    if (fragmentSize <= 0) {
      throw new IllegalArgumentException("fragment size must be positive: " + fragmentSize);
    }
    long n = (length + fragmentSize - 1) / fragmentSize;
    return (int) Math.max(1, n);
  }

  /** Reads a payload fragment by fragment; holds at most one fragment. */
  final class FragmentInputStream extends InputStream {
    private final FragmentedPayload payload;
    private long position;
    private int loadedIndex = -1;
    private byte[] loaded;

    FragmentInputStream(final FragmentedPayload payload, final long offset) {
      if (offset < 0 || offset > payload.length()) {
        throw new IllegalArgumentException(
            "offset " + offset + " outside payload of " + payload.length() + " bytes");
      }
      this.payload = payload;
      this.position = offset;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(final byte[] b, final int off, final int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      long remaining = payload.length() - position;
      if (remaining <= 0) {
        return -1;
      }
      int index = (int) (position / payload.fragmentSize());
      if (index != loadedIndex) {
        loaded = payload.fragment(index);
        loadedIndex = index;
      }
      int within = (int) (position - (long) index * payload.fragmentSize());
      int n = (int) Math.min(Math.min(len, loaded.length - within), remaining);
      if (n <= 0) {
        throw new IOException(
            "fragment " + index + " has " + loaded.length + " bytes, expected more than " + within);
      }
      System.arraycopy(loaded, within, b, off, n);
      position += n;
      return n;
    }

    @Override
    public long skip(final long n) {
      long k = Math.max(0, Math.min(n, payload.length() - position));
      position += k;
      return k;
    }

    @Override
    public int available() {
      return (int) Math.min(Integer.MAX_VALUE, payload.length() - position);
    }
  }
}
