package io.kafkabinlog.ordering.pairing;

import static io.kafkabinlog.ordering.pairing.RawTestRecords.chunks;
import static io.kafkabinlog.ordering.pairing.RawTestRecords.commit;
import static io.kafkabinlog.ordering.pairing.RawTestRecords.prewrite;
import static io.kafkabinlog.ordering.pairing.RawTestRecords.prewriteBytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.common.kafka.TopicNames;
import io.kafkabinlog.ordering.merge.MergeMessage;
import io.kafkabinlog.ordering.merge.MergeMessage.PumpWatermark;
import io.kafkabinlog.ordering.merge.MergeMessage.TxnFragment;
import io.kafkabinlog.ordering.topology.TopologySettings;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.raw.BinlogHeader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task stops half way through a chunk group and with a prewrite pending; a new processor instance
 * over the same (persistent, reopened) stores completes both. The TopologyTestDriver wipes its
 * state directory on close, so this runs the processor on a {@link MockProcessorContext} instead.
 */
class PairingRestartTest {
  private static final int PARTITION = 3;
  private static final int FRAGMENT = 1024;

  @TempDir Path stateDir;

  private final RecordingObserver observer = new RecordingObserver();
  private final TopologySettings settings =
      TopologySettings.defaults(new TopicNames("test", "c1"), 1)
          .withFragmentBytes(FRAGMENT)
          .withWatermarkInterval(Duration.ZERO);
  private final List<StateStore> stores = new ArrayList<>();
  private MockProcessorContext<Integer, MergeMessage> context;
  private Processor<byte[], byte[], Integer, MergeMessage> processor;
  private long offset;

  @AfterEach
  void closeStores() {
    stores.forEach(StateStore::close);
  }

  @Test
  void openChunkGroupAndPendingPrewriteSurviveARestart() {
    start();
    final byte[] small = prewriteBytes(100, 2500);
    final byte[] big = prewriteBytes(200, 9000);
    // Chunks of 2500 bytes: each ends inside a fragment, so a partial fragment is stored too.
    final List<TestRecord<byte[], byte[]>> group =
        chunks(new BinlogHeader(BinlogType.Prewrite, 200, 0), big, 2500, UUID.randomUUID());
    assertThat(group).hasSize(4);
    pipe(prewrite(100, small));
    pipe(group.get(0));
    pipe(group.get(1));
    assertThat(context.forwarded()).isEmpty();

    stop();
    start();

    assertThat(observer.pending).last().isEqualTo(PARTITION + ":1@100");
    pipe(group.get(2));
    pipe(group.get(3));
    assertThat(observer.pending).last().isEqualTo(PARTITION + ":2@100");
    pipe(commit(200, 300));
    pipe(commit(100, 310));

    final List<MergeMessage> out = forwarded();
    final int bigCount = (big.length + FRAGMENT - 1) / FRAGMENT;
    final int smallCount = (small.length + FRAGMENT - 1) / FRAGMENT;
    assertThat(out).hasSize(bigCount + smallCount + 2);
    assertThat(PairingStageTest.concat(out.subList(0, bigCount))).isEqualTo(big);
    assertThat(((TxnFragment) out.get(0)).commitTs()).isEqualTo(300);
    assertThat(((TxnFragment) out.get(0)).partition()).isEqualTo(PARTITION);
    // 100 is still pending after the first commit: M_p = min(300, 100).
    assertThat(out.get(bigCount)).isEqualTo(new PumpWatermark(PARTITION, 100));
    assertThat(PairingStageTest.concat(out.subList(bigCount + 1, bigCount + 1 + smallCount)))
        .isEqualTo(small);
    assertThat(out.get(out.size() - 1)).isEqualTo(new PumpWatermark(PARTITION, 310));
    assertThat(observer.chunkProblems).isEmpty();
  }

  @Test
  void watermarkStateSurvivesARestart() {
    start();
    pipe(RawTestRecords.fake(500));
    assertThat(forwarded()).containsExactly(new PumpWatermark(PARTITION, 500));

    stop();
    start();

    // maxTs and the last sent watermark came back: nothing lower or equal is sent again.
    pipe(RawTestRecords.fake(400));
    pipe(RawTestRecords.fake(500));
    assertThat(forwarded()).isEmpty();
    pipe(RawTestRecords.fake(600));
    assertThat(forwarded()).containsExactly(new PumpWatermark(PARTITION, 600));
  }

  private void start() {
    final Properties props = PairingTestDriver.properties(stateDir);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "stage1-restart-test");
    context = new MockProcessorContext<>(props, new TaskId(0, PARTITION), stateDir.toFile());
    context.setCurrentSystemTimeMs(PairingTestDriver.START.toEpochMilli());
    for (final StoreBuilder<?> builder : new PairingStage(settings, observer).storeBuilders()) {
      final StateStore store = builder.withLoggingDisabled().withCachingDisabled().build();
      store.init(context.getStateStoreContext(), store);
      context.addStateStore(store);
      stores.add(store);
    }
    processor = new PairingStage(settings, observer).supplier().get();
    processor.init(context);
  }

  private void stop() {
    processor.close();
    stores.forEach(StateStore::close);
    stores.clear();
  }

  private void pipe(final TestRecord<byte[], byte[]> record) {
    context.setRecordMetadata(settings.rawTopic(), PARTITION, offset++);
    processor.process(new Record<>(record.key(), record.value(), 0L, record.headers()));
  }

  private List<MergeMessage> forwarded() {
    final List<MergeMessage> out = new ArrayList<>();
    context.forwarded().forEach(f -> out.add(f.record().value()));
    context.resetForwards();
    return out;
  }
}
