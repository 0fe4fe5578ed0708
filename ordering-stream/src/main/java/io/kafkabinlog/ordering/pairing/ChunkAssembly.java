package io.kafkabinlog.ordering.pairing;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.ordering.payload.FragmentedPayload;
import io.kafkabinlog.schemas.raw.BinlogHeader;
import io.kafkabinlog.schemas.raw.ChunkHeader;
import io.kafkabinlog.schemas.raw.ChunkReassembler;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * {@link ChunkReassembler}'s rule for one raw partition (at most one open group; chunks {@code
 * 0..count-1} in order; a chunk 0 of another group abandons the open one; anything else that does
 * not continue it is rejected and leaves it as it was; the last chunk completes the group only with
 * the right length and CRC-32C), with the open group kept in stores instead of memory: under
 * exactly-once a commit can fall between two chunks of a group, and after a crash the task restores
 * its stores and goes on from the committed offset, so the group's header and position live in the
 * state store and its bytes, re-sliced into fixed-size fragments, in the fragment store. The only
 * in-memory state is the running CRC, which {@link #restore} recomputes from the stored bytes.
 *
 * <p>Results reuse {@link ChunkReassembler}'s types; a complete group yields a {@link
 * StoredPayload} whose fragments the caller now owns.
 */
final class ChunkAssembly {
  static final Bytes OPEN_GROUP_KEY = PairingKeys.named("open-chunk-group");

  private final KeyValueStore<Bytes, byte[]> state;
  private final StoredFragments fragments;
  private final int fragmentSize;
  private OpenChunkGroup open;
  private CRC32C crc;

  ChunkAssembly(
      final KeyValueStore<Bytes, byte[]> state,
      final StoredFragments fragments,
      final int fragmentSize) {
    this.state = state;
    this.fragments = fragments;
    this.fragmentSize = fragmentSize;
  }

  /** Loads the open group (if any) from the stores and recomputes its CRC so far. */
  void restore() {
    final byte[] stored = state.get(OPEN_GROUP_KEY);
    open = null;
    crc = null;
    if (stored == null) {
      return;
    }
    try {
      open = OpenChunkGroup.decode(stored);
    } catch (IllegalArgumentException e) {
      throw new FatalBinlogException(
          ErrorCode.INTERNAL, "stage 1 state store holds an unreadable chunk group", e);
    }
    crc = new CRC32C();
    final int written = writtenFragments(open);
    for (int index = 0; index < written; index++) {
      crc.update(
          fragments.require(
              open.startTs(),
              open.payloadId(),
              index,
              StoredFragments.fragmentLength(open.received(), open.fragmentSize(), index)));
    }
  }

  /** The group open now, if any. */
  Optional<OpenChunkGroup> openGroup() {
    return Optional.ofNullable(open);
  }

  /**
   * Feeds one chunk record read at {@code offset}.
   *
   * @param binlog the record's binlog header (must be the same on every chunk of a group)
   */
  ChunkReassembler.Result<StoredPayload> accept(
      final ChunkHeader chunk, final BinlogHeader binlog, final long offset, final byte[] value) {
    Optional<String> abandoned = Optional.empty();
    if (chunk.index() == 0 && (open == null || !open.first().groupId().equals(chunk.groupId()))) {
      if (open != null) {
        abandoned =
            Optional.of(
                "group "
                    + open.first().groupId()
                    + " abandoned at chunk "
                    + open.nextIndex()
                    + " of "
                    + open.first().count()
                    + " by chunk 0 of group "
                    + chunk.groupId());
        discardOpen();
      }
      open = new OpenChunkGroup(chunk, binlog, offset, 0, 0, fragmentSize);
      crc = new CRC32C();
    } else {
      final String reason = mismatch(chunk, binlog);
      if (reason != null) {
        return new ChunkReassembler.Rejected<>(chunk, reason, Optional.empty());
      }
    }
    final OpenChunkGroup group = open;
    final long left = group.first().totalLength() - group.received();
    if (value.length > left) {
      final String reason =
          "chunk "
              + chunk.index()
              + " of group "
              + chunk.groupId()
              + " has "
              + value.length
              + " bytes, more than the "
              + left
              + " left of its total "
              + group.first().totalLength();
      if (chunk.index() == 0) {
        // The group never got a valid first chunk; nothing of it was stored.
        open = null;
        crc = null;
        return new ChunkReassembler.Abandoned<>(chunk, reason, abandoned);
      }
      return new ChunkReassembler.Rejected<>(chunk, reason, abandoned);
    }
    crc.update(value);
    fragments.append(
        group.startTs(),
        group.payloadId(),
        group.fragmentSize(),
        group.received(),
        ByteBuffer.wrap(value));
    open = group.advanced(value.length);
    if (!chunk.isLast()) {
      state.put(OPEN_GROUP_KEY, open.encode());
      return new ChunkReassembler.Pending<>(chunk, abandoned);
    }
    final OpenChunkGroup done = open;
    final int actualCrc = (int) crc.getValue();
    open = null;
    crc = null;
    state.put(OPEN_GROUP_KEY, null);
    if (done.received() != done.first().totalLength() || actualCrc != done.first().crc32c()) {
      deleteFragments(done);
      return new ChunkReassembler.Abandoned<>(
          chunk,
          "group "
              + chunk.groupId()
              + " failed verification: "
              + done.received()
              + " of "
              + done.first().totalLength()
              + " bytes, crc32c "
              + Integer.toHexString(actualCrc)
              + " expected "
              + Integer.toHexString(done.first().crc32c()),
          abandoned);
    }
    fragments.finish(done.startTs(), done.payloadId(), done.received());
    return new ChunkReassembler.Complete<>(
        chunk,
        new StoredPayload(done.binlog(), done.payloadId(), done.received(), done.fragmentSize()),
        abandoned);
  }

  /** Why a chunk other than a new group's chunk 0 does not continue the open group, or null. */
  private String mismatch(final ChunkHeader chunk, final BinlogHeader binlog) {
    if (open == null) {
      return "chunk " + chunk.index() + " of group " + chunk.groupId() + " but no group is open";
    }
    final ChunkHeader first = open.first();
    if (!first.groupId().equals(chunk.groupId())) {
      return "chunk "
          + chunk.index()
          + " of group "
          + chunk.groupId()
          + " while group "
          + first.groupId()
          + " is open";
    }
    if (chunk.index() != open.nextIndex()) {
      return "chunk "
          + chunk.index()
          + " of group "
          + chunk.groupId()
          + " out of order: expected chunk "
          + open.nextIndex();
    }
    if (chunk.count() != first.count()
        || chunk.totalLength() != first.totalLength()
        || chunk.crc32c() != first.crc32c()
        || !binlog.equals(open.binlog())) {
      return "chunk "
          + chunk.index()
          + " of group "
          + chunk.groupId()
          + " disagrees with its chunk 0 on count, length, crc or binlog header";
    }
    return null;
  }

  private void discardOpen() {
    deleteFragments(open);
    state.put(OPEN_GROUP_KEY, null);
    open = null;
    crc = null;
  }

  private void deleteFragments(final OpenChunkGroup group) {
    fragments.delete(group.startTs(), group.payloadId(), writtenFragments(group));
  }

  private static int writtenFragments(final OpenChunkGroup group) {
    return group.received() == 0
        ? 0
        : FragmentedPayload.fragmentCount(group.received(), group.fragmentSize());
  }
}
