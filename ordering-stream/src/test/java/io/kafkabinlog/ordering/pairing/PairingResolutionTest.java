package io.kafkabinlog.ordering.pairing;

import static io.kafkabinlog.ordering.pairing.RawTestRecords.fake;
import static io.kafkabinlog.ordering.pairing.RawTestRecords.prewrite;
import static io.kafkabinlog.ordering.pairing.RawTestRecords.prewriteBytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.common.tso.Tso;
import io.kafkabinlog.common.txnstatus.TxnStatus;
import io.kafkabinlog.ordering.merge.MergeMessage;
import io.kafkabinlog.ordering.merge.MergeMessage.PumpWatermark;
import io.kafkabinlog.ordering.merge.MergeMessage.TxnFragment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end in the test driver: a prewrite whose commit never comes is found in stage 1's pending
 * store, resolved, written by the real {@link KafkaResolutionWriter} (to a mock producer whose
 * records are piped into the resolutions topic), and stage 1 then emits the transaction.
 */
class PairingResolutionTest {
  @TempDir Path stateDir;

  private final RecordingObserver observer = new RecordingObserver();
  private PairingTestDriver stage;

  @AfterEach
  void close() {
    if (stage != null) {
      stage.close();
    }
  }

  @Test
  void pendingPrewriteIsResolvedThroughTheResolutionsTopic() {
    stage = new PairingTestDriver(stateDir, 1024, Duration.ZERO, observer);
    final long nowMillis = PairingTestDriver.START.toEpochMilli();
    final long old = Tso.compose(nowMillis - 60_000, 1);
    final long recent = Tso.compose(nowMillis - 1_000, 1);
    final long fake = Tso.compose(nowMillis - 500, 0);
    final long commitTs = Tso.compose(nowMillis - 59_000, 0);
    final byte[] payload = prewriteBytes(old, 3000);
    stage.raw.pipeInput(prewrite(old, payload));
    stage.raw.pipeInput(prewrite(recent, prewriteBytes(recent, 10)));
    stage.raw.pipeInput(fake(fake));
    assertThat(stage.read()).containsExactly(new PumpWatermark(0, old));

    final MockProducer<byte[], byte[]> producer =
        new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    final List<String> asked = new ArrayList<>();
    final PendingPrewriteResolver resolver =
        new PendingPrewriteResolver(
            (maxStartTs, limit) ->
                StreamsPendingView.oldest(
                    stage.store(PairingStage.PENDING_STORE), maxStartTs, limit),
            (startTs, primaryKey) -> {
              asked.add(startTs + ":" + new String(primaryKey, StandardCharsets.UTF_8));
              return new TxnStatus.Committed(commitTs);
            },
            new KafkaResolutionWriter(
                producer, stage.settings.resolutionsTopic(), Duration.ofSeconds(5)),
            Duration.ofSeconds(10),
            observer,
            Clock.fixed(PairingTestDriver.START, ZoneOffset.UTC));

    assertThat(resolver.resolveDue()).isEqualTo(1);
    // Only the old one is due; the resolver got the primary key stage 1 read from the payload.
    assertThat(asked).containsExactly(old + ":pk-" + old);
    assertThat(producer.history()).hasSize(1);
    final ProducerRecord<byte[], byte[]> written = producer.history().get(0);
    assertThat(written.topic()).isEqualTo(stage.settings.resolutionsTopic());
    assertThat(written.partition()).isZero();
    stage.resolutions.pipeInput(
        new TestRecord<>(written.key(), written.value(), written.headers(), (Long) null));

    final List<MergeMessage> out = stage.read();
    final int count = (payload.length + 1023) / 1024;
    assertThat(out).hasSize(count + 1);
    assertThat(((TxnFragment) out.get(0)).commitTs()).isEqualTo(commitTs);
    assertThat(PairingStageTest.concat(out.subList(0, count))).isEqualTo(payload);
    // Now the recent prewrite holds M_p.
    assertThat(out.get(count)).isEqualTo(new PumpWatermark(0, recent));
    assertThat(observer.resolutions).containsExactly("0:" + old + "->" + commitTs);

    // A second pass writes the same resolution only if it is still pending: it is not.
    assertThat(resolver.resolveDue()).isZero();
  }
}
