package io.kafkabinlog.ordering.merge;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Binary form of {@link MergeMessage} on the merge (repartition) topic: version byte 1, kind byte
 * (1 fragment, 2 watermark), partition int, then the fields of the kind in declaration order
 * (big-endian), the fragment's data last.
 */
public final class MergeMessageSerde implements Serde<MergeMessage> {
  private static final byte VERSION = 1;
  private static final byte FRAGMENT = 1;
  private static final byte WATERMARK = 2;
  private static final int FRAGMENT_HEADER = 2 + 4 + 8 + 8 + 4 + 4 + 4 + 8;

  @Override
  public Serializer<MergeMessage> serializer() {
    return (topic, m) -> m == null ? null : encode(m);
  }

  @Override
  public Deserializer<MergeMessage> deserializer() {
    return (topic, bytes) -> bytes == null ? null : decode(bytes);
  }

  /** Encodes a message. */
  public static byte[] encode(final MergeMessage message) {
    if (message instanceof MergeMessage.TxnFragment f) {
      ByteBuffer b = ByteBuffer.allocate(FRAGMENT_HEADER + f.data().length);
      b.put(VERSION).put(FRAGMENT).putInt(f.partition());
      b.putLong(f.startTs()).putLong(f.commitTs()).putInt(f.index()).putInt(f.count());
      b.putInt(f.fragmentSize()).putLong(f.totalLength()).put(f.data());
      return b.array();
    }
    MergeMessage.PumpWatermark w = (MergeMessage.PumpWatermark) message;
    ByteBuffer b = ByteBuffer.allocate(2 + 4 + 8);
    b.put(VERSION).put(WATERMARK).putInt(w.partition()).putLong(w.ts());
    return b.array();
  }

  /**
   * Decodes a message.
   *
   * @throws SerializationException naming the problem for unknown versions, kinds or short input
   */
  public static MergeMessage decode(final byte[] bytes) {
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      byte version = b.get();
      if (version != VERSION) {
        throw new SerializationException("merge record of unknown version " + version);
      }
      byte kind = b.get();
      int partition = b.getInt();
      return switch (kind) {
        case FRAGMENT -> {
          long startTs = b.getLong();
          long commitTs = b.getLong();
          int index = b.getInt();
          int count = b.getInt();
          int fragmentSize = b.getInt();
          long total = b.getLong();
          byte[] data = new byte[b.remaining()];
          b.get(data);
          yield new MergeMessage.TxnFragment(
              partition, startTs, commitTs, index, count, fragmentSize, total, data);
        }
        case WATERMARK -> new MergeMessage.PumpWatermark(partition, b.getLong());
        default -> throw new SerializationException("merge record of unknown kind " + kind);
      };
    } catch (java.nio.BufferUnderflowException | IllegalArgumentException e) {
      throw new SerializationException("malformed merge record: " + e.getMessage(), e);
    }
  }
}
