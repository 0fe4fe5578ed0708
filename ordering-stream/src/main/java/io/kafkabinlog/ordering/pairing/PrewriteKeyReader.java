package io.kafkabinlog.ordering.pairing;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.Optional;

/**
 * Reads {@code prewrite_key} (field 4) out of a marshalled {@code binlog.Binlog} without parsing
 * the rest: the other fields are skipped, so over a stream of stored fragments a 1 GiB {@code
 * prewrite_value} is skipped, not read. Protobuf's rule holds: the last occurrence wins.
 */
final class PrewriteKeyReader {
  private static final int PREWRITE_KEY = 4;

  private PrewriteKeyReader() {}

  /** The key, empty if the binlog has none; empty Optional if the bytes are not a binlog. */
  static Optional<byte[]> read(final CodedInputStream in) {
    byte[] key = new byte[0];
    try {
      while (true) {
        final int tag = in.readTag();
        if (tag == 0) {
          return Optional.of(key);
        }
        if (WireFormat.getTagFieldNumber(tag) == PREWRITE_KEY
            && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          key = in.readByteArray();
        } else if (!in.skipField(tag)) {
          return Optional.empty();
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
