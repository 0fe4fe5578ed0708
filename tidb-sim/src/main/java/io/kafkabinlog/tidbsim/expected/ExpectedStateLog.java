package io.kafkabinlog.tidbsim.expected;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.schemas.tableinfo.Job;
import io.kafkabinlog.tidbsim.mutation.RowChange;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sim's expected final state, written down as the workload runs: an append-only file {@value
 * #FILE_NAME} in the sim's data directory with one entry per committed transaction.
 *
 * <p>Format: the 8-byte magic {@code KBXSLOG1}, then frames of {@code [int32 length][int32
 * CRC32C][payload]} (big-endian). Each append is one {@code write} to the operating system, so the
 * log survives the sim process being killed; {@link #sync()} also forces it to disk. A torn last
 * frame (the process died mid-write) is ignored on replay with a warning and cut off when the log
 * is reopened for appending; a damaged frame before the end is corruption and fails the replay.
 *
 * <p>Entries are appended by the engine under the locks that order conflicting transactions, so the
 * changes of any one row are in commit order even where the file is not sorted by commit ts.
 * Thread-safe.
 */
public final class ExpectedStateLog implements AutoCloseable {
  public static final String FILE_NAME = "expected-state.log";

  private static final Logger LOG = LoggerFactory.getLogger(ExpectedStateLog.class);
  private static final byte[] MAGIC = "KBXSLOG1".getBytes(StandardCharsets.US_ASCII);
  private static final int FRAME_HEADER = 8;
  private static final int MAX_FRAME = 1 << 30;

  private final Path file;
  private final FileChannel channel;
  private long appended;

  private ExpectedStateLog(final Path file, final FileChannel channel) {
    this.file = file;
    this.channel = channel;
  }

  /**
   * Opens the log in {@code dir} for appending, creating both if needed. An existing log is kept:
   * its entries stay, a torn last frame is cut off.
   */
  public static ExpectedStateLog open(final Path dir) {
    Path file = dir.resolve(FILE_NAME);
    try {
      Files.createDirectories(dir);
      FileChannel channel =
          FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try {
        long validEnd = Files.size(file) == 0 ? 0 : scan(file, null).validEnd();
        if (validEnd < channel.size()) {
          LOG.warn(
              "Cutting a torn last entry ({} bytes) off the expected-state log {}",
              channel.size() - validEnd,
              file);
          channel.truncate(validEnd);
        }
        channel.position(validEnd);
        if (validEnd == 0) {
          writeFully(channel, ByteBuffer.wrap(MAGIC));
        }
        return new ExpectedStateLog(file, channel);
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    } catch (IOException e) {
      throw new FatalBinlogException(
          ErrorCode.INTERNAL,
          "cannot open the expected-state log " + file + ": " + e.getMessage(),
          e);
    }
  }

  public Path file() {
    return file;
  }

  /** Appends a DML transaction. */
  public void appendDml(final long commitTs, final List<RowChange> changes) {
    append(new LogEntry.Dml(commitTs, changes));
  }

  /** Appends a finished DDL job. */
  public void appendDdl(final long commitTs, final Job job) {
    append(new LogEntry.Ddl(commitTs, job));
  }

  /** Appends rows that a replay regenerates (see {@link LogEntry.GeneratedRows}). */
  public void appendGeneratedRows(
      final long commitTs,
      final long tableId,
      final long seed,
      final long firstId,
      final long count,
      final int rowBytes) {
    append(new LogEntry.GeneratedRows(commitTs, tableId, seed, firstId, count, rowBytes));
  }

  /** Appends one entry with a single write to the operating system. */
  public void append(final LogEntry entry) {
    byte[] payload = EntryCodec.encode(entry);
    if (payload.length > MAX_FRAME) {
      throw new IllegalArgumentException(
          "expected-state entry of "
              + payload.length
              + " bytes is too large; log huge transactions as GeneratedRows");
    }
    CRC32C crc = new CRC32C();
    crc.update(payload);
    ByteBuffer frame = ByteBuffer.allocate(FRAME_HEADER + payload.length);
    frame.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
    synchronized (this) {
      try {
        writeFully(channel, frame);
        appended++;
      } catch (IOException e) {
        throw new FatalBinlogException(
            ErrorCode.INTERNAL,
            "cannot append to the expected-state log " + file + ": " + e.getMessage(),
            e);
      }
    }
  }

  /** Entries appended by this instance. */
  public synchronized long appendedEntries() {
    return appended;
  }

  /** Forces the appended entries to disk (they already survive a crash of the process). */
  public synchronized void sync() {
    try {
      channel.force(false);
    } catch (IOException e) {
      throw new FatalBinlogException(
          ErrorCode.INTERNAL, "cannot sync the expected-state log " + file, e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      if (channel.isOpen()) {
        channel.force(false);
        channel.close();
      }
    } catch (IOException e) {
      throw new FatalBinlogException(
          ErrorCode.INTERNAL, "cannot close the expected-state log " + file, e);
    }
  }

  private static void writeFully(final FileChannel channel, final ByteBuffer buffer)
      throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  // ------------------------------------------------------------------ reading

  /**
   * Streams the entries of the log in {@code dir} in file order to {@code consumer}; a missing log
   * has no entries. Returns the number of entries read.
   */
  public static long read(final Path dir, final Consumer<LogEntry> consumer) {
    Path file = dir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      return 0;
    }
    try {
      return scan(file, consumer).entries();
    } catch (IOException e) {
      throw new FatalBinlogException(
          ErrorCode.INTERNAL,
          "cannot read the expected-state log " + file + ": " + e.getMessage(),
          e);
    }
  }

  /** Replays the log in {@code dir} with the payload-row generator. */
  public static ExpectedState replay(final Path dir) {
    return replay(dir, new PayloadRowGenerator());
  }

  /** Replays the log in {@code dir} into the expected final state. */
  public static ExpectedState replay(final Path dir, final RowGenerator generator) {
    ExpectedState state = new ExpectedState(generator);
    long n = read(dir, state::apply);
    LOG.info("Replayed {} entries of the expected-state log in {}", n, dir);
    return state;
  }

  private record ScanResult(long entries, long validEnd) {}

  /**
   * Reads frames up to the file's current size. With a consumer, decodes each entry and hands it
   * over; without, only checks the frames (for reopening).
   */
  private static ScanResult scan(final Path file, final Consumer<LogEntry> consumer)
      throws IOException {
    long size = Files.size(file);
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 1 << 16))) {
      if (size < MAGIC.length) {
        byte[] head = in.readNBytes((int) size);
        if (!Arrays.equals(head, Arrays.copyOf(MAGIC, head.length))) {
          throw corrupt(file, 0, "not an expected-state log (bad magic)");
        }
        if (size > 0) {
          LOG.warn("Ignoring the torn header of the expected-state log {}", file);
        }
        return new ScanResult(0, 0);
      }
      byte[] magic = new byte[MAGIC.length];
      in.readFully(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw corrupt(file, 0, "not an expected-state log (bad magic)");
      }
      long pos = MAGIC.length;
      long entries = 0;
      while (pos < size) {
        if (size - pos < FRAME_HEADER) {
          return torn(file, pos, size, entries);
        }
        int length = in.readInt();
        int crc = in.readInt();
        if (length < 0 || length > MAX_FRAME) {
          throw corrupt(file, pos, "invalid frame length " + length);
        }
        if (pos + FRAME_HEADER + length > size) {
          return torn(file, pos, size, entries);
        }
        byte[] payload = new byte[length];
        try {
          in.readFully(payload);
        } catch (EOFException e) {
          return torn(file, pos, size, entries);
        }
        CRC32C check = new CRC32C();
        check.update(payload);
        boolean last = pos + FRAME_HEADER + length == size;
        if ((int) check.getValue() != crc) {
          if (last) {
            return torn(file, pos, size, entries);
          }
          throw corrupt(file, pos, "checksum mismatch");
        }
        if (consumer != null) {
          LogEntry entry;
          try {
            entry = EntryCodec.decode(payload);
          } catch (IOException | RuntimeException e) {
            throw corrupt(file, pos, "undecodable entry: " + e.getMessage());
          }
          consumer.accept(entry);
        }
        entries++;
        pos += FRAME_HEADER + length;
      }
      return new ScanResult(entries, pos);
    }
  }

  private static ScanResult torn(
      final Path file, final long pos, final long size, final long entries) {
    LOG.warn(
        "Ignoring a torn last entry of the expected-state log {} ({} bytes at offset {});"
            + " the writer stopped in the middle of it",
        file,
        size - pos,
        pos);
    return new ScanResult(entries, pos);
  }

  private static FatalBinlogException corrupt(final Path file, final long pos, final String what) {
    return new FatalBinlogException(
        ErrorCode.MALFORMED_INPUT,
        "expected-state log " + file + " is damaged at offset " + pos + ": " + what);
  }
}
