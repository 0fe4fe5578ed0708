package io.kafkabinlog.common.datadir;

import io.kafkabinlog.common.error.FatalBinlogException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-writer lock of a data directory (or of one file in it): an exclusive OS lock on a lock
 * file, so that one process (and within it one owner) writes what the lock guards. Used by
 * tidb-sim's data files and by a pump's {@code <data-dir>/.lock}.
 */
public final class WriterLock implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WriterLock.class);

  /**
   * Lock files this JVM holds. Checked before touching the lock file: closing a second channel on a
   * file releases the process's lock on it (POSIX record locks), so a failed second acquire in the
   * same JVM must not open the file at all.
   */
  private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

  private final Path lockFile;
  private final FileChannel channel;
  private final FileLock lock;

  private WriterLock(final Path lockFile, final FileChannel channel, final FileLock lock) {
    this.lockFile = lockFile;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock on {@code dir/lockFileName}, creating the directory if needed.
   *
   * @param alreadyHeld the error to throw when another process or owner holds the lock
   * @throws IOException if the directory or the lock file cannot be created
   */
  public static WriterLock acquire(
      final Path dir, final String lockFileName, final Supplier<FatalBinlogException> alreadyHeld)
      throws IOException {
    final Path lockFile = dir.resolve(lockFileName).toAbsolutePath().normalize();
    if (!HELD_IN_THIS_JVM.add(lockFile)) {
      throw alreadyHeld.get();
    }
    FileChannel channel = null;
    try {
      Files.createDirectories(dir);
      channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw alreadyHeld.get();
      }
      return new WriterLock(lockFile, channel, lock);
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      HELD_IN_THIS_JVM.remove(lockFile);
      throw e;
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      LOG.warn("cannot release {}", lockFile, e);
    }
    closeQuietly(channel);
    HELD_IN_THIS_JVM.remove(lockFile);
  }

  /** Closes a channel, logging (not throwing) a failure: used where nothing more can be done. */
  public static void closeQuietly(final FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        LOG.debug("close failed", e);
      }
    }
  }
}
