package io.kafkabinlog.binlogctl.meta;

import io.kafkabinlog.binlogctl.GoTime;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneId;
import java.util.Optional;

/**
 * {@code -cmd generate_meta}: {@code <data-dir>/savepoint} holding {@code commitTS = <tso>} (TOML,
 * the original's meta file), followed, with {@code -time-zone}, by the time in UTC and in that
 * zone. Written atomically (a temporary file moved into place).
 */
public final class SavepointWriter {
  public static final String FILE_NAME = "savepoint";

  // A region id, so that the zone prints as "UTC" as Go's does (ZoneOffset.UTC prints "Z").
  private static final ZoneId UTC = ZoneId.of("UTC");

  /** The file's content, as the original writes it. */
  static String content(final long commitTs, final Optional<ZoneId> zone) {
    final StringBuilder text = new StringBuilder("commitTS = ").append(commitTs).append('\n');
    zone.ifPresent(
        z ->
            text.append(GoTime.ofTso(commitTs, UTC))
                .append('\n')
                .append(GoTime.ofTso(commitTs, z)));
    return text.toString();
  }

  /**
   * @return the file written
   * @throws FatalBinlogException {@code CONFIG_INVALID} naming the path if it cannot be written
   */
  public Path write(final Path dataDir, final long commitTs, final Optional<ZoneId> zone) {
    final Path target = dataDir.resolve(FILE_NAME);
    try {
      Files.createDirectories(dataDir);
      final Path temp = Files.createTempFile(dataDir, FILE_NAME, ".tmp");
      try {
        Files.writeString(temp, content(commitTs, zone), StandardCharsets.UTF_8);
        try {
          Files.move(
              temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID, "cannot write " + target + " (-data-dir): " + e, e);
    }
    return target;
  }
}
