package io.kafkabinlog.schemas.raw;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * Rebuilds binlogs that a pump wrote as chunks, for ONE partition of the raw topic (the caller
 * keeps one instance per partition, fed in offset order). The rule is {@link ChunkHeader}'s: at
 * most one group is open; its chunks must arrive with indices {@code 0..count-1} in order; the
 * group completes at its last chunk if the bytes add up to {@code totalLength} with the header's
 * CRC-32C.
 *
 * <ul>
 *   <li>A chunk 0 of another group abandons the open group (the pump never acknowledged it) and
 *       opens the new one; the result says what was abandoned.
 *   <li>Any other chunk that is not the open group's next index (a duplicate, a gap, a chunk of an
 *       unknown group, or header fields that differ from the group's chunk 0) is {@link Rejected}:
 *       it is dropped and the open group is left as it was, so it can never corrupt a payload.
 *   <li>A last chunk whose group fails the length or CRC check {@link Abandoned abandons} the
 *       group.
 * </ul>
 *
 * <p>Memory: only the open group's sink. {@link #inMemory()} collects the payload into one array of
 * {@code totalLength} bytes (allocated at chunk 0, so the payload is never copied twice); {@link
 * #ChunkReassembler(ChunkSink.Factory)} streams into any {@link ChunkSink}. Not thread-safe.
 *
 * @param <T> what a complete group yields (the payload, or a sink's summary such as a digest)
 */
public final class ChunkReassembler<T> {
  /** The largest array a JVM reliably allocates. */
  private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  private final ChunkSink.Factory<T> sinks;
  private final long maxTotalLength;
  private OpenGroup<T> open;

  /** Streams every group into a sink from {@code sinks}. */
  public ChunkReassembler(final ChunkSink.Factory<T> sinks) {
    this(sinks, Long.MAX_VALUE);
  }

  private ChunkReassembler(final ChunkSink.Factory<T> sinks, final long maxTotalLength) {
    this.sinks = Objects.requireNonNull(sinks, "sinks");
    this.maxTotalLength = maxTotalLength;
  }

  /** Reassembles into a byte array per group (groups above ~2 GiB are rejected). */
  public static ChunkReassembler<byte[]> inMemory() {
    return new ChunkReassembler<>(ChunkReassembler::arraySink, MAX_ARRAY);
  }

  /**
   * The open group's header as of its chunk 0 and the next index it expects, if a group is open.
   */
  public Optional<ChunkHeader> openGroup() {
    return open == null ? Optional.empty() : Optional.of(open.first);
  }

  /** Drops the open group (e.g. when the partition is revoked). */
  public void reset() {
    if (open != null) {
      open.sink.discard();
      open = null;
    }
  }

  /** As {@link #accept(ChunkHeader, ByteBuffer)} for a whole record value. */
  public Result<T> accept(final ChunkHeader header, final byte[] value) {
    return accept(header, ByteBuffer.wrap(value));
  }

  /**
   * Feeds one chunk record (its header and value; the buffer's remaining bytes are the chunk, and
   * are consumed).
   */
  public Result<T> accept(final ChunkHeader header, final ByteBuffer value) {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(value, "value");
    Optional<String> abandoned = Optional.empty();
    if (header.index() == 0 && (open == null || !open.first.groupId().equals(header.groupId()))) {
      if (open != null) {
        abandoned =
            Optional.of(
                "group "
                    + open.first.groupId()
                    + " abandoned at chunk "
                    + open.nextIndex
                    + " of "
                    + open.first.count()
                    + " by chunk 0 of group "
                    + header.groupId());
        reset();
      }
      if (header.totalLength() > maxTotalLength) {
        return new Rejected<>(
            header,
            "group " + header.groupId() + " of " + header.totalLength() + " bytes is too large",
            abandoned);
      }
      open = new OpenGroup<>(header, sinks.open(header));
    } else {
      final String reason = mismatch(header);
      if (reason != null) {
        return new Rejected<>(header, reason, Optional.empty());
      }
    }
    final OpenGroup<T> group = open;
    final int length = value.remaining();
    if (length > group.first.totalLength() - group.received) {
      final String reason =
          "chunk "
              + header.index()
              + " of group "
              + header.groupId()
              + " has "
              + length
              + " bytes, more than the "
              + (group.first.totalLength() - group.received)
              + " left of its total "
              + group.first.totalLength();
      if (header.index() == 0) {
        // The group never got a valid first chunk; nothing to keep.
        reset();
        return new Abandoned<>(header, reason, abandoned);
      }
      return new Rejected<>(header, reason, abandoned);
    }
    group.crc.update(value.duplicate());
    group.received += length;
    group.nextIndex++;
    group.sink.write(value);
    if (!header.isLast()) {
      return new Pending<>(header, abandoned);
    }
    open = null;
    final int crc = (int) group.crc.getValue();
    if (group.received != group.first.totalLength() || crc != group.first.crc32c()) {
      group.sink.discard();
      return new Abandoned<>(
          header,
          "group "
              + header.groupId()
              + " failed verification: "
              + group.received
              + " of "
              + group.first.totalLength()
              + " bytes, crc32c "
              + Integer.toHexString(crc)
              + " expected "
              + Integer.toHexString(group.first.crc32c()),
          abandoned);
    }
    return new Complete<>(header, group.sink.finish(), abandoned);
  }

  /** Why a chunk other than a new group's chunk 0 does not continue the open group, or null. */
  private String mismatch(final ChunkHeader header) {
    if (open == null) {
      return "chunk " + header.index() + " of group " + header.groupId() + " but no group is open";
    }
    final ChunkHeader first = open.first;
    if (!first.groupId().equals(header.groupId())) {
      return "chunk "
          + header.index()
          + " of group "
          + header.groupId()
          + " while group "
          + first.groupId()
          + " is open";
    }
    if (header.index() != open.nextIndex) {
      return "chunk "
          + header.index()
          + " of group "
          + header.groupId()
          + " out of order: expected chunk "
          + open.nextIndex;
    }
    if (header.count() != first.count()
        || header.totalLength() != first.totalLength()
        || header.crc32c() != first.crc32c()) {
      return "chunk "
          + header.index()
          + " of group "
          + header.groupId()
          + " disagrees with its chunk 0 on count, length or crc";
    }
    return null;
  }

  /** What one chunk did. */
  public sealed interface Result<T> permits Complete, Pending, Rejected, Abandoned {
    /** The chunk's header. */
    ChunkHeader chunk();

    /** Set when this chunk (a chunk 0) abandoned a different open group: a description of it. */
    Optional<String> abandonedPrevious();
  }

  /** The chunk completed its group; {@code value} is the verified payload (or sink result). */
  public record Complete<T>(ChunkHeader chunk, T value, Optional<String> abandonedPrevious)
      implements Result<T> {}

  /** The chunk was added to the open group, which needs more chunks. */
  public record Pending<T>(ChunkHeader chunk, Optional<String> abandonedPrevious)
      implements Result<T> {}

  /** The chunk was dropped; the open group (if any) is unchanged. */
  public record Rejected<T>(ChunkHeader chunk, String reason, Optional<String> abandonedPrevious)
      implements Result<T> {}

  /** The chunk's group was dropped: it failed verification. */
  public record Abandoned<T>(ChunkHeader chunk, String reason, Optional<String> abandonedPrevious)
      implements Result<T> {}

  private static final class OpenGroup<T> {
    final ChunkHeader first;
    final ChunkSink<T> sink;
    final CRC32C crc = new CRC32C();
    long received;
    int nextIndex;

    OpenGroup(final ChunkHeader first, final ChunkSink<T> sink) {
      this.first = first;
      this.sink = sink;
    }
  }

  private static ChunkSink<byte[]> arraySink(final ChunkHeader first) {
    final byte[] payload = new byte[(int) first.totalLength()];
    return new ChunkSink<>() {
      private int position;

      @Override
      public void write(final ByteBuffer chunk) {
        final int length = chunk.remaining();
        chunk.get(payload, position, length);
        position += length;
      }

      @Override
      public byte[] finish() {
        return payload;
      }

      @Override
      public void discard() {
        // garbage once unreferenced
      }
    };
  }
}
