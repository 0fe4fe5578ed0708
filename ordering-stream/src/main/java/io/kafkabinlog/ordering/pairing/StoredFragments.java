package io.kafkabinlog.ordering.pairing;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.ordering.payload.FragmentedPayload;
import java.nio.ByteBuffer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Payload bytes in the fragment store, cut into fixed-size fragments keyed {@code (start_ts,
 * payload id, index)}. Appending is stateless (the caller passes how many bytes it wrote so far),
 * so a payload written across several records and a restart needs nothing in memory: a partial last
 * fragment is stored too and completed by the next append. Holds at most one fragment in the heap.
 */
final class StoredFragments {
  private final KeyValueStore<Bytes, byte[]> store;

  StoredFragments(final KeyValueStore<Bytes, byte[]> store) {
    this.store = store;
  }

  /**
   * Appends {@code bytes} (all remaining) to the payload that has {@code written} bytes so far.
   *
   * @return the payload's length after the append
   */
  long append(
      final long startTs,
      final long payloadId,
      final int fragmentSize,
      final long written,
      final ByteBuffer bytes) {
    long length = written;
    while (bytes.hasRemaining()) {
      final int index = Math.toIntExact(length / fragmentSize);
      final int within = (int) (length % fragmentSize);
      final int take = Math.min(fragmentSize - within, bytes.remaining());
      final byte[] fragment = new byte[within + take];
      if (within > 0) {
        final byte[] partial = get(startTs, payloadId, index);
        if (partial == null || partial.length != within) {
          throw corrupt(startTs, payloadId, index, within, partial);
        }
        System.arraycopy(partial, 0, fragment, 0, within);
      }
      bytes.get(fragment, within, take);
      store.put(PairingKeys.fragment(startTs, payloadId, index), fragment);
      length += take;
    }
    return length;
  }

  /** Ends a payload: an empty one still gets its (empty) fragment 0, as fragmentCount says. */
  void finish(final long startTs, final long payloadId, final long length) {
    if (length == 0) {
      store.put(PairingKeys.fragment(startTs, payloadId, 0), new byte[0]);
    }
  }

  /** Fragment {@code index}, or null if there is none. */
  byte[] get(final long startTs, final long payloadId, final int index) {
    return store.get(PairingKeys.fragment(startTs, payloadId, index));
  }

  /** As {@link #get} for a fragment that must exist with the given length. */
  byte[] require(
      final long startTs, final long payloadId, final int index, final int expectedLength) {
    final byte[] fragment = get(startTs, payloadId, index);
    if (fragment == null || fragment.length != expectedLength) {
      throw corrupt(startTs, payloadId, index, expectedLength, fragment);
    }
    return fragment;
  }

  /** Deletes fragments {@code 0..count-1} (blind deletes: no read of a 1 GiB payload). */
  void delete(final long startTs, final long payloadId, final int count) {
    for (int index = 0; index < count; index++) {
      store.put(PairingKeys.fragment(startTs, payloadId, index), null);
    }
  }

  /** Length of fragment {@code index} of a payload of {@code length} bytes. */
  static int fragmentLength(final long length, final int fragmentSize, final int index) {
    return (int) Math.min(fragmentSize, length - (long) index * fragmentSize);
  }

  /** The stored payload, read fragment by fragment on demand. */
  FragmentedPayload payload(
      final long startTs, final long payloadId, final long length, final int fragmentSize) {
    return new FragmentedPayload() {
      @Override
      public long length() {
        return length;
      }

      @Override
      public int fragmentSize() {
        return fragmentSize;
      }

      @Override
      public byte[] fragment(final int index) {
        return require(startTs, payloadId, index, fragmentLength(length, fragmentSize, index));
      }
    };
  }

  private static FatalBinlogException corrupt(
      final long startTs,
      final long payloadId,
      final int index,
      final int expected,
      final byte[] found) {
    return new FatalBinlogException(
        ErrorCode.INTERNAL,
        "stage 1 fragment store is inconsistent: fragment "
            + index
            + " of the payload of start_ts "
            + startTs
            + " (payload id "
            + payloadId
            + ") should have "
            + expected
            + " bytes but "
            + (found == null ? "is missing" : "has " + found.length));
  }
}
