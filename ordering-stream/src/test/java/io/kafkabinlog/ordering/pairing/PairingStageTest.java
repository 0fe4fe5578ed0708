package io.kafkabinlog.ordering.pairing;

import static io.kafkabinlog.ordering.pairing.RawTestRecords.chunks;
import static io.kafkabinlog.ordering.pairing.RawTestRecords.commit;
import static io.kafkabinlog.ordering.pairing.RawTestRecords.fake;
import static io.kafkabinlog.ordering.pairing.RawTestRecords.prewrite;
import static io.kafkabinlog.ordering.pairing.RawTestRecords.prewriteBytes;
import static io.kafkabinlog.ordering.pairing.RawTestRecords.rollback;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.ordering.merge.MergeMessage;
import io.kafkabinlog.ordering.merge.MergeMessage.PumpWatermark;
import io.kafkabinlog.ordering.merge.MergeMessage.TxnFragment;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.raw.BinlogHeader;
import io.kafkabinlog.schemas.raw.RawRecords;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairingStageTest {
  private static final int FRAGMENT = 1024;

  @TempDir Path stateDir;

  private final RecordingObserver observer = new RecordingObserver();
  private PairingTestDriver stage;

  private PairingTestDriver open(final int fragmentBytes, final Duration interval) {
    stage = new PairingTestDriver(stateDir, fragmentBytes, interval, observer);
    return stage;
  }

  private PairingTestDriver open() {
    return open(FRAGMENT, Duration.ZERO);
  }

  @AfterEach
  void close() {
    if (stage != null) {
      stage.close();
    }
  }

  @Test
  void prewriteAndCommitArePaired() {
    final PairingTestDriver s = open();
    final byte[] payload = prewriteBytes(100, 300);
    s.raw.pipeInput(prewrite(100, payload));
    assertThat(s.read()).isEmpty();
    assertThat(observer.pending).containsExactly("0:0@0", "0:1@100");

    s.raw.pipeInput(commit(100, 105));

    final List<MergeMessage> out = s.read();
    assertThat(out).hasSize(2);
    final TxnFragment f = (TxnFragment) out.get(0);
    assertThat(f.partition()).isZero();
    assertThat(f.startTs()).isEqualTo(100);
    assertThat(f.commitTs()).isEqualTo(105);
    assertThat(f.index()).isZero();
    assertThat(f.count()).isEqualTo(1);
    assertThat(f.fragmentSize()).isEqualTo(FRAGMENT);
    assertThat(f.totalLength()).isEqualTo(payload.length);
    assertThat(f.data()).isEqualTo(payload);
    assertThat(out.get(1)).isEqualTo(new PumpWatermark(0, 105));
    assertThat(s.entries(PairingStage.PENDING_STORE)).isZero();
    assertThat(s.entries(PairingStage.FRAGMENT_STORE)).isZero();
    assertThat(observer.watermarks).containsExactly("0:105");
    assertThat(observer.pending).endsWith("0:0@0");
  }

  @Test
  void interleavedTransactionsAreEmittedAtTheirCommitsAndHoldTheWatermark() {
    final PairingTestDriver s = open();
    final byte[] a = prewriteBytes(100, 50);
    final byte[] b = prewriteBytes(200, 60);
    s.raw.pipeInput(prewrite(100, a));
    s.raw.pipeInput(prewrite(200, b));
    s.raw.pipeInput(commit(200, 210));

    List<MergeMessage> out = s.read();
    assertThat(out).hasSize(2);
    assertThat(((TxnFragment) out.get(0)).startTs()).isEqualTo(200);
    assertThat(((TxnFragment) out.get(0)).data()).isEqualTo(b);
    // 100 is still pending: M_p = min(210, 100).
    assertThat(out.get(1)).isEqualTo(new PumpWatermark(0, 100));

    s.raw.pipeInput(commit(100, 220));
    out = s.read();
    assertThat(out).hasSize(2);
    assertThat(((TxnFragment) out.get(0)).startTs()).isEqualTo(100);
    assertThat(((TxnFragment) out.get(0)).commitTs()).isEqualTo(220);
    assertThat(((TxnFragment) out.get(0)).data()).isEqualTo(a);
    assertThat(out.get(1)).isEqualTo(new PumpWatermark(0, 220));
  }

  @Test
  void rollbackDropsThePrewrite() {
    final PairingTestDriver s = open();
    s.raw.pipeInput(prewrite(100, prewriteBytes(100, 5000)));
    assertThat(s.entries(PairingStage.FRAGMENT_STORE)).isEqualTo(5);
    s.raw.pipeInput(rollback(100));
    s.raw.pipeInput(commit(100, 110));

    // The late commit finds nothing: an orphan; only its watermark goes out.
    assertThat(s.read()).containsExactly(new PumpWatermark(0, 110));
    assertThat(observer.rolledBack).containsExactly("0:100");
    assertThat(observer.orphans).containsExactly("0:100->110");
    assertThat(s.entries(PairingStage.PENDING_STORE)).isZero();
    assertThat(s.entries(PairingStage.FRAGMENT_STORE)).isZero();
  }

  @Test
  void fakeBinlogMovesTheWatermarkOnlyUpwards() {
    final PairingTestDriver s = open();
    s.raw.pipeInput(fake(300));
    s.raw.pipeInput(fake(250));
    s.raw.pipeInput(fake(400));
    assertThat(s.read()).containsExactly(new PumpWatermark(0, 300), new PumpWatermark(0, 400));
  }

  @Test
  void pendingPrewriteHoldsTheWatermarkBack() {
    final PairingTestDriver s = open();
    s.raw.pipeInput(prewrite(100, prewriteBytes(100, 10)));
    s.raw.pipeInput(fake(300));
    s.raw.pipeInput(fake(400));
    assertThat(s.read()).containsExactly(new PumpWatermark(0, 100));

    // A smaller start_ts appearing later lowers M_p, but a lower watermark is never sent.
    s.raw.pipeInput(prewrite(50, prewriteBytes(50, 10)));
    assertThat(s.read()).isEmpty();
    s.raw.pipeInput(commit(100, 410));
    assertThat(s.read()).hasSize(1).allMatch(m -> m instanceof TxnFragment);
    s.raw.pipeInput(commit(50, 420));
    final List<MergeMessage> out = s.read();
    assertThat(out).hasSize(2);
    assertThat(out.get(1)).isEqualTo(new PumpWatermark(0, 420));
  }

  @Test
  void orphanCommitSendsNothingButRaisesMaxTs() {
    final PairingTestDriver s = open();
    s.raw.pipeInput(commit(50, 60));
    assertThat(s.read()).containsExactly(new PumpWatermark(0, 60));
    assertThat(observer.orphans).containsExactly("0:50->60");
  }

  @Test
  void resolutionCommitEmitsWithoutRaisingMaxTs() {
    final PairingTestDriver s = open();
    final byte[] payload = prewriteBytes(100, 2000);
    s.raw.pipeInput(prewrite(100, payload));
    s.raw.pipeInput(fake(120));
    assertThat(s.read()).containsExactly(new PumpWatermark(0, 100));

    s.resolutions.pipeInput(commit(100, 500));

    final List<MergeMessage> out = s.read();
    assertThat(out).hasSize(3);
    assertThat(concat(out.subList(0, 2))).isEqualTo(payload);
    assertThat(((TxnFragment) out.get(0)).commitTs()).isEqualTo(500);
    // M_p is maxTs from the raw partition (120), not the resolution's 500.
    assertThat(out.get(2)).isEqualTo(new PumpWatermark(0, 120));
  }

  @Test
  void resolutionRollbackDropsThePendingPrewrite() {
    final PairingTestDriver s = open();
    s.raw.pipeInput(prewrite(100, prewriteBytes(100, 10)));
    s.raw.pipeInput(fake(150));
    s.resolutions.pipeInput(rollback(100));
    assertThat(s.read()).containsExactly(new PumpWatermark(0, 100), new PumpWatermark(0, 150));
    assertThat(observer.rolledBack).containsExactly("0:100");
    assertThat(s.entries(PairingStage.FRAGMENT_STORE)).isZero();
  }

  @Test
  void resolutionForATransactionNotPendingIsIgnored() {
    final PairingTestDriver s = open();
    s.resolutions.pipeInput(commit(777, 800));
    s.resolutions.pipeInput(rollback(778));
    assertThat(s.read()).isEmpty();

    // A duplicate resolution after the pump's own commit changes nothing either.
    s.raw.pipeInput(prewrite(100, prewriteBytes(100, 10)));
    s.raw.pipeInput(commit(100, 110));
    assertThat(s.read()).hasSize(2);
    s.resolutions.pipeInput(commit(100, 110));
    s.resolutions.pipeInput(rollback(100));
    assertThat(s.read()).isEmpty();
    assertThat(observer.orphans).isEmpty();
    assertThat(observer.rolledBack).isEmpty();
  }

  @Test
  void retriedPrewriteReplacesThePendingOne() {
    final PairingTestDriver s = open();
    s.raw.pipeInput(prewrite(100, prewriteBytes(100, 3000)));
    final byte[] retried = prewriteBytes(100, 1500);
    s.raw.pipeInput(prewrite(100, retried));
    s.raw.pipeInput(commit(100, 110));
    final List<MergeMessage> out = s.read();
    assertThat(concat(out.subList(0, out.size() - 1))).isEqualTo(retried);
    assertThat(s.entries(PairingStage.FRAGMENT_STORE)).isZero();
  }

  @Test
  void largePrewriteInChunksIsReassembledAndRefragmented() {
    final int fragment = 300_000;
    final PairingTestDriver s = open(fragment, Duration.ZERO);
    final byte[] payload = prewriteBytes(100, 3 << 20);
    final BinlogHeader header = new BinlogHeader(BinlogType.Prewrite, 100, 0);
    final List<TestRecord<byte[], byte[]>> records =
        chunks(header, payload, 1 << 20, UUID.randomUUID());
    assertThat(records).hasSize(4);
    // Whole records may sit between the chunks of a group.
    s.raw.pipeInput(records.get(0));
    s.raw.pipeInput(fake(90));
    s.raw.pipeInput(records.get(1));
    s.raw.pipeInput(records.get(2));
    s.raw.pipeInput(records.get(3));

    assertThat(s.read()).containsExactly(new PumpWatermark(0, 90));
    final PendingMeta meta =
        PendingMeta.decode(s.store(PairingStage.PENDING_STORE).get(PairingKeys.startTs(100)));
    assertThat(meta.primaryKey()).isEqualTo(RawTestRecords.primaryKey(100));
    assertThat(meta.totalLength()).isEqualTo(payload.length);

    s.raw.pipeInput(commit(100, 120));

    final List<MergeMessage> out = s.read();
    final int count = (payload.length + fragment - 1) / fragment;
    assertThat(out).hasSize(count + 1);
    for (int i = 0; i < count; i++) {
      final TxnFragment f = (TxnFragment) out.get(i);
      assertThat(f.index()).isEqualTo(i);
      assertThat(f.count()).isEqualTo(count);
      assertThat(f.fragmentSize()).isEqualTo(fragment);
      assertThat(f.data().length)
          .isEqualTo(i < count - 1 ? fragment : payload.length - (count - 1) * fragment);
    }
    assertThat(concat(out.subList(0, count))).isEqualTo(payload);
    assertThat(out.get(count)).isEqualTo(new PumpWatermark(0, 120));
    assertThat(observer.chunkProblems).isEmpty();
    assertThat(s.entries(PairingStage.FRAGMENT_STORE)).isZero();
  }

  @Test
  void wholePrewriteIsCutIntoExactFragments() {
    final PairingTestDriver s = open();
    final byte[] payload = prewriteBytes(100, 4000);
    s.raw.pipeInput(prewrite(100, payload));
    s.raw.pipeInput(commit(100, 101));
    final List<MergeMessage> out = s.read();
    final int count = (payload.length + FRAGMENT - 1) / FRAGMENT;
    assertThat(out).hasSize(count + 1);
    for (int i = 0; i < count - 1; i++) {
      assertThat(((TxnFragment) out.get(i)).data()).hasSize(FRAGMENT);
    }
    assertThat(((TxnFragment) out.get(count - 1)).data())
        .hasSize(payload.length - (count - 1) * FRAGMENT);
    assertThat(concat(out.subList(0, count))).isEqualTo(payload);
  }

  @Test
  void abandonedGroupIsDroppedAndItsRetryCompletes() {
    final PairingTestDriver s = open(4096, Duration.ZERO);
    final byte[] payload = prewriteBytes(100, 30_000);
    final BinlogHeader header = new BinlogHeader(BinlogType.Prewrite, 100, 0);
    final List<TestRecord<byte[], byte[]>> first = chunks(header, payload, 10_000, new UUID(1, 1));
    final List<TestRecord<byte[], byte[]>> retry = chunks(header, payload, 10_000, new UUID(2, 2));
    s.raw.pipeInput(first.get(0));
    s.raw.pipeInput(first.get(1));
    retry.forEach(s.raw::pipeInput);

    assertThat(observer.chunkProblems)
        .singleElement()
        .asString()
        .contains("abandoned at chunk 2 of 4");
    s.raw.pipeInput(commit(100, 110));
    final List<MergeMessage> out = s.read();
    assertThat(concat(out.subList(0, out.size() - 1))).isEqualTo(payload);
    // The abandoned group's fragments are gone with it.
    assertThat(s.entries(PairingStage.FRAGMENT_STORE)).isZero();
    assertThat(s.entries(PairingStage.STATE_STORE)).isEqualTo(2); // max-ts, sent-watermark
  }

  @Test
  void groupWithAWrongCrcIsRejected() {
    final PairingTestDriver s = open();
    final byte[] payload = prewriteBytes(100, 5000);
    final BinlogHeader header = new BinlogHeader(BinlogType.Prewrite, 100, 0);
    chunks(header, payload, 2000, UUID.randomUUID(), 0x1234).forEach(s.raw::pipeInput);

    assertThat(observer.chunkProblems).singleElement().asString().contains("failed verification");
    assertThat(s.entries(PairingStage.PENDING_STORE)).isZero();
    assertThat(s.entries(PairingStage.FRAGMENT_STORE)).isZero();
    s.raw.pipeInput(commit(100, 110));
    assertThat(observer.orphans).containsExactly("0:100->110");
  }

  @Test
  void strayChunkIsRejectedAndLeavesTheOpenGroupIntact() {
    final PairingTestDriver s = open();
    final byte[] payload = prewriteBytes(100, 5000);
    final BinlogHeader header = new BinlogHeader(BinlogType.Prewrite, 100, 0);
    final List<TestRecord<byte[], byte[]>> group = chunks(header, payload, 2000, new UUID(1, 1));
    final List<TestRecord<byte[], byte[]>> other = chunks(header, payload, 2000, new UUID(3, 3));
    s.raw.pipeInput(group.get(0));
    s.raw.pipeInput(group.get(0)); // duplicate
    s.raw.pipeInput(other.get(1)); // chunk of another group
    s.raw.pipeInput(group.get(1));
    s.raw.pipeInput(group.get(2));
    assertThat(observer.chunkProblems).hasSize(2);
    s.raw.pipeInput(commit(100, 110));
    final List<MergeMessage> out = s.read();
    assertThat(concat(out.subList(0, out.size() - 1))).isEqualTo(payload);
  }

  @Test
  void watermarkIsPunctuatedAtTheInterval() {
    final PairingTestDriver s = open(FRAGMENT, Duration.ofSeconds(1));
    s.raw.pipeInput(prewrite(100, prewriteBytes(100, 10)));
    s.raw.pipeInput(fake(300));
    assertThat(s.read()).isEmpty();

    s.driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertThat(s.read()).containsExactly(new PumpWatermark(0, 100));

    // Fragments go out at once, the watermark covering them only at the next punctuation.
    s.raw.pipeInput(commit(100, 310));
    assertThat(s.read()).hasSize(1).allMatch(m -> m instanceof TxnFragment);
    s.driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertThat(s.read()).containsExactly(new PumpWatermark(0, 310));
    s.driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertThat(s.read()).isEmpty();
  }

  @Test
  void rawRecordWithoutBinlogHeaderIsFatal() {
    final PairingTestDriver s = open();
    s.raw.pipeInput(fake(10));
    final TestRecord<byte[], byte[]> bad =
        new TestRecord<>(RawRecords.key(5), new byte[] {1, 2}, new RecordHeaders(), (Long) null);
    assertThatThrownBy(() -> s.raw.pipeInput(bad))
        .satisfies(
            e -> {
              Throwable t = e;
              while (t != null && !(t instanceof FatalBinlogException)) {
                t = t.getCause();
              }
              assertThat(t).isInstanceOf(FatalBinlogException.class);
              assertThat(((FatalBinlogException) t).code()).isEqualTo(ErrorCode.MALFORMED_INPUT);
              assertThat(t.getMessage()).contains(s.settings.rawTopic() + "-0 offset 1");
            });
  }

  static byte[] concat(final List<MergeMessage> fragments) {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final List<Integer> indexes = new ArrayList<>();
    for (final MergeMessage m : fragments) {
      final TxnFragment f = (TxnFragment) m;
      indexes.add(f.index());
      out.writeBytes(f.data());
    }
    for (int i = 0; i < indexes.size(); i++) {
      assertThat(indexes.get(i)).isEqualTo(i);
    }
    return out.toByteArray();
  }
}
