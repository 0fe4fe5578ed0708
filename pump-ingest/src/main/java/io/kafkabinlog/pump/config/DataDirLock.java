package io.kafkabinlog.pump.config;

import io.kafkabinlog.common.datadir.WriterLock;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import java.io.IOException;
import java.nio.file.Path;

/** The exclusive lock on {@code <data-dir>/.lock}: one pump process per data directory. */
public final class DataDirLock {
  public static final String LOCK_FILE = ".lock";

  private DataDirLock() {}

  /**
   * Takes the lock, creating the directory if needed; hold it for the process's life.
   *
   * @throws FatalBinlogException (CONFIG_INVALID) if another pump holds it or the directory cannot
   *     be created
   */
  public static WriterLock acquire(final Path dataDir) {
    try {
      return WriterLock.acquire(
          dataDir,
          LOCK_FILE,
          () ->
              new FatalBinlogException(
                  ErrorCode.CONFIG_INVALID,
                  "data-dir "
                      + dataDir.toAbsolutePath()
                      + " is in use by another pump (it holds "
                      + LOCK_FILE
                      + "); give each pump its own data-dir"));
    } catch (IOException e) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          "cannot create data-dir " + dataDir.toAbsolutePath() + ": " + e.getMessage(),
          e);
    }
  }
}
