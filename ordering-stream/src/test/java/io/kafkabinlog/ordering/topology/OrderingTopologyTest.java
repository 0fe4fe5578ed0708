package io.kafkabinlog.ordering.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.tso.Tso;
import io.kafkabinlog.common.txnstatus.TxnStatus;
import io.kafkabinlog.ordering.observe.OrderingObserver;
import io.kafkabinlog.ordering.pairing.PendingPrewrite;
import io.kafkabinlog.ordering.pairing.PendingPrewriteResolver;
import io.kafkabinlog.ordering.topology.OrderingDriver.TxnRecord;
import io.kafkabinlog.schemas.avro.ColumnValues;
import io.kafkabinlog.schemas.binlog.Binlogs;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.tidbsim.catalog.ColumnSpec;
import io.kafkabinlog.tidbsim.catalog.DdlStatement;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenarios of the whole topology (stages 1, 2 and 3, one stage 1 driver per pump) read back from
 * the txn and rows topics: the acceptance list of the ordering stream. Timestamps are TSOs 100 ms
 * apart ({@link #ts}), so stage 3 never coalesces a resolved-ts marker and the markers show every
 * value W took.
 */
class OrderingTopologyTest {
  @TempDir Path dir;

  private final Recorder observer = new Recorder();
  private TestUpstream upstream;
  private OrderingDriver driver;

  @BeforeEach
  void upstream() {
    upstream = new TestUpstream(dir.resolve("catalog"), 1000L << 18);
  }

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
    upstream.close();
  }

  private OrderingDriver start() throws Exception {
    return start(s -> s);
  }

  private OrderingDriver start(final UnaryOperator<TopologySettings> tune) throws Exception {
    driver = new OrderingDriver(upstream, dir.resolve("state"), observer, tune);
    return driver;
  }

  /** The n-th timestamp of a scenario: physical time 10 s + n * 100 ms. */
  private static long ts(final int n) {
    return Tso.compose(10_000 + 100L * n, 0);
  }

  private static List<Long> tsos(final int... n) {
    final List<Long> out = new ArrayList<>();
    for (int i : n) {
      out.add(ts(i));
    }
    return out;
  }

  /** Prewrite of row {@code id} on {@code pump} at ts(start) (value "v<id>"). */
  private void prewrite(final int pump, final int start, final long id) {
    driver.prewrite(pump, upstream.insert(ts(start), id));
  }

  private void commit(final int pump, final int start, final int commit) {
    driver.commit(pump, ts(start), ts(commit));
  }

  private void fake(final int pump, final int n) {
    driver.fake(pump, ts(n));
  }

  // ------------------------------------------------------------------ 1. interleaved pumps

  @Test
  void interleavedPumpsAreMergedInCommitOrderAndNothingPassesTheLowestWatermark() throws Exception {
    start();
    driver.join(0, ts(1));
    driver.join(1, ts(2));
    driver.heartbeat(0, ts(30));
    prewrite(0, 10, 1);
    prewrite(1, 11, 2);
    prewrite(0, 12, 3);
    commit(1, 11, 13);
    // Pump 0 sent no watermark yet: it holds W at its J although pump 1 has 13.
    assertThat(driver.committed()).isEmpty();
    assertThat(driver.markers()).allMatch(m -> m <= ts(1));

    commit(0, 10, 14); // M0 = 12 (prewrite 12 pending), M1 = 13
    assertThat(driver.committed()).isEmpty();
    assertThat(driver.markers()).allMatch(m -> m <= ts(12));

    prewrite(1, 15, 4);
    commit(0, 12, 16); // M0 = 16, M1 = 13 (prewrite 15 pending)
    assertThat(driver.committed()).isEqualTo(tsos(13));
    commit(1, 15, 17); // M1 = 17
    fake(1, 20); // pump 1 is ahead: M1 = 20, M0 = 16
    assertThat(driver.committed()).isEqualTo(tsos(13, 14, 16));
    assertThat(driver.markers()).allMatch(m -> m <= ts(16)).last().isEqualTo(ts(16));

    fake(0, 18); // the last pump's fake: M0 = 18
    assertThat(driver.committed()).isEqualTo(tsos(13, 14, 16, 17));
    assertThat(driver.markers()).isSorted().last().isEqualTo(ts(18));
    assertThat(insertedIds(ts(13), ts(14), ts(16), ts(17))).containsExactly(2L, 1L, 3L, 4L);
    assertThat(startTsOf(ts(13), ts(14), ts(16), ts(17))).isEqualTo(tsos(11, 10, 12, 15));
  }

  // ------------------------------------------------------------------ 2. duplicates

  @Test
  void aTransactionPrewrittenOnTwoPumpsIsPublishedOnce() throws Exception {
    start();
    driver.join(0, ts(1));
    driver.join(1, ts(2));
    driver.heartbeat(0, ts(40));
    // TiDB's call to pump 0 timed out after the prewrite landed; it retried on pump 1, where the
    // commit went. Pump 0's copy is settled by the resolver.
    prewrite(0, 10, 1);
    prewrite(1, 10, 1);
    commit(1, 10, 12);
    prewrite(1, 13, 2);
    commit(1, 13, 14);
    fake(1, 15);
    fake(0, 16);
    assertThat(driver.committed()).isEmpty(); // pump 0's copy holds M0 at 10
    assertThat(driver.markers()).last().isEqualTo(ts(10));

    driver.resolution(0, Binlogs.commit(ts(10), ts(12)));
    assertThat(driver.committed()).isEqualTo(tsos(12, 14));
    assertThat(driver.transactions().stream().filter(t -> t.commitTs() == ts(12))).hasSize(1);
    assertThat(insertedIds(ts(12))).containsExactly(1L);
    // Both copies reached stage 2: the second was dropped there, not lost on the way.
    assertThat(observer.duplicates).containsExactly(ts(10) + "/" + ts(12));
  }

  // ------------------------------------------------------------------ 3. rollbacks, fakes

  @Test
  void rolledBackAndFakeBinlogsAreNeverPublished() throws Exception {
    start();
    driver.join(0, ts(1));
    driver.heartbeat(0, ts(50));
    prewrite(0, 10, 1);
    prewrite(0, 11, 2);
    driver.rollback(0, ts(10));
    commit(0, 11, 13);
    fake(0, 14);
    prewrite(0, 15, 3);
    driver.rollback(0, ts(15));
    fake(0, 16);
    prewrite(0, 17, 4); // TiDB gave up on it; the resolver finds it rolled back
    fake(0, 18);
    assertThat(driver.committed()).isEqualTo(tsos(13));
    assertThat(driver.markers()).last().isEqualTo(ts(17));

    driver.resolution(0, Binlogs.rollback(ts(17)));
    prewrite(0, 19, 5);
    commit(0, 19, 20);
    fake(0, 21);

    assertThat(driver.committed()).isEqualTo(tsos(13, 20));
    assertThat(driver.transactions()).map(TxnRecord::startTs).isEqualTo(tsos(11, 19));
    assertThat(insertedIds(ts(13), ts(20))).containsExactly(2L, 5L);
    assertThat(driver.rows()).map(r -> (Long) r.get("commit_ts")).isEqualTo(tsos(13, 20));
    // W passed every rolled-back and fake ts: they were dropped, not still waiting.
    assertThat(driver.markers()).last().isEqualTo(ts(21));
    assertThat(observer.rolledBack).isEqualTo(tsos(10, 15, 17));
  }

  // ------------------------------------------------------------------ 4. late resolution

  @Test
  void aPendingPrewriteHoldsWUntilItsResolutionCommitArrives() throws Exception {
    start();
    driver.join(0, ts(1));
    driver.join(1, ts(2));
    driver.heartbeat(0, ts(50));
    prewrite(1, 5, 10);
    commit(1, 5, 7);
    // TiDB committed start_ts 10 at 13, but the commit binlog never reached pump 0.
    prewrite(0, 10, 1);
    prewrite(1, 11, 2);
    commit(1, 11, 12);
    prewrite(1, 14, 3);
    commit(1, 14, 15);
    fake(1, 16);
    fake(0, 17);
    prewrite(0, 18, 4);
    commit(0, 18, 19);
    fake(0, 20);

    assertThat(driver.committed()).isEqualTo(tsos(7));
    assertThat(driver.markers()).allMatch(m -> m <= ts(10)).last().isEqualTo(ts(10));
    assertThat(driver.pendingView().pendingUpTo(Long.MAX_VALUE, 10))
        .extracting(PendingPrewrite::partition, PendingPrewrite::startTs)
        .containsExactly(tuple(0, ts(10)));

    driver.resolution(0, Binlogs.commit(ts(10), ts(13)));
    assertThat(driver.committed()).isEqualTo(tsos(7, 12, 13, 15));
    fake(1, 21);
    assertThat(driver.committed()).isEqualTo(tsos(7, 12, 13, 15, 19));
    assertThat(insertedIds(ts(7), ts(12), ts(13), ts(15), ts(19)))
        .containsExactly(10L, 2L, 1L, 3L, 4L);
    assertThat(driver.markers()).isSorted().last().isEqualTo(ts(20));
  }

  @Test
  void theResolverSettlesPendingPrewritesThroughTheResolutionsTopic() throws Exception {
    start();
    driver.join(0, ts(1));
    driver.join(1, ts(2));
    driver.heartbeat(0, ts(50));
    prewrite(1, 5, 10);
    commit(1, 5, 7);
    prewrite(1, 9, 9); // TiDB died before committing it: rolled back
    prewrite(0, 10, 1); // committed at 13, its commit binlog lost
    prewrite(1, 11, 2);
    commit(1, 11, 12);
    prewrite(1, 14, 3);
    commit(1, 14, 15);
    fake(1, 16);
    fake(0, 17);
    assertThat(driver.committed()).isEqualTo(tsos(7));
    assertThat(driver.markers()).allMatch(m -> m <= ts(9));
    assertThat(driver.pendingView().pendingUpTo(Long.MAX_VALUE, 10))
        .extracting(PendingPrewrite::partition, PendingPrewrite::startTs)
        .containsExactly(tuple(1, ts(9)), tuple(0, ts(10)));

    final List<String> asked = new ArrayList<>();
    final PendingPrewriteResolver resolver =
        new PendingPrewriteResolver(
            driver.pendingView(),
            (startTs, primaryKey) -> {
              asked.add(startTs + ":" + new String(primaryKey, StandardCharsets.US_ASCII));
              return startTs == ts(10)
                  ? new TxnStatus.Committed(ts(13))
                  : new TxnStatus.RolledBack();
            },
            driver.resolutionWriter(),
            Duration.ofSeconds(10),
            observer,
            Clock.fixed(Instant.ofEpochMilli(Tso.physicalMillis(ts(17)) + 60_000), ZoneOffset.UTC));

    assertThat(resolver.resolveDue()).isEqualTo(2);
    // Oldest first, each with the primary key stage 1 read from its prewrite.
    assertThat(asked).containsExactly(ts(9) + ":9", ts(10) + ":1");
    assertThat(observer.resolutions).containsExactly(ts(9) + "->0", ts(10) + "->" + ts(13));
    assertThat(driver.committed()).isEqualTo(tsos(7, 12, 13, 15));
    assertThat(insertedIds(ts(13))).containsExactly(1L);
    assertThat(driver.transactions()).map(TxnRecord::startTs).doesNotContain(ts(9));
    assertThat(driver.markers()).last().isEqualTo(ts(16));
    assertThat(driver.pendingView().pendingUpTo(Long.MAX_VALUE, 10)).isEmpty();
    assertThat(resolver.resolveDue()).isZero();
  }

  // ------------------------------------------------------------------ 5. a pump joins

  @Test
  void aNewPumpWhoseJoinIsReadAfterItsDataIsHeldBackByTheHeartbeats() throws Exception {
    start();
    driver.autoDeliver(false);
    driver.join(0, ts(1));
    prewrite(0, 3, 1);
    commit(0, 3, 5);
    fake(0, 6);
    driver.deliver(Integer.MAX_VALUE);
    driver.heartbeat(0, ts(7));
    assertThat(driver.committed()).isEqualTo(tsos(5));

    // Pump 1 wrote JOIN(13) and went online; stage 2 reads its data before the JOIN.
    prewrite(0, 10, 2);
    commit(0, 10, 12);
    prewrite(1, 15, 3);
    commit(1, 15, 17);
    fake(1, 20);
    prewrite(0, 16, 4);
    commit(0, 16, 18);
    fake(0, 19);
    driver.deliver(Integer.MAX_VALUE);
    // Every heartbeat read so far is older than pump 1's J: W stays below all its commits.
    assertThat(driver.committed()).isEqualTo(tsos(5));
    assertThat(driver.markers()).allMatch(m -> m < ts(13)).last().isEqualTo(ts(7));

    driver.join(1, ts(13));
    assertThat(driver.committed()).isEqualTo(tsos(5));
    driver.heartbeat(0, ts(14));
    assertThat(driver.committed()).isEqualTo(tsos(5, 12));
    driver.heartbeat(1, ts(21));
    assertThat(driver.committed()).isEqualTo(tsos(5, 12, 17, 18));
    assertThat(insertedIds(ts(5), ts(12), ts(17), ts(18))).containsExactly(1L, 2L, 3L, 4L);
    assertThat(driver.markers()).isSorted().last().isEqualTo(ts(19));
  }

  @Test
  void aNewPumpWhoseJoinIsReadFirstHoldsWAtItsJoinTsUntilItsFirstWatermark() throws Exception {
    start();
    driver.autoDeliver(false);
    driver.join(0, ts(1));
    prewrite(0, 3, 1);
    commit(0, 3, 5);
    fake(0, 6);
    driver.deliver(Integer.MAX_VALUE);
    driver.heartbeat(0, ts(7));
    assertThat(driver.committed()).isEqualTo(tsos(5));

    driver.join(1, ts(13));
    driver.heartbeat(0, ts(14));
    driver.heartbeat(1, ts(21));
    prewrite(0, 10, 2);
    commit(0, 10, 12);
    prewrite(0, 16, 4);
    commit(0, 16, 18);
    fake(0, 19);
    driver.deliver(Integer.MAX_VALUE);
    // Pump 1 sent nothing yet: J = 13 stands in for its watermark.
    assertThat(driver.committed()).isEqualTo(tsos(5, 12));
    assertThat(driver.markers()).allMatch(m -> m <= ts(13)).last().isEqualTo(ts(13));

    prewrite(1, 15, 3);
    assertThat(driver.queued()).isZero(); // pending: no fragment, no watermark yet
    commit(1, 15, 17);
    assertThat(driver.queued()).isEqualTo(2); // the fragment, then M1 = 17
    driver.deliver(1);
    assertThat(driver.committed()).isEqualTo(tsos(5, 12));
    assertThat(driver.markers()).last().isEqualTo(ts(13));
    driver.deliver(1);
    assertThat(driver.committed()).isEqualTo(tsos(5, 12, 17));
    fake(1, 20);
    driver.deliver(Integer.MAX_VALUE);
    assertThat(driver.committed()).isEqualTo(tsos(5, 12, 17, 18));
    assertThat(insertedIds(ts(5), ts(12), ts(17), ts(18))).containsExactly(1L, 2L, 3L, 4L);
    assertThat(driver.markers()).isSorted().last().isEqualTo(ts(19));
  }

  // ------------------------------------------------------------------ 6. a pump leaves

  @Test
  void aLeavingPumpIsDroppedAfterItsFinalFakeAndTheOthersCarryOn() throws Exception {
    start();
    driver.autoDeliver(false);
    driver.join(0, ts(1));
    driver.join(1, ts(2));
    driver.heartbeat(0, ts(19));
    prewrite(1, 10, 1);
    commit(1, 10, 12);
    prewrite(1, 13, 2);
    commit(1, 13, 15);
    prewrite(0, 11, 3);
    commit(0, 11, 14);
    fake(0, 17);
    driver.deliver(Integer.MAX_VALUE);
    assertThat(driver.committed()).isEqualTo(tsos(12, 14, 15));

    // Pump 1 closes: final fake L = 16 in its partition, then LEAVE(16). Stage 2 reads the LEAVE,
    // and pump 0's next messages, before pump 1's M1 = 16 (the merge topic is behind).
    prewrite(0, 18, 4);
    commit(0, 18, 20);
    fake(0, 21);
    fake(1, 16);
    driver.leave(1, ts(16));
    driver.heartbeat(0, ts(22));
    assertThat(driver.queued()).isEqualTo(4); // pump 0: fragment, M0 = 20, M0 = 21; M1 = 16
    driver.deliver(3);
    assertThat(driver.committed()).isEqualTo(tsos(12, 14, 15));
    assertThat(observer.left).isEmpty();
    assertThat(driver.markers()).last().isEqualTo(ts(15));

    driver.deliver(Integer.MAX_VALUE); // M1 = 16 >= L: pump 1 leaves
    assertThat(observer.left).containsExactly(1);
    assertThat(driver.committed()).isEqualTo(tsos(12, 14, 15, 20));
    assertThat(driver.markers()).last().isEqualTo(ts(21));

    // Afterwards W follows pump 0 alone.
    prewrite(0, 23, 5);
    commit(0, 23, 24);
    fake(0, 25);
    driver.heartbeat(0, ts(26));
    driver.deliver(Integer.MAX_VALUE);
    assertThat(driver.committed()).isEqualTo(tsos(12, 14, 15, 20, 24));
    assertThat(driver.markers()).isSorted().last().isEqualTo(ts(25));
    assertThat(insertedIds(ts(12), ts(14), ts(15), ts(20), ts(24)))
        .containsExactly(1L, 3L, 2L, 4L, 5L);
  }

  // ------------------------------------------------------------------ 7. chunks

  @Test
  void aPrewriteSentInChunksIsPublishedWithAllItsRows() throws Exception {
    start(s -> s.withFragmentBytes(1024));
    driver.join(0, ts(1));
    driver.join(1, ts(2));
    driver.heartbeat(0, ts(50));
    final Binlog large = upstream.insertRows(ts(10), 1, 1000);
    final int chunkBytes = 1000;
    assertThat(large.getSerializedSize()).isGreaterThan(10 * chunkBytes);
    driver.chunked(0, large, chunkBytes);
    prewrite(1, 11, 1000);
    commit(1, 11, 12);
    fake(1, 13);
    commit(0, 10, 14);
    fake(0, 15);
    fake(1, 16);

    assertThat(driver.committed()).isEqualTo(tsos(12, 14));
    assertThat(insertedIds(ts(14))).isEqualTo(LongStream.rangeClosed(1, 1000).boxed().toList());
    assertThat(afterImages(driver.transactionValues(), ts(14)))
        .allSatisfy(row -> assertThat(row.get("v")).isEqualTo("v" + row.get("id")));
    assertThat(afterImages(driver.rows(), ts(14))).hasSize(1000);
    assertThat(observer.chunkProblems).isEmpty();
  }

  // ------------------------------------------------------------------ 8. DDL

  @Test
  void addColumnMidStreamDecodesLaterRowsWithTheNewColumn() throws Exception {
    start();
    driver.join(0, ts(1));
    driver.heartbeat(0, ts(50));
    driver.prewrite(0, upstream.insert(ts(10), row("id", 1L, "v", "a")));
    commit(0, 10, 11);
    fake(0, 12);
    assertThat(driver.committed()).isEqualTo(tsos(11));

    final int[] next = {13};
    final List<TestUpstream.DdlTxn> ddl =
        upstream.ddl(
            new DdlStatement.AddColumn("p", "t", ColumnSpec.integer("w").defaultValue("7")),
            () -> ts(next[0]++));
    assertThat(ddl).hasSize(1);
    driver.prewrite(0, ddl.get(0).prewrite());
    driver.commit(0, ddl.get(0).startTs(), ddl.get(0).commitTs());
    driver.prewrite(0, upstream.insert(ts(15), row("id", 2L, "v", "b", "w", 42L)));
    commit(0, 15, 16);
    driver.prewrite(
        0,
        upstream.update(
            ts(17), row("id", 1L, "v", "a", "w", 7L), row("id", 1L, "v", "c", "w", 8L)));
    commit(0, 17, 18);
    driver.prewrite(0, upstream.delete(ts(19), row("id", 2L, "v", "b", "w", 42L)));
    commit(0, 19, 20);
    fake(0, 21);

    assertThat(driver.committed()).isEqualTo(tsos(11, 14, 16, 18, 20));
    assertThat(driver.transactions())
        .map(TxnRecord::ddl)
        .containsExactly(false, true, false, false, false);
    final GenericRecord addColumn = record(driver.transactionValues(), ts(14));
    assertThat(((GenericRecord) addColumn.get("ddl")).get("query").toString())
        .containsIgnoringCase("add column");
    assertThat(afterImages(driver.transactionValues(), ts(11)))
        .containsExactly(row("id", 1L, "v", "a"));
    assertThat(afterImages(driver.transactionValues(), ts(16)))
        .containsExactly(row("id", 2L, "v", "b", "w", 42L));
    final GenericRecord update = rowsOf(record(driver.transactionValues(), ts(18))).get(0);
    assertThat(update.get("type").toString()).isEqualTo("UPDATE");
    assertThat(image(update, "before")).isEqualTo(row("id", 1L, "v", "a", "w", 7L));
    assertThat(image(update, "after")).isEqualTo(row("id", 1L, "v", "c", "w", 8L));
    final GenericRecord delete = rowsOf(record(driver.transactionValues(), ts(20))).get(0);
    assertThat(delete.get("type").toString()).isEqualTo("DELETE");
    assertThat(image(delete, "before")).isEqualTo(row("id", 2L, "v", "b", "w", 42L));
    assertThat(delete.get("after")).isNull();
    // The rows topic carries the same rows, decoded the same.
    assertThat(afterImages(driver.rows(), ts(16)))
        .containsExactly(row("id", 2L, "v", "b", "w", 42L));
    assertThat(afterImages(driver.rows(), ts(18)))
        .containsExactly(row("id", 1L, "v", "c", "w", 8L));
  }

  // ------------------------------------------------------------------ 9. a late transaction

  @Test
  void aCommitBelowAnAlreadyPublishedWatermarkStopsThePipeline() throws Exception {
    start();
    driver.join(0, ts(1));
    driver.join(1, ts(2));
    driver.heartbeat(0, ts(50));
    prewrite(0, 10, 1);
    commit(0, 10, 12);
    fake(0, 14);
    fake(1, 15);
    assertThat(driver.committed()).isEqualTo(tsos(12));
    assertThat(driver.markers()).last().isEqualTo(ts(14));

    // Protocol broken: pump 1 took a prewrite below its fake 15, committed below W = 14.
    prewrite(1, 11, 2);
    final Throwable thrown = catchThrowable(() -> commit(1, 11, 13));

    final FatalBinlogException fatal = fatalIn(thrown);
    assertThat(fatal.code()).isEqualTo(ErrorCode.ORDERING_VIOLATION);
    assertThat(fatal.getMessage())
        .contains("late transaction", "commit_ts " + ts(13), "start_ts " + ts(11), "W=" + ts(14));
    assertThat(driver.committed()).isEqualTo(tsos(12));
  }

  // ------------------------------------------------------------------ reading the outputs

  private static Map<String, Object> row(final Object... namesAndValues) {
    final Map<String, Object> row = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      row.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return row;
  }

  /** The ids inserted by the given transactions, in publication order. */
  private List<Long> insertedIds(final long... commitTs) {
    final List<Long> ids = new ArrayList<>();
    for (long c : commitTs) {
      afterImages(driver.transactionValues(), c).forEach(row -> ids.add((Long) row.get("id")));
    }
    return ids;
  }

  private List<Long> startTsOf(final long... commitTs) {
    final List<Long> out = new ArrayList<>();
    for (long c : commitTs) {
      out.add((Long) record(driver.transactionValues(), c).get("start_ts"));
    }
    return out;
  }

  /** The only (or first) record of the transaction with {@code commitTs}. */
  private static GenericRecord record(final List<GenericRecord> records, final long commitTs) {
    return records.stream()
        .filter(r -> (Long) r.get("commit_ts") == commitTs)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no record with commit_ts " + commitTs));
  }

  /** The after images of every row of the transaction {@code commitTs}, over all its records. */
  private static List<Map<String, Object>> afterImages(
      final List<GenericRecord> records, final long commitTs) {
    final List<Map<String, Object>> out = new ArrayList<>();
    records.stream()
        .filter(r -> (Long) r.get("commit_ts") == commitTs)
        .forEach(r -> rowsOf(r).forEach(change -> out.add(image(change, "after"))));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static List<GenericRecord> rowsOf(final GenericRecord transaction) {
    return (List<GenericRecord>) transaction.get("rows");
  }

  private static Map<String, Object> image(final GenericRecord change, final String which) {
    final Object columns = change.get(which);
    if (columns == null) {
      return Collections.emptyMap();
    }
    final Map<String, Object> out = new LinkedHashMap<>();
    for (Object o : (List<?>) columns) {
      final GenericRecord column = (GenericRecord) o;
      out.put(column.get("name").toString(), ColumnValues.javaValue(column));
    }
    return out;
  }

  private static FatalBinlogException fatalIn(final Throwable thrown) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof FatalBinlogException fatal) {
        return fatal;
      }
    }
    throw new AssertionError("no FatalBinlogException in the chain of " + thrown, thrown);
  }

  /** What the stages report that the outputs do not show. */
  private static final class Recorder implements OrderingObserver {
    final List<String> duplicates = new ArrayList<>();
    final List<Long> rolledBack = new ArrayList<>();
    final List<Integer> left = new ArrayList<>();
    final List<String> resolutions = new ArrayList<>();
    final List<String> chunkProblems = new ArrayList<>();

    @Override
    public void duplicate(final long startTs, final long commitTs) {
      duplicates.add(startTs + "/" + commitTs);
    }

    @Override
    public void rolledBack(final int partition, final long startTs) {
      rolledBack.add(startTs);
    }

    @Override
    public void memberLeft(final int partition, final String nodeId) {
      left.add(partition);
    }

    @Override
    public void resolution(final int partition, final long startTs, final long commitTs) {
      resolutions.add(startTs + "->" + commitTs);
    }

    @Override
    public void chunkProblem(final int partition, final String reason) {
      chunkProblems.add(reason);
    }
  }
}
