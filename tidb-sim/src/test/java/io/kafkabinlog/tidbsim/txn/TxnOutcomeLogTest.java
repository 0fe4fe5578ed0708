package io.kafkabinlog.tidbsim.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.error.FatalBinlogException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TxnOutcomeLogTest {
  @TempDir Path dir;

  @Test
  void shouldFindCommittedAndRolledBackOutcomes() {
    try (TxnOutcomeLog log = TxnOutcomeLog.open(dir)) {
      log.recordCommitted(100, 105);
      log.recordRolledBack(200);
      log.recordCommitted(300, 301);
      assertThat(log.find(100)).contains(new TxnOutcome(100, 105));
      assertThat(log.find(200)).contains(new TxnOutcome(200, 0));
      assertThat(log.find(200).orElseThrow().committed()).isFalse();
      assertThat(log.find(300).orElseThrow().committed()).isTrue();
      assertThat(log.find(400)).isEmpty();
      assertThat(log.recordCount()).isEqualTo(3);
    }
    assertThat(dir.resolve(TxnOutcomeLog.FILE)).hasSize(3L * TxnOutcomeLog.RECORD_SIZE);
  }

  @Test
  void shouldGroupConcurrentAppendsAndLoseNone() throws Exception {
    final int threads = 8;
    final int perThread = 500;
    final ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (TxnOutcomeLog log = TxnOutcomeLog.open(dir, true)) {
      final List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        final long base = (t + 1) * 1_000_000L;
        futures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    log.recordCommitted(base + i * 2L, base + i * 2L + 1);
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
      assertThat(log.recordCount()).isEqualTo((long) threads * perThread);
      // Concurrent appends share writes (and fsyncs).
      assertThat(log.groupWrites()).isLessThan(log.recordCount());
      for (int t = 0; t < threads; t++) {
        final long base = (t + 1) * 1_000_000L;
        assertThat(log.find(base)).contains(new TxnOutcome(base, base + 1));
        assertThat(log.find(base + (perThread - 1) * 2L)).isPresent();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shouldLetAReaderSeeRecordsAsTheyAreAppended() {
    try (TxnOutcomeLog reader = TxnOutcomeLog.openReadOnly(dir)) {
      assertThat(reader.find(1)).isEmpty();
      try (TxnOutcomeLog writer = TxnOutcomeLog.open(dir)) {
        writer.recordCommitted(10, 20);
        assertThat(reader.find(10)).contains(new TxnOutcome(10, 20));
        writer.recordRolledBack(30);
        assertThat(reader.find(30)).contains(new TxnOutcome(30, 0));
      }
      assertThatThrownBy(() -> reader.recordRolledBack(5))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void shouldDropATornTailOnReopenAndKeepEverythingBefore() throws Exception {
    try (TxnOutcomeLog log = TxnOutcomeLog.open(dir)) {
      for (long s = 1; s <= 10; s++) {
        log.recordCommitted(s * 10, s * 10 + 1);
      }
    }
    final Path file = dir.resolve(TxnOutcomeLog.FILE);
    Files.write(file, new byte[] {1, 2, 3, 4, 5, 6, 7}, StandardOpenOption.APPEND);
    try (TxnOutcomeLog reader = TxnOutcomeLog.openReadOnly(dir)) {
      assertThat(reader.find(100)).isPresent();
    }
    try (TxnOutcomeLog log = TxnOutcomeLog.open(dir)) {
      assertThat(Files.size(file)).isEqualTo(10L * TxnOutcomeLog.RECORD_SIZE);
      log.recordCommitted(500, 501);
      assertThat(log.find(500)).isPresent();
      assertThat(log.find(10)).contains(new TxnOutcome(10, 11));
    }
  }

  @Test
  void shouldIgnoreARecordWithABadChecksum() throws Exception {
    try (TxnOutcomeLog log = TxnOutcomeLog.open(dir)) {
      log.recordCommitted(10, 11);
      log.recordCommitted(20, 21);
    }
    final Path file = dir.resolve(TxnOutcomeLog.FILE);
    final byte[] bytes = Files.readAllBytes(file);
    bytes[TxnOutcomeLog.RECORD_SIZE + 9] ^= 0x40;
    Files.write(file, bytes);
    try (TxnOutcomeLog reader = TxnOutcomeLog.openReadOnly(dir)) {
      assertThat(reader.find(10)).isPresent();
      assertThat(reader.find(20)).isEmpty();
    }
  }

  @Test
  void shouldRefuseASecondWriter() {
    try (TxnOutcomeLog log = TxnOutcomeLog.open(dir)) {
      assertThatThrownBy(() -> TxnOutcomeLog.open(dir))
          .isInstanceOf(FatalBinlogException.class)
          .hasMessageContaining("already open for writing");
      log.recordCommitted(1, 2);
      assertThat(log.find(1)).isPresent();
    }
  }

  @Test
  void shouldRejectImpossibleOutcomes() {
    assertThatThrownBy(() -> new TxnOutcome(10, 5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TxnOutcome(0, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
