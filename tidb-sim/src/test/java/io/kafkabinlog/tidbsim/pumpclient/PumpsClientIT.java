package io.kafkabinlog.tidbsim.pumpclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.ByteSequence;
import io.grpc.Status;
import io.kafkabinlog.common.registry.NodeState;
import io.kafkabinlog.common.registry.RegistryKeys;
import io.kafkabinlog.schemas.binlog.Binlogs;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.proto.binlog.MutationType;
import io.kafkabinlog.schemas.proto.binlog.PrewriteValue;
import io.kafkabinlog.schemas.proto.binlog.TableMutation;
import io.kafkabinlog.testkit.EtcdServiceExtension;
import io.kafkabinlog.tidbsim.testing.FakePump;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** TiDB's pump client against real etcd and in-test pumps. */
@Tag("integration")
@Timeout(60)
class PumpsClientIT {
  @RegisterExtension static final EtcdServiceExtension ETCD = new EtcdServiceExtension();

  private static final long CLUSTER_ID = 6_800_000_000_000_000_001L;
  private static final long TS = 440_000_000_000_000_000L;

  /** For the tests of timeouts and failover: short, so they run quickly. */
  private static final Duration WRITE_TIMEOUT = Duration.ofMillis(600);

  /**
   * For the tests of routing: a first call on a cold channel of a loaded CI host can exceed
   * WRITE_TIMEOUT, fail over, and route the binlog to a pump the test did not expect.
   */
  private static final Duration ROUTING_WRITE_TIMEOUT = Duration.ofSeconds(5);

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final List<FakePump> fakePumps = new CopyOnWriteArrayList<>();
  private final List<PumpsClient> clients = new CopyOnWriteArrayList<>();
  private RegistryKeys keys;

  @BeforeEach
  void setUp() {
    keys = new RegistryKeys(ETCD.prefix());
  }

  @AfterEach
  void tearDown() {
    clients.forEach(PumpsClient::close);
    fakePumps.forEach(FakePump::close);
  }

  @Test
  void shouldUseAPumpThatRegistersAfterTheClientStarted() {
    final FakePump p1 = pump("p1");
    final PumpsClient client = client(config().build());

    final FakePump p2 = pump("p2");
    await().atMost(WAIT).until(() -> isAvailable(client, "p2"));
    for (int i = 0; i < 4; i++) {
      client.writePrewrite(prewrite(TS + i));
    }

    assertThat(p1.count(BinlogType.Prewrite)).isEqualTo(2);
    assertThat(p2.count(BinlogType.Prewrite)).isEqualTo(2);
  }

  @Test
  void shouldSpreadPrewritesRoundRobinWhenStrategyIsRange() {
    final FakePump p1 = pump("p1");
    final FakePump p2 = pump("p2");
    final FakePump p3 = pump("p3");
    final PumpsClient client = client(config().build());

    for (int i = 0; i < 6; i++) {
      client.writePrewrite(prewrite(TS + i));
    }

    assertThat(p1.startTsOf(BinlogType.Prewrite)).containsExactly(TS, TS + 3);
    assertThat(p2.startTsOf(BinlogType.Prewrite)).containsExactly(TS + 1, TS + 4);
    assertThat(p3.startTsOf(BinlogType.Prewrite)).containsExactly(TS + 2, TS + 5);
    // The payload arrives whole, prewrite value included.
    assertThat(p1.received().get(0)).isEqualTo(prewrite(TS));
  }

  @Test
  void shouldPickThePumpByStartTsWhenStrategyIsHash() {
    final List<FakePump> byNodeId = List.of(pump("p1"), pump("p2"), pump("p3"));
    final PumpsClient client = client(config().strategy(SelectionStrategy.HASH).build());

    for (int i = 0; i < 30; i++) {
      final long startTs = TS + 7L * i;
      client.writePrewrite(prewrite(startTs));
      final FakePump expected = byNodeId.get((int) (HashSelector.hash(startTs) % 3));
      assertThat(expected.find(startTs, BinlogType.Prewrite))
          .as("start_ts %d", startTs)
          .isPresent();
    }
    assertThat(byNodeId).allSatisfy(p -> assertThat(p.count(BinlogType.Prewrite)).isPositive());
  }

  @Test
  void shouldSendTheCommitToThePumpOfItsPrewriteWhateverTheRotation() throws Exception {
    final FakePump p1 = pump("p1");
    final FakePump p2 = pump("p2");
    final FakePump p3 = pump("p3");
    final PumpsClient client = client(config().build());
    client.writePrewrite(prewrite(TS + 1));
    client.writePrewrite(prewrite(TS + 2));

    // The rotation would pick p3 next; the commits must follow their prewrites.
    client.writeCommit(Binlogs.commit(TS + 1, TS + 10)).get(5, TimeUnit.SECONDS);
    client.writeCommit(Binlogs.rollback(TS + 2)).get(5, TimeUnit.SECONDS);

    assertThat(p1.find(TS + 1, BinlogType.Commit)).isPresent();
    assertThat(p2.find(TS + 2, BinlogType.Rollback)).isPresent();
    assertThat(p3.received()).isEmpty();
    assertThat(client.pendingPrewrites()).isZero();
  }

  @Test
  void shouldSendNothingForACommitWithoutARecordedPrewrite() throws Exception {
    final FakePump p1 = pump("p1");
    final PumpsClient client = client(config().build());

    client.writeCommit(Binlogs.commit(TS, TS + 1)).get(1, TimeUnit.SECONDS);

    assertThat(p1.calls()).isZero();
  }

  @Test
  void shouldFailOverAndMarkAStoppedPumpUnavailable() {
    final FakePump p1 = pump("p1");
    final FakePump p2 = pump("p2");
    final FakePump p3 = pump("p3");
    final Duration writeTimeout = Duration.ofSeconds(3);
    final PumpsClient client = client(config().writeTimeout(writeTimeout).build());
    p2.stop();

    for (int i = 0; i < 6; i++) {
      final long begin = System.nanoTime();
      client.writePrewrite(prewrite(TS + i));
      // A refused connection fails over at once, without waiting for the write timeout.
      assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(writeTimeout);
    }

    assertThat(p1.count(BinlogType.Prewrite) + p3.count(BinlogType.Prewrite)).isEqualTo(6);
    assertThat(info(client, "p2").available()).isFalse();
    assertThat(info(client, "p2").failed()).isPositive();
  }

  @Test
  void shouldFailOverWithinTheWriteTimeoutWhenAPumpHangs() {
    final FakePump p1 = pump("p1");
    final FakePump p2 = pump("p2");
    final FakePump p3 = pump("p3");
    final PumpsClient client = client(config().writeTimeout(WRITE_TIMEOUT).build());
    p2.hang();

    for (int i = 0; i < 6; i++) {
      final long begin = System.nanoTime();
      client.writePrewrite(prewrite(TS + i));
      assertThat(Duration.ofNanos(System.nanoTime() - begin))
          .isLessThan(WRITE_TIMEOUT.plusSeconds(1));
    }

    assertThat(p2.calls()).isPositive();
    assertThat(p2.received()).isEmpty();
    assertThat(p1.count(BinlogType.Prewrite) + p3.count(BinlogType.Prewrite)).isEqualTo(6);
    assertThat(info(client, "p2").available()).isFalse();
  }

  @Test
  void shouldRestoreAnUnavailablePumpOnceItAnswersAProbe() {
    final FakePump p1 = pump("p1");
    final FakePump p2 = pump("p2");
    final PumpsClient client = client(config().build());
    p2.failWithStatus(Status.UNAVAILABLE.withDescription("going away"));
    client.writePrewrite(prewrite(TS));
    client.writePrewrite(prewrite(TS + 1));
    assertThat(info(client, "p2").available()).isFalse();

    p2.answerNormally();
    await().atMost(WAIT).until(() -> isAvailable(client, "p2"));
    client.writePrewrite(prewrite(TS + 2));
    client.writePrewrite(prewrite(TS + 3));

    assertThat(p2.probes()).isPositive();
    assertThat(p2.startTsOf(BinlogType.Prewrite)).containsExactly(TS + 3);
    assertThat(p1.startTsOf(BinlogType.Prewrite)).containsExactly(TS, TS + 1, TS + 2);
  }

  @Test
  void shouldTreatAnErrmsgReplyAsAFailure() {
    final FakePump p1 = pump("p1");
    final FakePump p2 = pump("p2");
    final PumpsClient client = client(config().build());
    p1.failWithErrmsg("no available space");

    for (int i = 0; i < 4; i++) {
      client.writePrewrite(prewrite(TS + i));
    }

    assertThat(p1.received()).isEmpty();
    assertThat(p2.count(BinlogType.Prewrite)).isEqualTo(4);
    assertThat(info(client, "p1").available()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(
      value = NodeState.class,
      names = {"PAUSED", "CLOSING", "OFFLINE"})
  void shouldStopPrewritesButKeepCommitsWhenAPumpLeavesOnline(final NodeState state)
      throws Exception {
    final FakePump p1 = pump("p1");
    final FakePump p2 = pump("p2");
    final FakePump p3 = pump("p3");
    final PumpsClient client = client(config().build());
    client.writePrewrite(prewrite(TS));
    client.writePrewrite(prewrite(TS + 1));
    assertThat(p2.find(TS + 1, BinlogType.Prewrite)).isPresent();

    p2.setState(state);
    await().atMost(WAIT).until(() -> info(client, "p2").state() == state);
    for (int i = 2; i < 8; i++) {
      client.writePrewrite(prewrite(TS + i));
    }
    client.writeCommit(Binlogs.commit(TS + 1, TS + 20)).get(5, TimeUnit.SECONDS);

    assertThat(p2.startTsOf(BinlogType.Prewrite)).containsExactly(TS + 1);
    assertThat(p2.find(TS + 1, BinlogType.Commit)).isPresent();
    assertThat(p1.count(BinlogType.Prewrite) + p3.count(BinlogType.Prewrite)).isEqualTo(7);
    assertThat(info(client, "p2").available()).isFalse();
  }

  @Test
  void shouldForgetAPumpWhoseEntryIsDeleted() {
    pump("p1");
    final FakePump p2 = pump("p2");
    final PumpsClient client = client(config().build());

    p2.deregister();

    await()
        .atMost(WAIT)
        .until(() -> client.pumps().stream().map(PumpInfo::nodeId).toList().equals(List.of("p1")));
  }

  @Test
  void shouldRefuseToStartWhenNoPumpIsRegistered() {
    assertThatThrownBy(() -> client(config().build()))
        .isInstanceOf(NoPumpFoundException.class)
        .hasMessageContaining("no pump found in pd")
        .hasMessageContaining(ETCD.prefix() + "/v1/pumps/")
        .hasMessageContaining(ETCD.endpoints())
        .hasMessageContaining(PumpClientConfig.WAIT_FOR_PUMPS);
  }

  @Test
  void shouldStartOnceAPumpRegistersWhenToldToWait() throws Exception {
    final CompletableFuture<PumpsClient> starting =
        CompletableFuture.supplyAsync(
            () -> client(config().waitForPumps(true).waitForPumpsTimeout(WAIT).build()));
    Thread.sleep(300);
    assertThat(starting).isNotDone();

    final FakePump p1 = pump("p1");
    final PumpsClient client = starting.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    client.writePrewrite(prewrite(TS));

    assertThat(p1.find(TS, BinlogType.Prewrite)).isPresent();
  }

  @Test
  void shouldGiveUpWaitingForPumpsAfterTheWaitTimeout() {
    assertThatThrownBy(
            () ->
                client(
                    config()
                        .waitForPumps(true)
                        .waitForPumpsTimeout(Duration.ofMillis(300))
                        .build()))
        .isInstanceOf(NoPumpFoundException.class)
        .hasMessageContaining("after waiting")
        .hasMessageContaining(PumpClientConfig.WAIT_FOR_PUMPS_TIMEOUT);
  }

  @Test
  void shouldFailThePrewriteWhenEveryPumpIsDead() {
    final FakePump p1 = pump("p1");
    final FakePump p2 = pump("p2");
    final PumpsClient client = client(config().writeTimeout(WRITE_TIMEOUT).build());
    p1.stop();
    p2.stop();

    final long begin = System.nanoTime();
    assertThatThrownBy(() -> client.writePrewrite(prewrite(TS)))
        .isInstanceOf(BinlogWriteException.class)
        .hasMessageContaining("start_ts " + TS)
        .hasMessageContaining("the last error")
        .hasMessageContaining("UNAVAILABLE");
    final Duration took = Duration.ofNanos(System.nanoTime() - begin);

    assertThat(took).isGreaterThan(WRITE_TIMEOUT).isLessThan(WRITE_TIMEOUT.multipliedBy(4));
    assertThat(client.pendingPrewrites()).isZero();
  }

  @Test
  void shouldFailThePrewriteWithThePumpsMessageWhenTheClusterIdDiffers() {
    final FakePump foreign = FakePump.start(ETCD.client(), keys, "p1", 7);
    fakePumps.add(foreign);
    final PumpsClient client = client(config().build());

    assertThatThrownBy(() -> client.writePrewrite(prewrite(TS)))
        .isInstanceOf(BinlogWriteException.class)
        .hasMessageContaining("cluster ID are mismatch, " + CLUSTER_ID + " vs 7");
    assertThat(foreign.received()).isEmpty();
  }

  @Test
  void shouldNotRetryWhenThePumpIsOutOfResources() {
    final FakePump p1 = pump("p1");
    final PumpsClient client = client(config().writeTimeout(WRITE_TIMEOUT).build());
    p1.failWithStatus(Status.RESOURCE_EXHAUSTED.withDescription("message larger than max"));

    final long begin = System.nanoTime();
    assertThatThrownBy(() -> client.writePrewrite(prewrite(TS)))
        .isInstanceOf(BinlogWriteException.class)
        .hasMessageContaining("not retried");

    assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(WRITE_TIMEOUT);
    assertThat(p1.calls()).isEqualTo(1);
  }

  @Test
  void shouldRefuseABinlogOverTheMaxMessageSizeWithoutSendingIt() {
    final FakePump p1 = pump("p1");
    final PumpsClient client = client(config().maxMessageSize(64).build());

    assertThatThrownBy(() -> client.writePrewrite(prewrite(TS, 200)))
        .isInstanceOf(BinlogWriteException.class)
        .hasMessageContaining("binlog data is too large")
        .hasMessageContaining(PumpClientConfig.MAX_MESSAGE_SIZE);
    assertThat(p1.calls()).isZero();
  }

  @Test
  void shouldRetryACommitUntilItsPumpComesBack() throws Exception {
    final FakePump p1 = pump("p1");
    final FakePump p2 = pump("p2");
    final PumpsClient client = client(config().build());
    client.writePrewrite(prewrite(TS));
    p1.stop();

    final CompletableFuture<Void> commit = client.writeCommit(Binlogs.commit(TS, TS + 5));
    Thread.sleep(500);
    assertThat(commit).isNotDone();
    p1.restart();

    commit.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(p1.find(TS, BinlogType.Commit)).isPresent();
    assertThat(p2.received()).isEmpty();
  }

  @Test
  void shouldDropACommitAfterTheGiveUpTime() {
    final FakePump p1 = pump("p1");
    final PumpsClient client = client(config().commitGiveUp(Duration.ofMillis(400)).build());
    client.writePrewrite(prewrite(TS));
    p1.stop();

    final CompletableFuture<Void> commit = client.writeCommit(Binlogs.commit(TS, TS + 5));

    assertThatThrownBy(() -> commit.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(BinlogWriteException.class)
        .hasMessageContaining("gave up")
        .hasMessageContaining("start_ts " + TS);
  }

  @Test
  void shouldFailCommitsStillRetryingWhenClosedAfterABoundedWait() throws Exception {
    final FakePump p1 = pump("p1");
    final PumpsClient client = client(config().writeTimeout(WRITE_TIMEOUT).build());
    client.writePrewrite(prewrite(TS));
    p1.stop();
    final CompletableFuture<Void> commit = client.writeCommit(Binlogs.commit(TS, TS + 5));

    final long begin = System.nanoTime();
    client.close();

    assertThat(Duration.ofNanos(System.nanoTime() - begin))
        .isLessThan(WRITE_TIMEOUT.plusSeconds(2));
    assertThat(commit).isCompletedExceptionally();
    assertThatThrownBy(() -> client.writePrewrite(prewrite(TS + 1)))
        .isInstanceOf(BinlogWriteException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void shouldSkipRegistryEntriesThatAreNotPumpJson() throws Exception {
    ETCD.client()
        .getKVClient()
        .put(bytes(ETCD.prefix() + "/v1/pumps/junk"), bytes("not json"))
        .get(5, TimeUnit.SECONDS);
    ETCD.client()
        .getKVClient()
        .put(bytes(ETCD.prefix() + "/v1/pumps/p9/nested"), bytes("{}"))
        .get(5, TimeUnit.SECONDS);
    final FakePump p1 = pump("p1");

    final PumpsClient client = client(config().build());
    client.writePrewrite(prewrite(TS));

    assertThat(client.pumps()).extracting(PumpInfo::nodeId).containsExactly("p1");
    assertThat(p1.find(TS, BinlogType.Prewrite)).isPresent();
  }

  private PumpClientConfig.Builder config() {
    return PumpClientConfig.builder(CLUSTER_ID)
        .registryKeys(keys)
        .writeTimeout(ROUTING_WRITE_TIMEOUT)
        .retrySleep(Duration.ofMillis(20))
        .errorThreshold(0)
        .probeInterval(Duration.ofMillis(200))
        .commitRetryInterval(Duration.ofMillis(100))
        .commitGiveUp(Duration.ofSeconds(30));
  }

  private PumpsClient client(final PumpClientConfig config) {
    final PumpsClient client = PumpsClient.using(config, ETCD.client(), ETCD.endpoints());
    clients.add(client);
    return client;
  }

  private FakePump pump(final String nodeId) {
    final FakePump pump = FakePump.start(ETCD.client(), keys, nodeId, CLUSTER_ID);
    fakePumps.add(pump);
    return pump;
  }

  private static ByteSequence bytes(final String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }

  private static PumpInfo info(final PumpsClient client, final String nodeId) {
    return client.pumps().stream()
        .filter(p -> p.nodeId().equals(nodeId))
        .findFirst()
        .orElseThrow(() -> new AssertionError("the client does not know pump " + nodeId));
  }

  private static boolean isAvailable(final PumpsClient client, final String nodeId) {
    return client.pumps().stream().anyMatch(p -> p.nodeId().equals(nodeId) && p.available());
  }

  private static Binlog prewrite(final long startTs) {
    return prewrite(startTs, 8);
  }

  /** A one-row insert prewrite whose row image is {@code rowBytes} long. */
  private static Binlog prewrite(final long startTs, final int rowBytes) {
    final PrewriteValue value =
        PrewriteValue.newBuilder()
            .setSchemaVersion(3)
            .addMutations(
                TableMutation.newBuilder()
                    .setTableId(42)
                    .addInsertedRows(ByteString.copyFrom(new byte[rowBytes]))
                    .addSequence(MutationType.Insert))
            .build();
    return Binlogs.prewrite(startTs, ByteString.copyFromUtf8("t_42_r_1"), value);
  }
}
