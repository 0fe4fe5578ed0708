package io.kafkabinlog.ordering.merge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MergeStageTest {
  @TempDir Path stateDir;

  private final RecordingObserver observer = new RecordingObserver();
  private MergeHarness stage;

  /** Stage 2 over in-memory stores (fast); see {@link #openRocksDb()} for the real ones. */
  private MergeHarness open() {
    return openDurable(new DurableStores());
  }

  /** Stage 2 over its real RocksDB stores (byte order of the keys as in production). */
  private MergeHarness openRocksDb() {
    stage = new MergeHarness(stateDir, null, observer);
    return stage;
  }

  private MergeHarness openDurable(final DurableStores stores) {
    stage = new MergeHarness(stateDir, stores, observer);
    return stage;
  }

  @AfterEach
  void close() {
    if (stage != null) {
      stage.close();
    }
  }

  private static byte[] payload(final long seed, final int length) {
    byte[] b = new byte[length];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static byte[] payload(final long commitTs) {
    return payload(commitTs, 10 + (int) (commitTs % 50));
  }

  private static long tso(final long physicalMs) {
    return physicalMs << 18;
  }

  @Test
  void interleavedPumpsAreEmittedInCommitOrder() {
    MergeHarness s = openRocksDb();
    s.join(0, "pump-a", 10);
    s.join(1, "pump-b", 11);
    s.txn(0, 15, 20, payload(20));
    s.txn(1, 25, 30, payload(30));
    s.txn(0, 35, 60, payload(60));
    s.txn(1, 36, 50, payload(50));
    s.txn(0, 38, 40, payload(40));
    s.watermark(0, 60);
    s.watermark(1, 55);
    s.heartbeat(100);

    List<MergeHarness.Emitted> first = s.emitted();
    assertThat(first)
        .extracting(MergeHarness.Emitted::commitTs)
        .containsExactly(20L, 30L, 40L, 50L);
    assertThat(first).extracting(MergeHarness.Emitted::partition).containsExactly(0, 1, 0, 1);
    assertThat(first).extracting(MergeHarness.Emitted::startTs).containsExactly(15L, 25L, 38L, 36L);
    for (MergeHarness.Emitted e : first) {
      assertThat(e.payload()).isEqualTo(payload(e.commitTs()));
    }
    assertThat(s.resolved()).containsExactly(55L);

    s.watermark(1, 70);
    assertThat(s.emittedCommits()).containsExactly(60L);
    assertThat(s.resolved()).containsExactly(60L);
    assertThat(observer.resolvedTs).isEqualTo(60);
    assertThat(observer.buffered).isZero();
    assertThat(observer.members.get(0))
        .isEqualTo(new RecordingObserver.Member("pump-a", 60, false));
    assertThat(s.entries(MergeStores.BUFFER)).isZero();
    assertThat(s.entries(MergeStores.TXNS)).isZero();
  }

  @Test
  void nothingPassesTheLowestMemberWatermarkOrTheNewestHeartbeat() {
    MergeHarness s = open();
    s.txn(0, 5, 8, payload(8));
    s.watermark(0, 1000);
    assertThat(s.resolved()).as("no heartbeat read: W stays 0").isEmpty();

    s.join(0, "pump-a", 4);
    s.join(1, "pump-b", 6);
    s.txn(1, 9, 12, payload(12));
    s.txn(0, 20, 30, payload(30));
    s.heartbeat(25);
    // M_0 = 1000, pump-b has no watermark: it holds W at its J.
    assertThat(s.resolved()).containsExactly(6L);
    assertThat(s.emitted()).isEmpty();

    s.watermark(1, 500);
    // H = 25 now gates.
    assertThat(s.emittedCommits()).containsExactly(8L, 12L);
    assertThat(s.resolved()).containsExactly(25L);
    assertThat(observer.buffered).isEqualTo(1);

    s.heartbeat(20);
    assertThat(s.resolved()).as("an older heartbeat does not move H").isEmpty();
    s.heartbeat(700);
    assertThat(s.emittedCommits()).containsExactly(30L);
    assertThat(s.resolved()).containsExactly(500L);
    assertThat(observer.heartbeatTs).isEqualTo(700);
  }

  @Test
  void aDuplicateOnASecondPumpIsEmittedOnceBeforeEmission() {
    MergeHarness s = open();
    s.join(0, "pump-a", 1);
    s.join(1, "pump-b", 1);
    byte[] big = payload(7, 3 * MergeHarness.FRAGMENT_BYTES + 100);
    List<MergeMessage.TxnFragment> onA = MergeHarness.fragments(0, 10, 20, big);
    List<MergeMessage.TxnFragment> onB = MergeHarness.fragments(1, 10, 20, big);
    // The copies interleave: pump-a's first fragment arrives first, so its copy is kept.
    s.send(onA.get(0));
    s.send(onB.get(0));
    s.send(onB.get(1));
    s.send(onA.get(1));
    s.send(onA.get(2));
    s.send(onB.get(2));
    s.send(onB.get(3));
    s.send(onA.get(3));
    s.txn(1, 21, 25, payload(25));
    s.watermark(0, 30);
    s.watermark(1, 30);
    s.heartbeat(40);

    List<MergeHarness.Emitted> out = s.emitted();
    assertThat(out).extracting(MergeHarness.Emitted::commitTs).containsExactly(20L, 25L);
    assertThat(out.get(0).partition()).isZero();
    assertThat(out.get(0).payload()).isEqualTo(big);
    assertThat(observer.duplicates).containsExactly("10@20");
  }

  @Test
  void aDuplicateAfterEmissionIsDroppedNotLate() {
    MergeHarness s = open();
    s.join(0, "pump-a", 1);
    s.txn(0, 10, 20, payload(20));
    s.watermark(0, 30);
    s.heartbeat(40);
    assertThat(s.emittedCommits()).containsExactly(20L);

    // A copy stage 1 of another partition sends after W passed it (a replay close to W).
    s.txn(1, 10, 20, payload(20));
    s.txn(0, 10, 20, payload(20));
    assertThat(observer.duplicates).containsExactly("10@20", "10@20");
    s.watermark(0, 50);
    s.heartbeat(60);
    assertThat(s.emitted()).isEmpty();
    assertThat(s.resolved()).containsExactly(30L, 40L, 50L);
  }

  @Test
  void aCopyFarBehindTheResolvedTsIsLateOnceTheWindowHasPassed() {
    MergeHarness s = open();
    s.join(0, "pump-a", tso(1_000));
    s.txn(0, tso(1_500), tso(2_000), payload(1));
    s.watermark(0, tso(3_000));
    s.heartbeat(tso(3_000));
    assertThat(s.emitted()).hasSize(1);
    long later = tso(3_000 + EmittedWindow.WINDOW.toMillis() + 120_000);
    s.watermark(0, later);
    s.heartbeat(later);
    assertThat(s.resolved()).containsExactly(tso(3_000), later);

    assertThatThrownBy(() -> s.txn(1, tso(1_500), tso(2_000), payload(1)))
        .satisfies(
            t -> assertThat(FatalCause.of(t).code()).isEqualTo(ErrorCode.ORDERING_VIOLATION));
  }

  @Test
  void aNewPumpIsBufferedAndGatedUntilItsFirstWatermark() {
    MergeHarness s = open();
    s.join(0, "pump-a", 5);
    s.watermark(0, 300);
    s.heartbeat(100);
    assertThat(s.resolved()).containsExactly(100L);
    // pump-b went online after writing JOIN(J=120), which stage 2 has not read yet; its first
    // transactions already arrive through stage 1 and are buffered, not emitted, not late.
    s.txn(1, 140, 150, payload(150));
    s.watermark(1, 160);
    s.txn(0, 170, 180, payload(180));
    assertThat(s.emitted()).isEmpty();
    assertThat(observer.buffered).isEqualTo(2);

    s.join(1, "pump-b", 120);
    assertThat(s.resolved()).as("H still gates").isEmpty();
    s.heartbeat(400);
    // pump-b's watermark (read before its JOIN) counts: W = min(H 400, M_a 300, M_b 160).
    assertThat(s.emittedCommits()).containsExactly(150L);
    assertThat(s.resolved()).containsExactly(160L);

    // A third pump joins; until its first watermark its J holds W even above the others.
    s.join(2, "pump-c", 200);
    s.watermark(1, 1000);
    s.heartbeat(1000);
    assertThat(s.emittedCommits()).containsExactly(180L);
    assertThat(s.resolved()).containsExactly(200L);
    s.txn(2, 210, 220, payload(220));
    s.watermark(2, 250);
    assertThat(s.emittedCommits()).containsExactly(220L);
    assertThat(s.resolved()).containsExactly(250L);
    assertThat(observer.members.get(2))
        .isEqualTo(new RecordingObserver.Member("pump-c", 250, false));
  }

  @Test
  void aLeavingPumpIsDroppedOnlyOnceItsWatermarkReachesL() {
    MergeHarness s = open();
    s.join(0, "pump-a", 1);
    s.join(1, "pump-b", 1);
    s.txn(1, 300, 350, payload(350));
    s.watermark(1, 400);
    s.watermark(0, 2000);
    s.heartbeat(2000);
    assertThat(s.emittedCommits()).containsExactly(350L);

    s.leave(1, "pump-b", 500);
    assertThat(observer.members.get(1).leaving()).isTrue();
    s.heartbeat(2100);
    assertThat(s.resolved()).as("pump-b still holds W at 400").containsExactly(400L);
    // Its last transaction (a resolved pending prewrite) and then its final watermark.
    s.txn(1, 420, 450, payload(450));
    s.watermark(1, 470);
    assertThat(s.emittedCommits()).containsExactly(450L);
    assertThat(observer.left).isEmpty();
    s.watermark(1, 500);
    assertThat(observer.left).containsExactly("1:pump-b");
    assertThat(s.resolved()).containsExactly(470L, 2000L);

    // A LEAVE whose L the watermark already passed drops the member at once.
    s.join(2, "pump-c", 2050);
    s.watermark(2, 2300);
    s.leave(2, "pump-c", 2200);
    assertThat(observer.left).containsExactly("1:pump-b", "2:pump-c");
    s.watermark(0, 3000);
    s.heartbeat(2500);
    assertThat(s.resolved()).as("only pump-a and H gate now").containsExactly(2100L, 2500L);
  }

  @Test
  void aRestartedMemberKeepsItsWatermarkAndCancelsItsLeave() {
    MergeHarness s = open();
    s.join(0, "pump-a", 1);
    s.join(1, "pump-b", 1);
    s.watermark(0, 1000);
    s.watermark(1, 100);
    s.leave(1, "pump-b", 150);
    s.join(1, "pump-b", 900);
    s.heartbeat(1000);
    // Still a member, held at its M 100 (not its new J 900), and no longer leaving.
    assertThat(s.resolved()).containsExactly(100L);
    assertThat(observer.members.get(1))
        .isEqualTo(new RecordingObserver.Member("pump-b", 100, false));
    s.watermark(1, 200);
    assertThat(observer.left).isEmpty();
    assertThat(s.resolved()).containsExactly(200L);
  }

  @Test
  void aLateTransactionStopsThePipeline() {
    MergeHarness s = open();
    s.join(0, "pump-a", 1);
    s.watermark(0, 100);
    s.heartbeat(100);
    assertThat(s.resolved()).containsExactly(100L);

    assertThatThrownBy(() -> s.txn(0, 80, 90, payload(90)))
        .satisfies(
            t -> {
              FatalBinlogException fatal = FatalCause.of(t);
              assertThat(fatal.code()).isEqualTo(ErrorCode.ORDERING_VIOLATION);
              assertThat(fatal.getMessage())
                  .contains("commit_ts 90", "start_ts 80", "raw partition 0", "pump-a", "W=100");
            });
  }

  @Test
  void aTransactionIncompleteWhenWPassesItIsAnInvariantBreach() {
    MergeHarness s = open();
    s.join(0, "pump-a", 1);
    byte[] big = payload(3, 2 * MergeHarness.FRAGMENT_BYTES);
    s.send(MergeHarness.fragments(0, 10, 20, big).get(0));
    s.heartbeat(100);
    assertThatThrownBy(() -> s.watermark(0, 50))
        .satisfies(
            t -> {
              FatalBinlogException fatal = FatalCause.of(t);
              assertThat(fatal.code()).isEqualTo(ErrorCode.ORDERING_VIOLATION);
              assertThat(fatal.getMessage()).contains("commit_ts 20", "1 of its 2 fragments");
            });
  }

  @Test
  void twoTransactionsWithOneCommitTsAreAViolation() {
    MergeHarness s = open();
    s.join(0, "pump-a", 1);
    s.txn(0, 10, 20, payload(20));
    s.txn(0, 11, 20, payload(21));
    s.heartbeat(100);
    assertThatThrownBy(() -> s.watermark(0, 50))
        .satisfies(
            t -> {
              FatalBinlogException fatal = FatalCause.of(t);
              assertThat(fatal.code()).isEqualTo(ErrorCode.ORDERING_VIOLATION);
              assertThat(fatal.getMessage()).contains("start_ts 11 commit_ts 20");
            });
  }

  @Test
  void aMalformedFragmentIsRejected() {
    MergeHarness s = open();
    assertThatThrownBy(
            () ->
                s.send(
                    new MergeMessage.TxnFragment(
                        0, 10, 20, 0, 2, MergeHarness.FRAGMENT_BYTES, 1500, new byte[100])))
        .satisfies(t -> assertThat(FatalCause.of(t).code()).isEqualTo(ErrorCode.MALFORMED_INPUT));
  }

  @Test
  void multiFragmentTransactionsAreReassembledByteEqualAndFreedAfterwards() {
    MergeHarness s = openRocksDb();
    s.join(0, "pump-a", 1);
    byte[] large = payload(1, 5 * MergeHarness.FRAGMENT_BYTES + 17);
    byte[] exact = payload(2, 2 * MergeHarness.FRAGMENT_BYTES);
    byte[] empty = new byte[0];
    s.txn(0, 10, 30, large);
    s.txn(0, 11, 20, exact);
    s.txn(0, 12, 40, empty);
    // A fragment sent twice by the same partition is stored once.
    s.send(MergeHarness.fragments(0, 10, 30, large).get(2));
    assertThat(s.entries(MergeStores.BUFFER)).isEqualTo(6 + 2 + 1);
    s.watermark(0, 40);
    s.heartbeat(40);

    List<MergeHarness.Emitted> out = s.emitted();
    assertThat(out).extracting(MergeHarness.Emitted::commitTs).containsExactly(20L, 30L, 40L);
    assertThat(out.get(0).payload()).isEqualTo(exact);
    assertThat(out.get(1).payload()).isEqualTo(large);
    assertThat(out.get(2).payload()).isEmpty();
    assertThat(s.seenPayloads().get(1).fragmentCount()).isEqualTo(6);
    assertThatThrownBy(() -> s.seenPayloads().get(1).fragment(0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("after stage 2 handed it on");
    assertThat(s.entries(MergeStores.BUFFER)).isZero();
    assertThat(s.entries(MergeStores.TXNS)).isZero();
    assertThat(s.entries(MergeStores.EMITTED)).isEqualTo(3);
  }

  @Test
  void aRestartContinuesWithoutReEmitting() {
    DurableStores stores = new DurableStores();
    MergeHarness s = openDurable(stores);
    s.join(0, "pump-a", 1);
    s.join(1, "pump-b", 1);
    s.txn(0, 10, 20, payload(20));
    s.txn(1, 11, 30, payload(30));
    s.txn(0, 12, 40, payload(40));
    byte[] big = payload(9, 3 * MergeHarness.FRAGMENT_BYTES);
    List<MergeMessage.TxnFragment> bigParts = MergeHarness.fragments(1, 45, 50, big);
    s.send(bigParts.get(0));
    s.watermark(0, 45);
    s.watermark(1, 35);
    s.heartbeat(100);
    s.leave(0, "pump-a", 60);
    assertThat(s.emittedCommits()).containsExactly(20L, 30L);
    assertThat(s.resolved()).containsExactly(35L);

    s.restart();
    assertThat(observer.resolvedTs).isEqualTo(35);
    assertThat(observer.buffered).isEqualTo(2);
    // W, H, members, M, the pending leave and the half-sent transaction all survived.
    s.txn(1, 11, 30, payload(30));
    assertThat(observer.duplicates).containsExactly("11@30");
    s.send(bigParts.get(1));
    s.send(bigParts.get(2));
    s.watermark(1, 55);
    assertThat(s.emittedCommits()).containsExactly(40L);
    assertThat(s.resolved()).containsExactly(45L);

    s.restart();
    s.txn(0, 52, 58, payload(58));
    s.watermark(0, 60);
    assertThat(observer.left).containsExactly("0:pump-a");
    List<MergeHarness.Emitted> out = s.emitted();
    assertThat(out).extracting(MergeHarness.Emitted::commitTs).containsExactly(50L);
    assertThat(out.get(0).payload()).isEqualTo(big);
    assertThat(s.resolved()).containsExactly(55L);
    s.watermark(1, 90);
    assertThat(s.emittedCommits()).containsExactly(58L);
    assertThat(s.resolved()).containsExactly(90L);
  }
}
