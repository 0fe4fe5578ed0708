package io.kafkabinlog.schemas.raw;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.schemas.raw.ChunkReassembler.Abandoned;
import io.kafkabinlog.schemas.raw.ChunkReassembler.Complete;
import io.kafkabinlog.schemas.raw.ChunkReassembler.Pending;
import io.kafkabinlog.schemas.raw.ChunkReassembler.Rejected;
import io.kafkabinlog.schemas.raw.ChunkReassembler.Result;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class ChunkReassemblerTest {
  private final Random random = new Random(42);

  /** One chunk record: its header and value. */
  record Chunk(ChunkHeader header, byte[] value) {}

  static List<Chunk> chunks(final byte[] payload, final int chunkBytes) {
    final CRC32C crc = new CRC32C();
    crc.update(payload);
    final UUID group = UUID.randomUUID();
    final int count = Math.max(1, (payload.length + chunkBytes - 1) / chunkBytes);
    final List<Chunk> chunks = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      final int from = i * chunkBytes;
      final int to = Math.min(payload.length, from + chunkBytes);
      chunks.add(
          new Chunk(
              new ChunkHeader(group, i, count, payload.length, (int) crc.getValue()),
              Arrays.copyOfRange(payload, from, to)));
    }
    return chunks;
  }

  private byte[] payload(final int size) {
    final byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    return bytes;
  }

  private static <T> List<Result<T>> feed(final ChunkReassembler<T> r, final List<Chunk> chunks) {
    final List<Result<T>> results = new ArrayList<>();
    for (final Chunk c : chunks) {
      results.add(r.accept(c.header(), c.value()));
    }
    return results;
  }

  @Test
  void roundTripsPayloadsOfEverySplit() {
    final ChunkReassembler<byte[]> r = ChunkReassembler.inMemory();
    for (final int size : new int[] {0, 1, 99, 100, 101, 1000, 4097}) {
      final byte[] payload = payload(size);
      final List<Result<byte[]>> results = feed(r, chunks(payload, 100));
      for (int i = 0; i < results.size() - 1; i++) {
        assertThat(results.get(i)).isInstanceOf(Pending.class);
      }
      final Result<byte[]> last = results.get(results.size() - 1);
      assertThat(last).isInstanceOf(Complete.class);
      assertThat(((Complete<byte[]>) last).value()).isEqualTo(payload);
      assertThat(last.abandonedPrevious()).isEmpty();
      assertThat(r.openGroup()).isEmpty();
    }
  }

  @Test
  void retryAfterPartialGroupAbandonsItAndCompletesTheRetry() {
    final ChunkReassembler<byte[]> r = ChunkReassembler.inMemory();
    final byte[] payload = payload(1000);
    final List<Chunk> first = chunks(payload, 300);
    final List<Chunk> retry = chunks(payload, 300);
    assertThat(feed(r, first.subList(0, 2))).allMatch(Pending.class::isInstance);

    final Result<byte[]> restart = r.accept(retry.get(0).header(), retry.get(0).value());
    assertThat(restart).isInstanceOf(Pending.class);
    assertThat(restart.abandonedPrevious())
        .hasValueSatisfying(
            text -> assertThat(text).contains(first.get(0).header().groupId().toString()));
    // A late chunk of the abandoned group cannot join the new one.
    assertThat(r.accept(first.get(2).header(), first.get(2).value())).isInstanceOf(Rejected.class);
    final List<Result<byte[]>> rest = feed(r, retry.subList(1, retry.size()));
    assertThat(((Complete<byte[]>) rest.get(rest.size() - 1)).value()).isEqualTo(payload);
  }

  @Test
  void crcMismatchAbandonsTheGroup() {
    final ChunkReassembler<byte[]> r = ChunkReassembler.inMemory();
    final byte[] payload = payload(500);
    final List<Chunk> chunks = chunks(payload, 200);
    chunks.get(1).value()[7] ^= 1;
    final List<Result<byte[]>> results = feed(r, chunks);
    assertThat(results.get(2)).isInstanceOf(Abandoned.class);
    assertThat(((Abandoned<byte[]>) results.get(2)).reason()).contains("crc32c");
    assertThat(r.openGroup()).isEmpty();
  }

  @Test
  void shortGroupFailsLengthCheck() {
    final ChunkReassembler<byte[]> r = ChunkReassembler.inMemory();
    final List<Chunk> chunks = chunks(payload(500), 200);
    final Chunk last = chunks.get(2);
    chunks.set(2, new Chunk(last.header(), Arrays.copyOf(last.value(), 50)));
    final List<Result<byte[]>> results = feed(r, chunks);
    assertThat(((Abandoned<byte[]>) results.get(2)).reason()).contains("450 of 500 bytes");
  }

  @Test
  void outOfOrderChunkIsRejectedWithoutCorruptingTheGroup() {
    final ChunkReassembler<byte[]> r = ChunkReassembler.inMemory();
    final byte[] payload = payload(1000);
    final List<Chunk> chunks = chunks(payload, 250);
    assertThat(r.accept(chunks.get(0).header(), chunks.get(0).value())).isInstanceOf(Pending.class);
    final Result<byte[]> skipped = r.accept(chunks.get(2).header(), chunks.get(2).value());
    assertThat(skipped).isInstanceOf(Rejected.class);
    assertThat(((Rejected<byte[]>) skipped).reason()).contains("expected chunk 1");
    final List<Result<byte[]>> rest = feed(r, chunks.subList(1, 4));
    assertThat(((Complete<byte[]>) rest.get(2)).value()).isEqualTo(payload);
  }

  @Test
  void duplicatesAreRejected() {
    final ChunkReassembler<byte[]> r = ChunkReassembler.inMemory();
    final byte[] payload = payload(1000);
    final List<Chunk> chunks = chunks(payload, 250);
    final List<Chunk> withDuplicates = new ArrayList<>();
    for (final Chunk c : chunks) {
      withDuplicates.add(c);
      withDuplicates.add(c);
    }
    final List<Result<byte[]>> results = feed(r, withDuplicates);
    final List<Complete<byte[]>> complete = new ArrayList<>();
    int rejected = 0;
    for (final Result<byte[]> result : results) {
      if (result instanceof Complete<byte[]> c) {
        complete.add(c);
      } else if (result instanceof Rejected<byte[]>) {
        rejected++;
      }
    }
    assertThat(complete).hasSize(1);
    assertThat(complete.get(0).value()).isEqualTo(payload);
    assertThat(rejected).isEqualTo(4);
    // A duplicate of the last chunk after completion finds no open group.
    assertThat(((Rejected<byte[]>) results.get(7)).reason()).contains("no group is open");
  }

  @Test
  void chunkDisagreeingWithItsGroupIsRejected() {
    final ChunkReassembler<byte[]> r = ChunkReassembler.inMemory();
    final List<Chunk> chunks = chunks(payload(400), 200);
    r.accept(chunks.get(0).header(), chunks.get(0).value());
    final ChunkHeader h = chunks.get(1).header();
    final ChunkHeader forged = new ChunkHeader(h.groupId(), 1, 2, h.totalLength() + 1, h.crc32c());
    assertThat(r.accept(forged, new byte[201])).isInstanceOf(Rejected.class);
    assertThat(r.accept(h, chunks.get(1).value())).isInstanceOf(Complete.class);
  }

  @Test
  void oversizedChunkIsRejected() {
    final ChunkReassembler<byte[]> r = ChunkReassembler.inMemory();
    final byte[] payload = payload(400);
    final List<Chunk> chunks = chunks(payload, 200);
    r.accept(chunks.get(0).header(), chunks.get(0).value());
    assertThat(r.accept(chunks.get(1).header(), new byte[300])).isInstanceOf(Rejected.class);
    final Result<byte[]> done = r.accept(chunks.get(1).header(), chunks.get(1).value());
    assertThat(((Complete<byte[]>) done).value()).isEqualTo(payload);
  }

  @Test
  void streamsIntoASinkWithoutHoldingThePayload() throws Exception {
    final List<String> discarded = new ArrayList<>();
    final ChunkReassembler<byte[]> r =
        new ChunkReassembler<>(first -> new DigestSink(first, discarded));
    final byte[] payload = payload(10_000);
    final List<Chunk> abandonedAttempt = chunks(payload, 1024);
    r.accept(abandonedAttempt.get(0).header(), abandonedAttempt.get(0).value());
    final List<Result<byte[]>> results = feed(r, chunks(payload, 1024));
    assertThat(discarded).containsExactly(abandonedAttempt.get(0).header().groupId().toString());
    final byte[] digest = ((Complete<byte[]>) results.get(results.size() - 1)).value();
    assertThat(digest).isEqualTo(MessageDigest.getInstance("SHA-256").digest(payload));
  }

  @Test
  void acceptsByteBufferSlices() {
    final ChunkReassembler<byte[]> r = ChunkReassembler.inMemory();
    final byte[] payload = payload(300);
    final List<Chunk> chunks = chunks(payload, 200);
    Result<byte[]> last = null;
    for (final Chunk c : chunks) {
      final byte[] framed = new byte[c.value().length + 10];
      System.arraycopy(c.value(), 0, framed, 5, c.value().length);
      last = r.accept(c.header(), ByteBuffer.wrap(framed, 5, c.value().length));
    }
    assertThat(((Complete<byte[]>) last).value()).isEqualTo(payload);
  }

  private static final class DigestSink implements ChunkSink<byte[]> {
    private final MessageDigest digest;
    private final ChunkHeader first;
    private final List<String> discarded;

    DigestSink(final ChunkHeader first, final List<String> discarded) {
      this.first = first;
      this.discarded = discarded;
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void write(final ByteBuffer chunk) {
      digest.update(chunk);
    }

    @Override
    public byte[] finish() {
      return digest.digest();
    }

    @Override
    public void discard() {
      discarded.add(first.groupId().toString());
    }
  }
}
