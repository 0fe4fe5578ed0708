package io.kafkabinlog.binlogctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kafkabinlog.common.kafka.TopicNames;
import io.kafkabinlog.common.pd.PdTimestampOracle;
import io.kafkabinlog.common.registry.EtcdNodeRegistry;
import io.kafkabinlog.common.registry.NodeKind;
import io.kafkabinlog.common.registry.NodeState;
import io.kafkabinlog.common.registry.RegisteredNode;
import io.kafkabinlog.common.registry.RegistryKeys;
import io.kafkabinlog.common.tso.TimestampOracle;
import io.kafkabinlog.pump.membership.PartitionBinding;
import io.kafkabinlog.schemas.binlog.Binlogs;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.control.PumpControl;
import io.kafkabinlog.schemas.raw.BinlogHeader;
import io.kafkabinlog.schemas.raw.RawRecords;
import io.kafkabinlog.testkit.EtcdServiceExtension;
import io.kafkabinlog.testkit.JvmProcess;
import io.kafkabinlog.testkit.KafkaServiceExtension;
import io.kafkabinlog.testkit.PipelineStack;
import io.kafkabinlog.testkit.PipelineStack.OrderingNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Architecture invariant 5 with real processes (tidb-sim's PD, three pumps, the ordering stream):
 * binlogctl pauses a pump over HTTP; refuses to write for the paused pump while something still
 * writes its partition; takes the paused pump and a pump killed with SIGKILL offline on their
 * behalf (final fake binlog L and LEAVE(L) in Kafka, {@code offline} in the registry), after which
 * the ordering stream drops both and its resolved ts passes L; and asks the live pump to close
 * itself.
 */
@Tag("integration")
@Timeout(420)
class OfflinePumpIT {
  @RegisterExtension static final EtcdServiceExtension ETCD = new EtcdServiceExtension();
  @RegisterExtension static final KafkaServiceExtension KAFKA = new KafkaServiceExtension();

  private static final Pattern LEFT =
      Pattern.compile(
          "\\[partition=(\\d+)\\] \\[L=(\\d+)\\] \\[rawOffset=(\\d+)\\] \\[controlOffset=(\\d+)\\]");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** What binlogctl printed for a pump it took offline on its behalf. */
  private record Left(int partition, long leaveTs, long rawOffset, long controlOffset) {
    static Left of(final BinlogctlRun result) {
      final Matcher m = LEFT.matcher(result.out());
      assertThat(m.find()).as("output %s / %s", result.out(), result.err()).isTrue();
      return new Left(
          Integer.parseInt(m.group(1)),
          Long.parseLong(m.group(2)),
          Long.parseLong(m.group(3)),
          Long.parseLong(m.group(4)));
    }
  }

  private static BinlogctlRun binlogctl(final PipelineStack stack, final String... args) {
    return BinlogctlRun.of(
        List.of(
            "-pd-urls=" + stack.pdUrls(),
            "-registry-root=" + stack.registryRoot(),
            "-tso-urls=" + stack.tsoUrl(),
            "-kafka.bootstrap-servers=" + stack.bootstrapServers(),
            "-kafka.topic-prefix=" + stack.topicPrefix()),
        args);
  }

  @Test
  void shouldTakePumpsOfflineWhetherAlivePausedOrKilled() throws Exception {
    try (PipelineStack stack = new PipelineStack(ETCD, KAFKA, dir);
        EtcdNodeRegistry registry =
            EtcdNodeRegistry.using(
                ETCD.client(), new RegistryKeys(stack.registryRoot()), Duration.ofSeconds(10))) {
      final JvmProcess pumpA = stack.startPump("pump-a");
      final JvmProcess pumpB = stack.startPump("pump-b");
      final JvmProcess pumpC = stack.startPump("pump-c");
      final OrderingNode ordering = stack.startOrdering(dir.resolve("state"));
      final TopicNames topics = new TopicNames(stack.topicPrefix(), stack.clusterId());

      final BinlogctlRun listed = binlogctl(stack, "-cmd", "pumps");
      assertThat(listed.code()).as(listed.err()).isZero();
      assertThat(listed.out().lines())
          .hasSize(3)
          .allSatisfy(l -> assertThat(l).contains("State: online").endsWith("Alive: true}\"]"));

      // pause-pump: the live pump is asked over HTTP, pauses and exits.
      final BinlogctlRun paused = binlogctl(stack, "-cmd", "pause-pump", "-node-id", "pump-c");
      assertThat(paused.code()).as(paused.err()).isZero();
      assertThat(paused.out()).contains("[action=pause] [NodeID=pump-c]");
      assertThat(pumpC.waitFor(Duration.ofSeconds(60))).isZero();
      await().atMost(Duration.ofSeconds(20)).until(() -> !node(registry, "pump-c").live());
      assertThat(node(registry, "pump-c").status().state()).isEqualTo(NodeState.PAUSED);

      // Something still writing pump-c's partition (as a pump that lost its lease would) stops
      // binlogctl from writing on its behalf.
      final int partitionC =
          new PartitionBinding(
                  ETCD.client(), new RegistryKeys(stack.registryRoot()), Duration.ofSeconds(10))
              .partitionOf("pump-c")
              .orElseThrow();
      try (PartitionWriter zombie = new PartitionWriter(stack, topics.raw(), partitionC)) {
        await().atMost(Duration.ofSeconds(20)).until(() -> zombie.written() >= 3);
        final BinlogctlRun refused = binlogctl(stack, "-cmd", "offline-pump", "-node-id", "pump-c");
        assertThat(refused.code()).isEqualTo(1);
        assertThat(refused.err())
            .contains("pump pump-c holds no liveness key but still writes")
            .contains(topics.raw() + "-" + partitionC);
      }
      assertThat(node(registry, "pump-c").status().state()).isEqualTo(NodeState.PAUSED);

      // The paused pump, quiet now, is taken offline on its behalf.
      final BinlogctlRun offC = binlogctl(stack, "-cmd", "offline-pump", "-node-id", "pump-c");
      assertThat(offC.code()).as(offC.err()).isZero();
      final Left leftC = Left.of(offC);
      assertThat(leftC.partition()).isEqualTo(partitionC);

      // So is a pump killed with SIGKILL, once its liveness lease has expired.
      assertThat(pumpB.kill9()).isEqualTo(137);
      await().atMost(Duration.ofSeconds(30)).until(() -> !node(registry, "pump-b").live());
      assertThat(node(registry, "pump-b").status().state()).isEqualTo(NodeState.ONLINE);
      final BinlogctlRun offB = binlogctl(stack, "-cmd", "offline-pump", "-node-id", "pump-b");
      assertThat(offB.code()).as(offB.err()).isZero();
      final Left leftB = Left.of(offB);

      for (final String id : List.of("pump-b", "pump-c")) {
        final Left left = id.equals("pump-b") ? leftB : leftC;
        assertThat(node(registry, id).status().state()).isEqualTo(NodeState.OFFLINE);
        assertThat(node(registry, id).status().updateTs()).isEqualTo(left.leaveTs());
        assertThat(node(registry, id).live()).isFalse();
        final PumpControl leave =
            PumpControl.parseFrom(
                recordAt(new TopicPartition(topics.control(), 0), left.controlOffset()).value());
        assertThat(leave)
            .isEqualTo(
                PumpControl.newBuilder()
                    .setKind(PumpControl.Kind.LEAVE)
                    .setNodeId(id)
                    .setPartition(left.partition())
                    .setTs(left.leaveTs())
                    .setRawOffset(left.rawOffset())
                    .build());
        final ConsumerRecord<byte[], byte[]> fake =
            recordAt(new TopicPartition(topics.raw(), left.partition()), left.rawOffset());
        assertThat(BinlogHeader.decode(fake.headers().lastHeader(RawRecords.BINLOG_HEADER).value()))
            .isEqualTo(BinlogHeader.fake(left.leaveTs()));
        assertThat(Binlog.parseFrom(fake.value())).isEqualTo(Binlogs.fake(left.leaveTs()));
      }

      // The ordering stream drops both members and its resolved ts passes their L.
      final long passL = Math.max(leftB.leaveTs(), leftC.leaveTs());
      final AtomicReference<String> lastStatus = new AtomicReference<>("");
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                final JsonNode status = JSON.readTree(ordering.status());
                lastStatus.set(status.toString());
                final Set<String> members = new HashSet<>();
                for (final JsonNode pump : status.path("ordering").path("pumps")) {
                  if (pump.path("member").isObject()) {
                    members.add(pump.path("member").path("nodeId").asText());
                  }
                }
                assertThat(members).as(lastStatus.get()).containsExactly("pump-a");
                assertThat(status.path("ordering").path("resolvedTs").path("ts").asLong())
                    .as(lastStatus.get())
                    .isGreaterThan(passL);
              });

      // offline-pump of a live pump asks it to close itself.
      final BinlogctlRun offA = binlogctl(stack, "-cmd", "offline-pump", "-node-id", "pump-a");
      assertThat(offA.code()).as(offA.err()).isZero();
      assertThat(offA.out())
          .startsWith("[\"apply action on node success\"] [action=close] [NodeID=pump-a]");
      assertThat(pumpA.waitFor(Duration.ofSeconds(120))).isZero();
      assertThat(node(registry, "pump-a").status().state()).isEqualTo(NodeState.OFFLINE);

      assertThat(binlogctl(stack, "-cmd", "pumps").out()).isEmpty();
      assertThat(binlogctl(stack, "-cmd", "pumps", "-show-offline-nodes").out().lines())
          .hasSize(3)
          .allSatisfy(l -> assertThat(l).contains("State: offline").endsWith("Alive: false}\"]"));
    }
  }

  private static RegisteredNode node(final EtcdNodeRegistry registry, final String id) {
    return registry.get(NodeKind.PUMP, id).orElseThrow();
  }

  private static ConsumerRecord<byte[], byte[]> recordAt(
      final TopicPartition partition, final long offset) {
    final Map<String, Object> config = KAFKA.consumerConfig();
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      consumer.assign(List.of(partition));
      consumer.seek(partition, offset);
      final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (record.offset() == offset) {
            return record;
          }
        }
      }
    }
    throw new AssertionError("no record at " + partition + " offset " + offset);
  }

  /** Appends fake binlogs with fresh TSOs to a raw partition every 100 ms, as a pump would. */
  private static final class PartitionWriter implements AutoCloseable {
    private final TimestampOracle tso;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Thread thread;
    private final AtomicInteger written = new AtomicInteger();
    private volatile boolean running = true;

    PartitionWriter(final PipelineStack stack, final String topic, final int partition) {
      this.tso = PdTimestampOracle.connect(List.of(URI.create(stack.tsoUrl())));
      this.producer = new KafkaProducer<>(KAFKA.producerConfig());
      this.thread =
          new Thread(
              () -> {
                while (running) {
                  final long ts = tso.getTimestamp();
                  try {
                    producer
                        .send(
                            new ProducerRecord<>(
                                topic,
                                partition,
                                RawRecords.key(ts),
                                Binlogs.fake(ts).toByteArray(),
                                List.of(
                                    new RecordHeader(
                                        RawRecords.BINLOG_HEADER, BinlogHeader.fake(ts).encode()))))
                        .get(10, TimeUnit.SECONDS);
                    written.incrementAndGet();
                    Thread.sleep(100);
                  } catch (InterruptedException e) {
                    return;
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }
              },
              "zombie-pump-writer");
      thread.start();
    }

    int written() {
      return written.get();
    }

    @Override
    public void close() {
      running = false;
      try {
        thread.join(15_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      producer.close();
      tso.close();
    }
  }
}
