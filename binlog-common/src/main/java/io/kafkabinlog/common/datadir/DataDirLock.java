package io.kafkabinlog.common.datadir;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The exclusive lock on {@code <data-dir>/.lock}: one process (pump, drainer) per data directory.
 */
public final class DataDirLock {
  public static final String LOCK_FILE = ".lock";

  private DataDirLock() {}

  /**
   * Takes the lock, creating the directory if needed; hold it for the process's life.
   *
   * @param component what holds it, for the message ({@code pump}, {@code drainer})
   * @throws FatalBinlogException (CONFIG_INVALID) if another process holds it or the directory
   *     cannot be created
   */
  public static WriterLock acquire(final Path dataDir, final String component) {
    try {
      return WriterLock.acquire(
          dataDir,
          LOCK_FILE,
          () ->
              new FatalBinlogException(
                  ErrorCode.CONFIG_INVALID,
                  "data-dir "
                      + dataDir.toAbsolutePath()
                      + " is in use by another "
                      + component
                      + " (it holds "
                      + LOCK_FILE
                      + "); give each "
                      + component
                      + " its own data-dir"));
    } catch (IOException e) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          "cannot create data-dir " + dataDir.toAbsolutePath() + ": " + e.getMessage(),
          e);
    }
  }
}
