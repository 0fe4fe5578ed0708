package io.kafkabinlog.pump.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.kafkabinlog.common.config.SettingOrigin;
import io.kafkabinlog.common.config.Settings;
import io.kafkabinlog.common.datadir.DataDirLock;
import io.kafkabinlog.common.kafka.TopicNames;
import io.kafkabinlog.common.pd.PdTimestampOracle;
import io.kafkabinlog.common.registry.NodeKind;
import io.kafkabinlog.common.registry.RegistryKeys;
import io.kafkabinlog.common.tso.Tso;
import io.kafkabinlog.pump.config.PumpConfigLoader;
import io.kafkabinlog.pump.state.PumpPhase;
import io.kafkabinlog.pump.testing.TestPrewrites;
import io.kafkabinlog.schemas.binlog.Binlogs;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.proto.binlog.PumpGrpc;
import io.kafkabinlog.schemas.proto.binlog.WriteBinlogReq;
import io.kafkabinlog.schemas.proto.control.PumpControl;
import io.kafkabinlog.schemas.raw.BinlogHeader;
import io.kafkabinlog.schemas.raw.RawRecords;
import io.kafkabinlog.testkit.EtcdServiceExtension;
import io.kafkabinlog.testkit.KafkaServiceExtension;
import io.kafkabinlog.testkit.TestNames;
import io.kafkabinlog.tidbsim.tso.PdKeys;
import io.kafkabinlog.tidbsim.tso.PdServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole pump in-process ({@link PumpNode#start}) against the real Kafka and etcd, with tidb-sim's
 * PD stand-in serving TSOs: start order, the write path over gRPC, pause, close (sealed partition,
 * final fake binlog, LEAVE, bounded wait for the ordering stream), restart and exclusivity, and a
 * start against an unreachable Kafka.
 */
@Tag("integration")
@Timeout(300)
class PumpNodeIT {
  @RegisterExtension static final KafkaServiceExtension KAFKA = new KafkaServiceExtension();
  @RegisterExtension static final EtcdServiceExtension ETCD = new EtcdServiceExtension();

  private static final SettingOrigin ORIGIN =
      new SettingOrigin(SettingOrigin.Kind.FILE, "PumpNodeIT");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int RAW_PARTITIONS = 4;

  @TempDir Path tmp;

  private final List<PumpNode> nodes = new ArrayList<>();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private PdServer pd;
  private PdTimestampOracle tso;
  private String prefix;
  private RegistryKeys keys;
  private TopicNames names;

  @BeforeEach
  void setUp() throws Exception {
    pd = PdServer.startOnEtcd(ETCD.client(), new PdKeys(ETCD.prefix() + "/pd"), 0, "127.0.0.1", 0);
    tso = PdTimestampOracle.connect(List.of(URI.create(pd.url())));
    prefix = TestNames.unique("it-pumpnode", 30);
    keys = new RegistryKeys(ETCD.prefix() + "/binlog");
    names = new TopicNames(prefix, Long.toUnsignedString(pd.clusterId()));
  }

  @AfterEach
  void tearDown() throws Exception {
    for (final PumpNode node : nodes) {
      node.terminate(WAIT);
    }
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
    tso.close();
    pd.close();
    final Set<String> existing = KAFKA.admin().listTopics().names().get(30, TimeUnit.SECONDS);
    final List<String> mine =
        List.of(names.raw(), names.control()).stream().filter(existing::contains).toList();
    if (!mine.isEmpty()) {
      KAFKA.admin().deleteTopics(mine).all().get(30, TimeUnit.SECONDS);
    }
    try {
      KAFKA.admin().deleteConsumerGroups(List.of(orderingGroup())).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      // Most tests never create the group.
    }
  }

  @Test
  void startsOnlineAfterItsJoinAndStoresWritesInItsOwnPartition() throws Exception {
    final PumpNode node = start(dir("pump"), Map.of());
    final String id = node.nodeId();
    assertThat(node.phase()).isEqualTo(PumpPhase.ONLINE);

    final Map<String, TopicDescription> topics =
        KAFKA
            .admin()
            .describeTopics(List.of(names.raw(), names.control()))
            .allTopicNames()
            .get(30, TimeUnit.SECONDS);
    assertThat(topics.get(names.raw()).partitions()).hasSize(RAW_PARTITIONS);
    assertThat(topics.get(names.control()).partitions()).hasSize(1);

    // The entry is the original's JSON plus statusAddr; its first version was already online, and
    // written after the JOIN (J < its updateTS).
    final KeyValue entry = etcd(keys.node(NodeKind.PUMP, id)).orElseThrow();
    final JsonNode json = JSON.readTree(text(entry.getValue()));
    assertThat(fieldNames(json))
        .containsExactly(
            "nodeId",
            "host",
            "state",
            "isAlive",
            "score",
            "label",
            "maxCommitTS",
            "updateTS",
            "statusAddr");
    assertThat(json.get("nodeId").asText()).isEqualTo(id);
    assertThat(json.get("state").asText()).isEqualTo("online");
    assertThat(json.get("host").asText()).isEqualTo("127.0.0.1:" + node.grpcPort());
    assertThat(json.get("statusAddr").asText()).isEqualTo("127.0.0.1:" + node.statusPort());
    final JsonNode first =
        JSON.readTree(
            text(
                etcdAt(keys.node(NodeKind.PUMP, id), entry.getCreateRevision())
                    .orElseThrow()
                    .getValue()));
    assertThat(first.get("state").asText()).isEqualTo("online");
    final PumpControl join =
        awaitControl(cs -> cs.stream().anyMatch(c -> c.getKind() == PumpControl.Kind.JOIN)).stream()
            .filter(c -> c.getKind() == PumpControl.Kind.JOIN && c.getNodeId().equals(id))
            .findFirst()
            .orElseThrow();
    assertThat(join.getPartition()).isEqualTo(node.partition());
    assertThat(join.getTs()).isPositive().isLessThan(first.get("updateTS").asLong());

    assertThat(etcdText(keys.alive(NodeKind.PUMP, id))).contains(id);
    assertThat(etcdText(keys.kafkaPrefix() + "raw-partition/by-node/" + id))
        .contains(Integer.toString(node.partition()));
    assertThat(etcdText(keys.kafkaPrefix() + "raw-partition/by-partition/" + node.partition()))
        .contains(id);

    // Prewrite, then commit: pending in between, the raw headers on both records.
    final PumpGrpc.PumpBlockingStub pump = stub(node);
    final long startTs = tso.getTimestamp();
    final Binlog prewrite = prewrite(startTs);
    write(pump, prewrite);
    assertThat(status(node).get("pendingPrewrites").asInt()).isEqualTo(1);
    final long commitTs = tso.getTimestamp();
    write(pump, Binlogs.commitOf(prewrite, commitTs));
    assertThat(status(node).get("pendingPrewrites").asInt()).isZero();
    assertThat(status(node).get("phase").asText()).isEqualTo("online");

    assertThat(refusal(pump, pd.clusterId() + 1, prewrite(tso.getTimestamp())))
        .contains("cluster ID are mismatch");

    // Idle: fake binlogs follow the commit (gen-binlog-interval 1s).
    final List<ConsumerRecord<byte[], byte[]>> raw =
        awaitRaw(
            node.partition(),
            records ->
                records.stream()
                    .anyMatch(r -> header(r).isFake() && header(r).startTs() > commitTs));
    final ConsumerRecord<byte[], byte[]> p = only(raw, BinlogType.Prewrite);
    final ConsumerRecord<byte[], byte[]> c = only(raw, BinlogType.Commit);
    assertThat(header(p)).isEqualTo(new BinlogHeader(BinlogType.Prewrite, startTs, 0));
    assertThat(RawRecords.startTsOfKey(p.key())).isEqualTo(startTs);
    assertThat(p.value()).isEqualTo(prewrite.toByteArray());
    assertThat(header(c)).isEqualTo(new BinlogHeader(BinlogType.Commit, startTs, commitTs));
    assertThat(RawRecords.startTsOfKey(c.key())).isEqualTo(startTs);
    assertThat(c.offset()).isGreaterThan(p.offset());
    final List<BinlogHeader> fakesAfter =
        raw.stream().filter(r -> r.offset() > c.offset()).map(PumpNodeIT::header).toList();
    assertThat(fakesAfter).isNotEmpty().allMatch(BinlogHeader::isFake);
    assertThat(fakesAfter.get(0).startTs()).isGreaterThan(commitTs);
    assertThat(raw).hasSize(2 + (int) raw.stream().filter(r -> header(r).isFake()).count());
    for (int other = 0; other < RAW_PARTITIONS; other++) {
      if (other != node.partition()) {
        assertThat(endOffset(new TopicPartition(names.raw(), other))).isZero();
      }
    }

    // Control heartbeats about every 100 ms (by their TSOs).
    final List<Long> beats =
        awaitControl(
                records ->
                    records.stream().filter(r -> r.getKind() == PumpControl.Kind.HEARTBEAT).count()
                        >= 20)
            .stream()
            .filter(r -> r.getKind() == PumpControl.Kind.HEARTBEAT && r.getNodeId().equals(id))
            .map(r -> Tso.physicalMillis(r.getTs()))
            .toList();
    assertThat(beats.get(0)).isGreaterThanOrEqualTo(Tso.physicalMillis(join.getTs()));
    final List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < beats.size(); i++) {
      gaps.add(beats.get(i) - beats.get(i - 1));
    }
    final List<Long> sorted = gaps.stream().sorted().toList();
    assertThat(sorted.get(sorted.size() / 2)).isBetween(60L, 250L);
  }

  @Test
  void pauseRefusesPrewritesAndExitsPausedWithoutLeaving() throws Exception {
    final PumpNode node = start(dir("pump"), Map.of("pause-drain-timeout", "3s"));
    final String id = node.nodeId();
    final PumpGrpc.PumpBlockingStub pump = stub(node);
    final Binlog pending = prewrite(tso.getTimestamp());
    write(pump, pending);

    assertThat(action(node, "pause").get("code").asInt()).isEqualTo(200);
    // The prewrite's commit never comes: pausing waits pause-drain-timeout, refusing prewrites.
    assertThat(refusal(pump, pd.clusterId(), prewrite(tso.getTimestamp())))
        .matches("no online: (pausing|paused)");
    assertThat(node.phase()).isEqualTo(PumpPhase.PAUSING);
    assertThat(action(node, "close").get("message").asText()).contains("pausing");

    assertThat(awaitExit(node)).isEqualTo("paused");
    assertThat(node.phase()).isEqualTo(PumpPhase.PAUSED);
    assertThat(registryState(id)).isEqualTo("paused");
    assertThat(etcd(keys.alive(NodeKind.PUMP, id))).isEmpty();
    assertThat(readControl())
        .filteredOn(c -> c.getNodeId().equals(id))
        .extracting(PumpControl::getKind)
        .contains(PumpControl.Kind.JOIN)
        .doesNotContain(PumpControl.Kind.LEAVE);
  }

  @Test
  void closeWaitsForPendingCommitsThenSealsThePartitionAtTheFinalFakeBinlogAndLeaves()
      throws Exception {
    final PumpNode node = start(dir("pump"), Map.of("close-timeout", "20s"));
    final String id = node.nodeId();
    final PumpGrpc.PumpBlockingStub pump = stub(node);
    // The ordering stream has read nothing of this pump yet: the close waits for it at the end,
    // which leaves time to knock at the sealed partition.
    commitOrderingOffsets(node.partition(), 0, 0);

    final Binlog pending = prewrite(tso.getTimestamp());
    write(pump, pending);
    assertThat(action(node, "close").get("code").asInt()).isEqualTo(200);
    Thread.sleep(1_000);
    assertThat(node.phase()).isEqualTo(PumpPhase.CLOSING);
    assertThat(refusal(pump, pd.clusterId(), prewrite(tso.getTimestamp())))
        .isEqualTo("no online: closing");
    assertThat(readControl()).noneMatch(c -> c.getKind() == PumpControl.Kind.LEAVE);
    final long commitTs = tso.getTimestamp();
    write(pump, Binlogs.commitOf(pending, commitTs));

    final PumpControl leave =
        awaitControl(cs -> cs.stream().anyMatch(c -> c.getKind() == PumpControl.Kind.LEAVE))
            .stream()
            .filter(c -> c.getKind() == PumpControl.Kind.LEAVE)
            .findFirst()
            .orElseThrow();
    assertThat(leave.getNodeId()).isEqualTo(id);
    assertThat(leave.getPartition()).isEqualTo(node.partition());
    assertThat(leave.getTs()).isGreaterThan(commitTs);

    // Sealed: a commit now is refused, and nothing lands after L.
    final Binlog late = prewrite(tso.getTimestamp());
    assertThat(refusal(pump, pd.clusterId(), Binlogs.commitOf(late, tso.getTimestamp())))
        .startsWith("no online:");
    assertThat(node.phase()).isEqualTo(PumpPhase.CLOSING);

    final long leaveOffset = controlOffsetOf(leave);
    commitOrderingOffsets(node.partition(), leave.getRawOffset() + 1, leaveOffset + 1);
    assertThat(awaitExit(node)).isEqualTo("offline");

    final List<ConsumerRecord<byte[], byte[]>> raw = readRaw(node.partition());
    final ConsumerRecord<byte[], byte[]> last = raw.get(raw.size() - 1);
    assertThat(last.offset()).isEqualTo(leave.getRawOffset());
    assertThat(header(last)).isEqualTo(BinlogHeader.fake(leave.getTs()));
    assertThat(raw.stream().map(PumpNodeIT::header).filter(h -> !h.isFake()).toList())
        .containsExactly(
            new BinlogHeader(BinlogType.Prewrite, pending.getStartTs(), 0),
            new BinlogHeader(BinlogType.Commit, pending.getStartTs(), commitTs));
    assertThat(readControl()).filteredOn(c -> c.getNodeId().equals(id)).last().isEqualTo(leave);
    assertThat(registryState(id)).isEqualTo("offline");
    assertThat(etcd(keys.alive(NodeKind.PUMP, id))).isEmpty();
  }

  @Test
  void closeWaitsForTheOrderingStreamToPassItsLeave() throws Exception {
    final PumpNode node = start(dir("pump"), Map.of("close-timeout", "30s"));
    commitOrderingOffsets(node.partition(), 0, 0);

    assertThat(action(node, "close").get("code").asInt()).isEqualTo(200);
    final PumpControl leave =
        awaitControl(cs -> cs.stream().anyMatch(c -> c.getKind() == PumpControl.Kind.LEAVE))
            .stream()
            .filter(c -> c.getKind() == PumpControl.Kind.LEAVE)
            .findFirst()
            .orElseThrow();
    final long leaveOffset = controlOffsetOf(leave);

    // Past the final fake binlog, but not yet past the LEAVE: still closing.
    commitOrderingOffsets(node.partition(), leave.getRawOffset() + 1, leaveOffset);
    Thread.sleep(1_500);
    assertThat(node.phase()).isEqualTo(PumpPhase.CLOSING);
    assertThat(registryState(node.nodeId())).isEqualTo("closing");

    commitOrderingOffsets(node.partition(), leave.getRawOffset() + 1, leaveOffset + 1);
    assertThat(awaitExit(node)).isEqualTo("offline");
    assertThat(registryState(node.nodeId())).isEqualTo("offline");
  }

  @Test
  void restartKeepsTheNodeIdAndPartitionAndASecondProcessWithThatIdIsRefused() throws Exception {
    final Path data = dir("pump");
    final PumpNode first = start(data, Map.of());
    final String id = first.nodeId();
    final int partition = first.partition();
    assertThat(action(first, "pause").get("code").asInt()).isEqualTo(200);
    assertThat(awaitExit(first)).isEqualTo("paused");

    final PumpNode again = start(data, Map.of());
    assertThat(again.nodeId()).isEqualTo(id);
    assertThat(again.partition()).isEqualTo(partition);
    assertThat(registryState(id)).isEqualTo("online");
    write(stub(again), prewrite(tso.getTimestamp()));

    final Path otherData = dir("intruder");
    final long started = System.nanoTime();
    assertThatThrownBy(() -> start(otherData, Map.of("node-id", id, "liveness-ttl", "1s")))
        .hasMessageContaining("already live");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
    // The refused process released its data dir, and the live one is untouched.
    DataDirLock.acquire(otherData, "pump").close();
    assertThat(again.phase()).isEqualTo(PumpPhase.ONLINE);
    assertThat(etcdText(keys.alive(NodeKind.PUMP, id))).contains(id);
    write(stub(again), prewrite(tso.getTimestamp()));
  }

  @Test
  void startAgainstAnUnreachableKafkaFailsWithinFortySecondsNamingTheSetting() throws Exception {
    final Path data = dir("pump");
    final long started = System.nanoTime();
    assertThatThrownBy(() -> start(data, Map.of("kafka.bootstrap-servers", "127.0.0.1:1")))
        .hasMessageContaining("kafka.bootstrap-servers")
        .hasMessageContaining("127.0.0.1:1");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(40));
    DataDirLock.acquire(data, "pump").close();
    // It failed before writing anything to the registry.
    assertThat(etcdPrefixCount(keys.root() + "/")).isZero();
  }

  // ---------------------------------------------------------------- helpers

  private PumpNode start(final Path dataDir, final Map<String, String> overrides) {
    final Map<String, Object> values = new HashMap<>();
    values.put("kafka.bootstrap-servers", KAFKA.bootstrapServers());
    values.put("kafka.topic-prefix", prefix);
    values.put("kafka.raw-partitions", Integer.toString(RAW_PARTITIONS));
    values.put("kafka.produce-timeout", "10s");
    values.put("pd-urls", ETCD.endpoints());
    values.put("tso-urls", pd.url());
    values.put("registry-root", keys.root());
    values.put("data-dir", dataDir.toString());
    values.put("addr", "127.0.0.1:0");
    values.put("status-addr", "127.0.0.1:0");
    values.put("heartbeat-interval", "200ms");
    values.put("gen-binlog-interval", "1s");
    values.put("control-heartbeat-interval", "100ms");
    values.put("liveness-ttl", "2s");
    values.put("close-timeout", "20s");
    values.put("pause-drain-timeout", "1s");
    values.putAll(overrides);
    final PumpNode node = PumpNode.start(PumpConfigLoader.from(Settings.of(values, ORIGIN)));
    nodes.add(node);
    return node;
  }

  private Path dir(final String name) throws Exception {
    return Files.createDirectories(tmp.resolve(name));
  }

  private static String awaitExit(final PumpNode node) throws Exception {
    final CompletableFuture<String> exited =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                node.awaitExit();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return node.exitReason();
            });
    return exited.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private String orderingGroup() {
    return names.applicationId("ordering-stream");
  }

  private void commitOrderingOffsets(
      final int rawPartition, final long rawOffset, final long controlOffset) throws Exception {
    KAFKA
        .admin()
        .alterConsumerGroupOffsets(
            orderingGroup(),
            Map.of(
                new TopicPartition(names.raw(), rawPartition),
                new OffsetAndMetadata(rawOffset),
                new TopicPartition(names.control(), 0),
                new OffsetAndMetadata(controlOffset)))
        .all()
        .get(30, TimeUnit.SECONDS);
  }

  private PumpGrpc.PumpBlockingStub stub(final PumpNode node) {
    final ManagedChannel channel =
        Grpc.newChannelBuilderForAddress(
                "127.0.0.1", node.grpcPort(), InsecureChannelCredentials.create())
            .build();
    closing.add(channel::shutdownNow);
    return PumpGrpc.newBlockingStub(channel);
  }

  private void write(final PumpGrpc.PumpBlockingStub pump, final Binlog binlog) {
    assertThat(
            pump.withDeadlineAfter(20, TimeUnit.SECONDS)
                .writeBinlog(request(pd.clusterId(), binlog))
                .getErrmsg())
        .isEmpty();
  }

  /** The status description of a refused write. */
  private static String refusal(
      final PumpGrpc.PumpBlockingStub pump, final long clusterId, final Binlog binlog) {
    try {
      pump.withDeadlineAfter(20, TimeUnit.SECONDS).writeBinlog(request(clusterId, binlog));
    } catch (StatusRuntimeException e) {
      return e.getStatus().getDescription();
    }
    throw new AssertionError(
        "write of " + binlog.getTp() + " " + binlog.getStartTs() + " was accepted");
  }

  private static WriteBinlogReq request(final long clusterId, final Binlog binlog) {
    return WriteBinlogReq.newBuilder()
        .setClusterID(clusterId)
        .setPayload(binlog.toByteString())
        .build();
  }

  private static Binlog prewrite(final long startTs) {
    return TestPrewrites.oneRow(startTs, new byte[] {0x08, 0x02, 0x08, 0x02});
  }

  private JsonNode status(final PumpNode node) throws Exception {
    final HttpResponse<String> reply =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.statusPort() + "/status"))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(reply.statusCode()).isEqualTo(200);
    return JSON.readTree(reply.body()).get("pump");
  }

  private JsonNode action(final PumpNode node, final String action) throws Exception {
    final HttpResponse<String> reply =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + node.statusPort()
                            + "/state/"
                            + node.nodeId()
                            + "/"
                            + action))
                .PUT(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(reply.statusCode()).isEqualTo(200);
    return JSON.readTree(reply.body());
  }

  private static ConsumerRecord<byte[], byte[]> only(
      final List<ConsumerRecord<byte[], byte[]>> records, final BinlogType type) {
    final List<ConsumerRecord<byte[], byte[]>> ofType =
        records.stream().filter(r -> header(r).type() == type).toList();
    assertThat(ofType).hasSize(1);
    return ofType.get(0);
  }

  private static BinlogHeader header(final ConsumerRecord<byte[], byte[]> record) {
    return BinlogHeader.decode(record.headers().lastHeader(RawRecords.BINLOG_HEADER).value());
  }

  private List<ConsumerRecord<byte[], byte[]>> readRaw(final int partition) {
    return read(new TopicPartition(names.raw(), partition));
  }

  private List<ConsumerRecord<byte[], byte[]>> awaitRaw(
      final int partition, final Predicate<List<ConsumerRecord<byte[], byte[]>>> until) {
    return await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(300))
        .until(() -> readRaw(partition), until);
  }

  private List<PumpControl> readControl() {
    return read(new TopicPartition(names.control(), 0)).stream().map(PumpNodeIT::control).toList();
  }

  private List<PumpControl> awaitControl(final Predicate<List<PumpControl>> until) {
    return await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(300))
        .until(this::readControl, until);
  }

  private long controlOffsetOf(final PumpControl wanted) {
    return read(new TopicPartition(names.control(), 0)).stream()
        .filter(r -> control(r).equals(wanted))
        .findFirst()
        .orElseThrow()
        .offset();
  }

  private static PumpControl control(final ConsumerRecord<byte[], byte[]> record) {
    try {
      return PumpControl.parseFrom(record.value());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError("not a PumpControl at offset " + record.offset(), e);
    }
  }

  private long endOffset(final TopicPartition partition) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      return consumer.endOffsets(List.of(partition), Duration.ofSeconds(30)).get(partition);
    }
  }

  /** Every record of the partition up to its end offset now. */
  private List<ConsumerRecord<byte[], byte[]>> read(final TopicPartition partition) {
    final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      final long end =
          consumer.endOffsets(List.of(partition), Duration.ofSeconds(30)).get(partition);
      final long deadline = System.nanoTime() + WAIT.toNanos();
      while (consumer.position(partition) < end) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + partition + " up to " + end);
        }
        for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.offset() < end) {
            records.add(record);
          }
        }
      }
    }
    return records;
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    final Map<String, Object> config = new HashMap<>(KAFKA.consumerConfig());
    config.remove("group.id");
    config.put("enable.auto.commit", false);
    return new KafkaConsumer<>(config);
  }

  private Optional<KeyValue> etcd(final String key) throws Exception {
    final List<KeyValue> kvs =
        ETCD.client().getKVClient().get(bytes(key)).get(10, TimeUnit.SECONDS).getKvs();
    return kvs.stream().findFirst();
  }

  private Optional<KeyValue> etcdAt(final String key, final long revision) throws Exception {
    final List<KeyValue> kvs =
        ETCD.client()
            .getKVClient()
            .get(bytes(key), GetOption.builder().withRevision(revision).build())
            .get(10, TimeUnit.SECONDS)
            .getKvs();
    return kvs.stream().findFirst();
  }

  /** The state the pump's registry entry says. */
  private String registryState(final String nodeId) throws Exception {
    return JSON.readTree(etcdText(keys.node(NodeKind.PUMP, nodeId)).orElseThrow())
        .get("state")
        .asText();
  }

  private Optional<String> etcdText(final String key) throws Exception {
    return etcd(key).map(kv -> text(kv.getValue()));
  }

  private long etcdPrefixCount(final String prefix) throws Exception {
    return ETCD.client()
        .getKVClient()
        .get(bytes(prefix), GetOption.builder().isPrefix(true).withCountOnly(true).build())
        .get(10, TimeUnit.SECONDS)
        .getCount();
  }

  private static List<String> fieldNames(final JsonNode json) {
    final List<String> fields = new ArrayList<>();
    for (final Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
      fields.add(it.next());
    }
    return fields;
  }

  private static ByteSequence bytes(final String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }

  private static String text(final ByteSequence bytes) {
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
