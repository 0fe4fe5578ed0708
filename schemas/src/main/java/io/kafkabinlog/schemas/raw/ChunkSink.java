package io.kafkabinlog.schemas.raw;

import java.nio.ByteBuffer;

/**
 * Where {@link ChunkReassembler} puts the bytes of one chunk group as they arrive, so that a caller
 * can consume a huge binlog (a digest, a file) without holding it whole. One sink per group; the
 * reassembler verifies length and CRC-32C itself and then calls exactly one of {@link #finish} or
 * {@link #discard}.
 *
 * @param <T> what a completed group yields
 */
public interface ChunkSink<T> {
  /** Appends one chunk's bytes (the buffer's remaining bytes; the sink may consume them). */
  void write(ByteBuffer chunk);

  /** The group is complete and verified. */
  T finish();

  /** The group was abandoned or failed verification; release what was written. */
  void discard();

  /** Creates the sink of a new group, given its first chunk's header. */
  @FunctionalInterface
  interface Factory<T> {
    ChunkSink<T> open(ChunkHeader first);
  }
}
