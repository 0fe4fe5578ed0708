package io.kafkabinlog.pump.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.kafkabinlog.common.config.KafkaSection.KafkaSettings;
import io.kafkabinlog.common.net.HostPort;
import io.kafkabinlog.common.registry.EtcdNodeRegistry;
import io.kafkabinlog.common.registry.NodeKind;
import io.kafkabinlog.common.registry.NodeState;
import io.kafkabinlog.common.registry.NodeStatus;
import io.kafkabinlog.common.registry.RegistryKeys;
import io.kafkabinlog.pump.metrics.PumpMetrics;
import io.kafkabinlog.pump.state.PumpState;
import io.kafkabinlog.schemas.binlog.Binlogs;
import io.kafkabinlog.schemas.raw.BinlogHeader;
import io.kafkabinlog.schemas.raw.RawRecords;
import io.kafkabinlog.testkit.EtcdServiceExtension;
import io.kafkabinlog.testkit.KafkaServiceExtension;
import io.kafkabinlog.tidbsim.pumpclient.BinlogWriteException;
import io.kafkabinlog.tidbsim.pumpclient.PumpClientConfig;
import io.kafkabinlog.tidbsim.pumpclient.PumpsClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * tidb-sim's pump client (TiDB's) against two real pump gRPC servers registered online in etcd, one
 * of which is not online inside (still starting): the client takes our "no online" status as a
 * failure and fails over, and every prewrite lands in the other pump's Kafka partition.
 */
@Tag("integration")
@Timeout(120)
class PumpClientFailoverIT {
  @RegisterExtension static final KafkaServiceExtension KAFKA = new KafkaServiceExtension();
  @RegisterExtension static final EtcdServiceExtension ETCD = new EtcdServiceExtension();

  private static final long CLUSTER_ID = 6_900_000_000_000_000_001L;
  private static final long TS = 449_378_383_472_705_537L;
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  private PumpGrpcServer pump(final String topic, final int partition, final PumpState state) {
    final KafkaSettings kafka =
        new KafkaSettings(List.of(KAFKA.bootstrapServers()), "binlog", Map.of());
    final KafkaRawLog rawLog =
        new KafkaRawLog(
            new KafkaProducer<>(KafkaRawLog.producerConfig(kafka, 1 << 20, TIMEOUT)),
            topic,
            partition,
            RawTopics.chunkBytes(1 << 20, 1 << 20),
            TIMEOUT,
            new PumpMetrics(new PrometheusRegistry()),
            (header, position) -> {});
    closing.add(rawLog);
    final PumpGrpcServer server =
        PumpGrpcServer.start(
            new HostPort("127.0.0.1", 0),
            Integer.MAX_VALUE - (4 << 20),
            Optional.empty(),
            TestPumpGrpcServices.of(CLUSTER_ID, state, rawLog, topic));
    closing.add(() -> server.shutdown(Duration.ofSeconds(5)));
    return server;
  }

  @Test
  void clientFailsOverFromAPumpThatIsNotOnline() throws Exception {
    final String topic = KAFKA.createTopic("raw", 2);
    final PumpState online = new PumpState();
    online.goOnline();
    final PumpGrpcServer starting = pump(topic, 0, new PumpState());
    final PumpGrpcServer serving = pump(topic, 1, online);
    final RegistryKeys keys = new RegistryKeys(ETCD.prefix());
    final EtcdNodeRegistry registry =
        EtcdNodeRegistry.using(ETCD.client(), keys, Duration.ofSeconds(5));
    registry.register(
        NodeKind.PUMP, NodeStatus.of("p0", "127.0.0.1:" + starting.port(), NodeState.ONLINE));
    registry.register(
        NodeKind.PUMP, NodeStatus.of("p1", "127.0.0.1:" + serving.port(), NodeState.ONLINE));

    final PumpClientConfig config =
        PumpClientConfig.builder(CLUSTER_ID)
            .registryKeys(keys)
            .writeTimeout(Duration.ofSeconds(5))
            .retrySleep(Duration.ofMillis(20))
            .build();
    final PumpsClient client = PumpsClient.using(config, ETCD.client(), ETCD.endpoints());
    closing.add(client);
    for (int i = 0; i < 6; i++) {
      client.writePrewrite(
          Binlogs.prewrite(TS + i, ByteString.copyFromUtf8("pk"), BinlogValidatorTest.value()));
    }
    client
        .writeCommit(
            Binlogs.commitOf(
                Binlogs.prewrite(TS, ByteString.copyFromUtf8("pk"), BinlogValidatorTest.value()),
                TS + 100))
        .get(30, TimeUnit.SECONDS);

    assertThat(startTsIn(topic, 0, 0)).isEmpty();
    assertThat(startTsIn(topic, 1, 7))
        .containsExactly(TS, TS + 1, TS + 2, TS + 3, TS + 4, TS + 5, TS);

    // A client of another cluster is refused by every pump and gives up.
    final PumpsClient stranger =
        PumpsClient.using(
            config.toBuilder(CLUSTER_ID + 1).writeTimeout(Duration.ofMillis(500)).build(),
            ETCD.client(),
            ETCD.endpoints());
    closing.add(stranger);
    assertThatThrownBy(
            () ->
                stranger.writePrewrite(
                    Binlogs.prewrite(
                        TS + 50, ByteString.copyFromUtf8("pk"), BinlogValidatorTest.value())))
        .isInstanceOf(BinlogWriteException.class)
        .hasStackTraceContaining("cluster ID are mismatch");
  }

  private static List<Long> startTsIn(final String topic, final int partition, final int expected) {
    final Map<String, Object> config = new HashMap<>(KAFKA.consumerConfig());
    final List<Long> startTs = new ArrayList<>();
    final TopicPartition tp = new TopicPartition(topic, partition);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(expected == 0 ? 2 : 20);
      while (startTs.size() < expected || (expected == 0 && System.nanoTime() < deadline)) {
        if (System.nanoTime() > deadline) {
          break;
        }
        for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          final BinlogHeader header =
              BinlogHeader.decode(record.headers().lastHeader(RawRecords.BINLOG_HEADER).value());
          assertThat(RawRecords.startTsOfKey(record.key())).isEqualTo(header.startTs());
          startTs.add(header.startTs());
        }
      }
    }
    return startTs;
  }
}
