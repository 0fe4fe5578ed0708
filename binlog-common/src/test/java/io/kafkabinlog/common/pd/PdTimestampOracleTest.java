package io.kafkabinlog.common.pd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.common.tso.Tso;
import io.kafkabinlog.schemas.proto.pd.GetMembersRequest;
import io.kafkabinlog.schemas.proto.pd.GetMembersResponse;
import io.kafkabinlog.schemas.proto.pd.Member;
import io.kafkabinlog.schemas.proto.pd.PDGrpc;
import io.kafkabinlog.schemas.proto.pd.ResponseHeader;
import io.kafkabinlog.schemas.proto.pd.Timestamp;
import io.kafkabinlog.schemas.proto.pd.TsoRequest;
import io.kafkabinlog.schemas.proto.pd.TsoResponse;
import io.kafkabinlog.testkit.ConcurrentCalls;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client against a scripted PD on a local port: batching, cluster ids, failures. */
@Timeout(30)
class PdTimestampOracleTest {
  private static final long CLUSTER_ID = 6_950_000_000_000_000_001L;
  private static final long PHYSICAL = 1_714_000_000_000L;

  private final List<Server> servers = new ArrayList<>();
  private final List<PdTimestampOracle> oracles = new ArrayList<>();

  @AfterEach
  void tearDown() throws InterruptedException {
    oracles.forEach(PdTimestampOracle::close);
    for (final Server server : servers) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void shouldDeriveEveryTimestampOfABatchInOrder() throws Exception {
    final ScriptedPd pd = new ScriptedPd(CLUSTER_ID);
    pd.answerDelayMillis = 1;
    final PdTimestampOracle oracle = connect(List.of(start(pd)), Duration.ofSeconds(5), 0);

    final int threads = 8;
    final int perThread = 300;
    final long[] all =
        ConcurrentCalls.sortedDistinct(
            ConcurrentCalls.strictlyIncreasingPerThread(threads, perThread, oracle::getTimestamp));

    // Every value PD handed out (1..N at one physical ms) was used exactly once.
    assertThat(all).hasSize(threads * perThread);
    assertThat(Arrays.stream(all).map(Tso::logical).min().getAsLong()).isEqualTo(1);
    assertThat(Arrays.stream(all).map(Tso::logical).max().getAsLong())
        .isEqualTo(threads * perThread);
    assertThat(Arrays.stream(all).allMatch(tso -> Tso.physicalMillis(tso) == PHYSICAL)).isTrue();
    assertThat(pd.maxCount.get()).as("callers were coalesced").isGreaterThan(1);
    assertThat(pd.requestClusterIds).containsOnly(CLUSTER_ID);
  }

  @Test
  void shouldLearnTheClusterIdFromGetMembers() {
    final PdTimestampOracle oracle =
        connect(List.of(start(new ScriptedPd(CLUSTER_ID))), Duration.ofSeconds(3), 0);

    assertThat(oracle.clusterId()).isEqualTo(CLUSTER_ID);
    assertThat(Tso.logical(oracle.getTimestamp())).isEqualTo(1);
  }

  @Test
  void shouldRefuseAnotherClusterThanTheExpectedOne() {
    final URI pd = start(new ScriptedPd(CLUSTER_ID));

    assertThatThrownBy(() -> connect(List.of(pd), Duration.ofSeconds(3), 42))
        .isInstanceOfSatisfying(
            FatalBinlogException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.CLUSTER_ID_MISMATCH);
              assertThat(e.getMessage())
                  .contains(Long.toUnsignedString(CLUSTER_ID), "42", "pd-urls");
            });
  }

  @Test
  void shouldTurnPdsMismatchStatusIntoAFatalError() {
    final ScriptedPd pd = new ScriptedPd(CLUSTER_ID);
    pd.tsoStatus =
        Status.FAILED_PRECONDITION.withDescription("mismatch cluster id, need 1 but got 2");
    final PdTimestampOracle oracle = connect(List.of(start(pd)), Duration.ofSeconds(3), 0);

    assertThatThrownBy(oracle::getTimestamp)
        .isInstanceOfSatisfying(
            FatalBinlogException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.CLUSTER_ID_MISMATCH);
              assertThat(e.getMessage()).contains("need 1 but got 2");
            });
  }

  @Test
  void shouldRejectAResponseFromAnotherCluster() {
    final ScriptedPd pd = new ScriptedPd(CLUSTER_ID);
    pd.tsoClusterId = CLUSTER_ID + 1;
    final PdTimestampOracle oracle = connect(List.of(start(pd)), Duration.ofSeconds(3), 0);

    assertThatThrownBy(oracle::getTimestamp)
        .isInstanceOfSatisfying(
            FatalBinlogException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.CLUSTER_ID_MISMATCH));
  }

  @Test
  void shouldGiveUpWithTsoUnavailableWhenPdDoesNotAnswer() {
    final ScriptedPd pd = new ScriptedPd(CLUSTER_ID);
    pd.silent = true;
    final URI url = start(pd);
    final PdTimestampOracle oracle = connect(List.of(url), Duration.ofMillis(300), 0);

    final long started = System.nanoTime();
    assertThatThrownBy(oracle::getTimestamp)
        .isInstanceOfSatisfying(
            RetriableBinlogException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.TSO_UNAVAILABLE);
              assertThat(e.getMessage()).contains(url.toString(), "pd-urls", "300 ms");
            });
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void shouldFailToConnectWhenNoEndpointAnswers() throws IOException {
    final URI nobody = URI.create("http://127.0.0.1:" + freePort());

    assertThatThrownBy(() -> connect(List.of(nobody), Duration.ofMillis(500), 0))
        .isInstanceOfSatisfying(
            RetriableBinlogException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.TSO_UNAVAILABLE);
              assertThat(e.getMessage()).contains(nobody.toString());
            });
  }

  @Test
  void shouldUseTheNextEndpointWhenTheFirstIsDown() throws IOException {
    final URI nobody = URI.create("http://127.0.0.1:" + freePort());
    final URI pd = start(new ScriptedPd(CLUSTER_ID));

    final PdTimestampOracle oracle = connect(List.of(nobody, pd), Duration.ofSeconds(3), 0);

    assertThat(oracle.getTimestamp()).isEqualTo(Tso.compose(PHYSICAL, 1));
  }

  @Test
  void shouldReopenTheStreamAfterPdDropsIt() {
    final ScriptedPd pd = new ScriptedPd(CLUSTER_ID);
    pd.breakStreamAfter = 1;
    final PdTimestampOracle oracle = connect(List.of(start(pd)), Duration.ofSeconds(3), 0);

    final long first = oracle.getTimestamp();
    final long second = oracle.getTimestamp();
    final long third = oracle.getTimestamp();

    assertThat(second).isGreaterThan(first);
    assertThat(third).isGreaterThan(second);
    assertThat(pd.streams.get()).isGreaterThan(1);
  }

  @Test
  void shouldDeriveLogicalsWithSuffixBitsAsPdsClientDoes() {
    final PdTimestampOracle.TsoBatch batch =
        PdTimestampOracle.TsoBatch.of(
            TsoResponse.newBuilder()
                .setCount(3)
                .setTimestamp(
                    Timestamp.newBuilder().setPhysical(PHYSICAL).setLogical(40).setSuffixBits(2))
                .build(),
            "test");

    assertThat(List.of(batch.tso(0), batch.tso(1), batch.tso(2)))
        .containsExactly(
            Tso.compose(PHYSICAL, 32), Tso.compose(PHYSICAL, 36), Tso.compose(PHYSICAL, 40));
  }

  @Test
  void shouldRejectAnImpossibleBatch() {
    assertThatThrownBy(
            () ->
                PdTimestampOracle.TsoBatch.of(
                    TsoResponse.newBuilder()
                        .setCount(5)
                        .setTimestamp(Timestamp.newBuilder().setPhysical(PHYSICAL).setLogical(3))
                        .build(),
                    "http://pd:2379"))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining("http://pd:2379");
  }

  @Test
  void shouldRefuseCallsAfterClose() {
    final PdTimestampOracle oracle =
        connect(List.of(start(new ScriptedPd(CLUSTER_ID))), Duration.ofSeconds(3), 0);
    oracle.close();

    assertThatThrownBy(oracle::getTimestamp)
        .isInstanceOfSatisfying(
            RetriableBinlogException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.SHUTTING_DOWN));
  }

  // ---- fixtures ------------------------------------------------------------------------------

  private PdTimestampOracle connect(
      final List<URI> endpoints, final Duration timeout, final long expectedClusterId) {
    final PdTimestampOracle oracle =
        PdTimestampOracle.connect(endpoints, timeout, expectedClusterId);
    oracles.add(oracle);
    return oracle;
  }

  private URI start(final ScriptedPd pd) {
    try {
      final Server server =
          Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
              .addService(pd)
              .build()
              .start();
      servers.add(server);
      pd.url = "http://127.0.0.1:" + server.getPort();
      return URI.create(pd.url);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** A PD whose answers the test scripts; logical values count up within one physical ms. */
  private static final class ScriptedPd extends PDGrpc.PDImplBase {
    private final long clusterId;
    private final AtomicInteger logical = new AtomicInteger();
    final AtomicInteger maxCount = new AtomicInteger();
    final AtomicInteger streams = new AtomicInteger();
    final Queue<Long> requestClusterIds = new ConcurrentLinkedQueue<>();
    volatile String url;
    volatile long answerDelayMillis;
    volatile boolean silent;
    volatile Status tsoStatus;
    volatile long tsoClusterId;
    volatile int breakStreamAfter;

    ScriptedPd(final long clusterId) {
      this.clusterId = clusterId;
      this.tsoClusterId = clusterId;
    }

    @Override
    public void getMembers(
        final GetMembersRequest request, final StreamObserver<GetMembersResponse> response) {
      final Member self =
          Member.newBuilder().setName("pd").setMemberId(1).addClientUrls(url).build();
      response.onNext(
          GetMembersResponse.newBuilder()
              .setHeader(ResponseHeader.newBuilder().setClusterId(clusterId))
              .addMembers(self)
              .setLeader(self)
              .build());
      response.onCompleted();
    }

    @Override
    public StreamObserver<TsoRequest> tso(final StreamObserver<TsoResponse> response) {
      streams.incrementAndGet();
      return new StreamObserver<>() {
        private int answered;

        @Override
        public void onNext(final TsoRequest request) {
          requestClusterIds.add(request.getHeader().getClusterId());
          maxCount.accumulateAndGet(request.getCount(), Math::max);
          if (silent) {
            return;
          }
          if (tsoStatus != null) {
            response.onError(tsoStatus.asRuntimeException());
            return;
          }
          if (breakStreamAfter > 0 && answered == breakStreamAfter) {
            response.onError(Status.UNAVAILABLE.withDescription("leader changed").asException());
            return;
          }
          sleep(answerDelayMillis);
          answered++;
          response.onNext(
              TsoResponse.newBuilder()
                  .setHeader(ResponseHeader.newBuilder().setClusterId(tsoClusterId))
                  .setCount(request.getCount())
                  .setTimestamp(
                      Timestamp.newBuilder()
                          .setPhysical(PHYSICAL)
                          .setLogical(logical.addAndGet(request.getCount())))
                  .build());
        }

        @Override
        public void onError(final Throwable error) {}

        @Override
        public void onCompleted() {
          response.onCompleted();
        }
      };
    }

    private static void sleep(final long millis) {
      if (millis > 0) {
        try {
          Thread.sleep(millis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
