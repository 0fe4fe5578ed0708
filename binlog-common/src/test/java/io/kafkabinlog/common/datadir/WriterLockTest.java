package io.kafkabinlog.common.datadir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriterLockTest {
  @TempDir Path dir;

  private static FatalBinlogException held() {
    return new FatalBinlogException(ErrorCode.CONFIG_INVALID, "held");
  }

  @Test
  void createsTheDirectoryAndTheLockFile() throws Exception {
    final Path dataDir = dir.resolve("a/b");
    try (WriterLock lock = WriterLock.acquire(dataDir, ".lock", WriterLockTest::held)) {
      assertThat(lock).isNotNull();
      assertThat(dataDir.resolve(".lock")).exists();
    }
  }

  @Test
  void aSecondOwnerIsRefusedUntilTheFirstCloses() throws Exception {
    final WriterLock first = WriterLock.acquire(dir, ".lock", WriterLockTest::held);
    assertThatThrownBy(() -> WriterLock.acquire(dir, ".lock", WriterLockTest::held))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining("held");
    // The refused attempt must not have released the first owner's OS lock.
    assertThatThrownBy(() -> WriterLock.acquire(dir, "./.lock", WriterLockTest::held))
        .hasMessageContaining("held");
    first.close();
    try (WriterLock again = WriterLock.acquire(dir, ".lock", WriterLockTest::held)) {
      assertThat(again).isNotNull();
      assertThat(Files.exists(dir.resolve(".lock"))).isTrue();
    }
  }
}
