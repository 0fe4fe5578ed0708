package io.kafkabinlog.tidbsim.catalog;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.schemas.tableinfo.Job;
import io.kafkabinlog.schemas.tableinfo.TableInfoJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ddl-history.jsonl}: one history job per line, TiDB's job JSON. The writer appends and
 * forces each line before a commit returns; readers (this or another process) pick up complete
 * lines appended since their last read. A line without its newline is an append torn by a crash:
 * readers wait for it, the writer cuts it off when it opens the file.
 */
final class DdlHistoryFile implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DdlHistoryFile.class);

  private final Path path;
  private final boolean writable;
  private FileChannel channel;
  private long consumed;
  private long lines;

  private DdlHistoryFile(final Path path, final boolean writable) {
    this.path = path;
    this.writable = writable;
  }

  static DdlHistoryFile openForWrite(final Path path) throws IOException {
    final DdlHistoryFile f = new DdlHistoryFile(path, true);
    f.channel =
        FileChannel.open(
            path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    return f;
  }

  static DdlHistoryFile openForRead(final Path path) {
    return new DdlHistoryFile(path, false);
  }

  Path path() {
    return path;
  }

  /** Jobs in complete lines appended since the last call. */
  List<Job> readNew() throws IOException {
    if (channel == null) {
      if (!Files.exists(path)) {
        return List.of();
      }
      channel = FileChannel.open(path, StandardOpenOption.READ);
    }
    final long size = channel.size();
    if (size <= consumed) {
      return List.of();
    }
    final ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(size - consumed));
    long pos = consumed;
    while (buf.hasRemaining()) {
      final int n = channel.read(buf, pos);
      if (n < 0) {
        break;
      }
      pos += n;
    }
    final byte[] bytes = new byte[buf.position()];
    buf.flip().get(bytes);
    final List<Job> jobs = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        lines++;
        final String line = new String(bytes, start, i - start, StandardCharsets.UTF_8).trim();
        if (!line.isEmpty()) {
          jobs.add(parse(line));
        }
        start = i + 1;
      }
    }
    consumed += start;
    return jobs;
  }

  /** Writer only: drops a torn last line (after {@link #readNew} consumed the complete ones). */
  void truncateTornTail() throws IOException {
    final long size = channel.size();
    if (size > consumed) {
      LOG.warn(
          "{}: dropping {} bytes of an append torn by a crash (no newline)", path, size - consumed);
      channel.truncate(consumed);
      channel.force(true);
    }
  }

  /** Appends one job line and forces it to disk. */
  void append(final Job job) throws IOException {
    if (!writable) {
      throw new IllegalStateException("read-only DDL history");
    }
    final byte[] line = (TableInfoJson.toJson(job) + "\n").getBytes(StandardCharsets.UTF_8);
    final ByteBuffer buf = ByteBuffer.wrap(line);
    long pos = consumed;
    try {
      while (buf.hasRemaining()) {
        pos += channel.write(buf, pos);
      }
      channel.force(false);
    } catch (IOException e) {
      // Cut a partial line so the next append does not glue onto it.
      try {
        channel.truncate(consumed);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    consumed += line.length;
    lines++;
  }

  private Job parse(final String line) {
    try {
      return TableInfoJson.parseJob(line);
    } catch (IllegalArgumentException e) {
      throw new FatalBinlogException(
          ErrorCode.MALFORMED_INPUT,
          path + " line " + lines + " is not a DDL job JSON: " + e.getMessage(),
          e);
    }
  }

  @Override
  public void close() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
