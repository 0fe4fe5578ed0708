package io.kafkabinlog.tidbsim.txn;

import io.kafkabinlog.common.datadir.WriterLock;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sim's stand-in for TiKV's write records: one fixed-size record per decided transaction
 * ({@code start_ts}, {@code commit_ts}, 0 = rolled back), appended before the engine sends the
 * commit binlog, as TiKV commits before TiDB sends the C-binlog.
 *
 * <p>File {@value #FILE} in the data directory; records of {@value #RECORD_SIZE} bytes: start_ts
 * (8), commit_ts (8), CRC32C of those 16 bytes (4), big-endian. Appends from many threads are
 * group-written: whoever flushes writes every record queued so far in one write (and one fsync if
 * asked). When {@link #append} returns the record is visible to other processes and survives a
 * crash of this process; with {@code fsync} also a crash of the machine. One writer per directory;
 * readers in any process {@link #find} records by scanning from the end (recent transactions are
 * the ones asked about).
 */
public final class TxnOutcomeLog implements AutoCloseable {
  public static final String FILE = "txn-outcomes.log";
  public static final String LOCK_FILE = "txn-outcomes.lock";
  public static final int RECORD_SIZE = 20;

  private static final Logger LOG = LoggerFactory.getLogger(TxnOutcomeLog.class);
  private static final int SCAN_CHUNK_RECORDS = 4096;

  private final Path dir;
  private final Path file;
  private final boolean writable;
  private final boolean fsync;
  private final WriterLock writerLock;
  private FileChannel channel;

  private final Object queueLock = new Object();
  private List<TxnOutcome> queue = new ArrayList<>();
  private long queuedSeq;

  private final Object flushLock = new Object();
  private long flushedSeq;
  private long writePosition;
  private long groupWrites;
  private volatile boolean closed;

  private TxnOutcomeLog(
      final Path dir,
      final boolean writable,
      final boolean fsync,
      final FileChannel channel,
      final WriterLock writerLock) {
    this.dir = dir;
    this.file = dir.resolve(FILE);
    this.writable = writable;
    this.fsync = fsync;
    this.channel = channel;
    this.writerLock = writerLock;
  }

  /** Opens the log for appending, without fsync (survives a crash of this process). */
  public static TxnOutcomeLog open(final Path dataDir) {
    return open(dataDir, false);
  }

  /**
   * Opens (or creates) the log in {@code dataDir} for appending; {@code fsync}: force each group
   * write to disk. Drops a torn or unreadable tail left by a crash.
   */
  public static TxnOutcomeLog open(final Path dataDir, final boolean fsync) {
    WriterLock writerLock = null;
    FileChannel channel = null;
    try {
      writerLock = WriterLock.acquire(dataDir, LOCK_FILE, () -> alreadyOpen(dataDir));
      channel =
          FileChannel.open(
              dataDir.resolve(FILE),
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
      final TxnOutcomeLog log = new TxnOutcomeLog(dataDir, true, fsync, channel, writerLock);
      log.writePosition = log.validLength();
      if (channel.size() > log.writePosition) {
        LOG.warn(
            "{}: dropping {} bytes after the last valid record (an append torn by a crash)",
            log.file,
            channel.size() - log.writePosition);
        channel.truncate(log.writePosition);
        channel.force(true);
      }
      return log;
    } catch (IOException e) {
      WriterLock.closeQuietly(channel);
      if (writerLock != null) {
        writerLock.close();
      }
      throw new FatalBinlogException(
          ErrorCode.INTERNAL, "cannot open " + dataDir.resolve(FILE) + ": " + e, e);
    } catch (RuntimeException e) {
      WriterLock.closeQuietly(channel);
      if (writerLock != null) {
        writerLock.close();
      }
      throw e;
    }
  }

  /** Opens the log for lookups only; the file need not exist yet. */
  public static TxnOutcomeLog openReadOnly(final Path dataDir) {
    return new TxnOutcomeLog(dataDir, false, false, null, null);
  }

  public Path file() {
    return file;
  }

  /** Records that {@code startTs} committed at {@code commitTs}; returns once written. */
  public void recordCommitted(final long startTs, final long commitTs) {
    if (commitTs <= 0) {
      throw new IllegalArgumentException("commit_ts must be positive: " + commitTs);
    }
    append(new TxnOutcome(startTs, commitTs));
  }

  /** Records that {@code startTs} was rolled back; returns once written. */
  public void recordRolledBack(final long startTs) {
    append(new TxnOutcome(startTs, 0));
  }

  /** Appends one outcome, group-written with concurrent appends; returns once written. */
  public void append(final TxnOutcome outcome) {
    if (!writable) {
      throw new IllegalStateException(file + " is open read-only");
    }
    final long mySeq;
    synchronized (queueLock) {
      if (closed) {
        throw new IllegalStateException(file + " is closed");
      }
      queue.add(outcome);
      mySeq = ++queuedSeq;
    }
    synchronized (flushLock) {
      if (flushedSeq >= mySeq) {
        return;
      }
      final List<TxnOutcome> batch;
      final long upTo;
      synchronized (queueLock) {
        batch = queue;
        queue = new ArrayList<>();
        upTo = queuedSeq;
      }
      final ByteBuffer buf =
          ByteBuffer.allocate(batch.size() * RECORD_SIZE).order(ByteOrder.BIG_ENDIAN);
      for (TxnOutcome o : batch) {
        encode(buf, o);
      }
      buf.flip();
      try {
        long pos = writePosition;
        while (buf.hasRemaining()) {
          pos += channel.write(buf, pos);
        }
        if (fsync) {
          channel.force(false);
        }
        writePosition = pos;
        groupWrites++;
      } catch (IOException e) {
        throw new FatalBinlogException(
            ErrorCode.INTERNAL,
            "cannot append " + batch.size() + " transaction outcomes to " + file + ": " + e,
            e);
      }
      flushedSeq = upTo;
    }
  }

  /**
   * The recorded outcome of the transaction that started at {@code startTs}, scanning from the
   * newest record back.
   */
  public Optional<TxnOutcome> find(final long startTs) {
    try {
      final FileChannel ch = readChannel();
      if (ch == null) {
        return Optional.empty();
      }
      final long records = ch.size() / RECORD_SIZE;
      final ByteBuffer buf =
          ByteBuffer.allocate(SCAN_CHUNK_RECORDS * RECORD_SIZE).order(ByteOrder.BIG_ENDIAN);
      long end = records;
      while (end > 0) {
        final long begin = Math.max(0, end - SCAN_CHUNK_RECORDS);
        buf.clear().limit(Math.toIntExact((end - begin) * RECORD_SIZE));
        long pos = begin * RECORD_SIZE;
        while (buf.hasRemaining()) {
          final int n = ch.read(buf, pos);
          if (n < 0) {
            break;
          }
          pos += n;
        }
        for (long i = end - 1; i >= begin; i--) {
          final int off = Math.toIntExact((i - begin) * RECORD_SIZE);
          if (off + RECORD_SIZE > buf.position()) {
            continue;
          }
          final TxnOutcome o = decode(buf, off);
          if (o != null && o.startTs() == startTs) {
            return Optional.of(o);
          }
        }
        end = begin;
      }
      return Optional.empty();
    } catch (IOException e) {
      throw new FatalBinlogException(ErrorCode.INTERNAL, "cannot read " + file + ": " + e, e);
    }
  }

  /**
   * Every intact record of a data directory's log, in write order, up to the first torn or corrupt
   * one (tests and checkers that compare the downstream with what the sim committed).
   */
  public static List<TxnOutcome> readAll(final Path dataDir) throws IOException {
    final ByteBuffer in =
        ByteBuffer.wrap(Files.readAllBytes(dataDir.resolve(FILE))).order(ByteOrder.BIG_ENDIAN);
    final List<TxnOutcome> outcomes = new ArrayList<>();
    for (int off = 0; off + RECORD_SIZE <= in.limit(); off += RECORD_SIZE) {
      final TxnOutcome o = decode(in, off);
      if (o == null) {
        break;
      }
      outcomes.add(o);
    }
    return outcomes;
  }

  /** How many group writes this writer made (at most one per append; fewer under load). */
  public long groupWrites() {
    synchronized (flushLock) {
      return groupWrites;
    }
  }

  /** Number of records in the file (complete ones). */
  public long recordCount() {
    try {
      final FileChannel ch = readChannel();
      return ch == null ? 0 : ch.size() / RECORD_SIZE;
    } catch (IOException e) {
      throw new FatalBinlogException(ErrorCode.INTERNAL, "cannot read " + file + ": " + e, e);
    }
  }

  @Override
  public void close() {
    synchronized (queueLock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    synchronized (flushLock) {
      WriterLock.closeQuietly(channel);
      if (writerLock != null) {
        writerLock.close();
      }
    }
  }

  private FileChannel readChannel() throws IOException {
    synchronized (flushLock) {
      if (channel == null) {
        if (!Files.exists(file)) {
          return null;
        }
        channel = FileChannel.open(file, StandardOpenOption.READ);
      }
      return channel;
    }
  }

  /** Length of the prefix of whole records with good checksums. */
  private long validLength() throws IOException {
    final long records = channel.size() / RECORD_SIZE;
    final ByteBuffer buf =
        ByteBuffer.allocate(SCAN_CHUNK_RECORDS * RECORD_SIZE).order(ByteOrder.BIG_ENDIAN);
    long i = 0;
    while (i < records) {
      final long n = Math.min(SCAN_CHUNK_RECORDS, records - i);
      buf.clear().limit(Math.toIntExact(n * RECORD_SIZE));
      long pos = i * RECORD_SIZE;
      while (buf.hasRemaining()) {
        final int r = channel.read(buf, pos);
        if (r < 0) {
          break;
        }
        pos += r;
      }
      for (int k = 0; k < n; k++) {
        if (decode(buf, k * RECORD_SIZE) == null) {
          return (i + k) * RECORD_SIZE;
        }
      }
      i += n;
    }
    return records * RECORD_SIZE;
  }

  private static void encode(final ByteBuffer buf, final TxnOutcome o) {
    final int start = buf.position();
    buf.putLong(o.startTs()).putLong(o.commitTs());
    final CRC32C crc = new CRC32C();
    crc.update(buf.array(), start, 16);
    buf.putInt((int) crc.getValue());
  }

  /** The record at {@code off}, or null if its checksum does not match. */
  private static TxnOutcome decode(final ByteBuffer buf, final int off) {
    final CRC32C crc = new CRC32C();
    crc.update(buf.array(), off, 16);
    if ((int) crc.getValue() != buf.getInt(off + 16)) {
      return null;
    }
    final long start = buf.getLong(off);
    final long commit = buf.getLong(off + 8);
    try {
      return new TxnOutcome(start, commit);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static FatalBinlogException alreadyOpen(final Path dataDir) {
    return new FatalBinlogException(
        ErrorCode.CONFIG_INVALID,
        "the transaction outcome log in "
            + dataDir
            + " is already open for writing by another process; use another data directory or"
            + " open it read-only");
  }
}
