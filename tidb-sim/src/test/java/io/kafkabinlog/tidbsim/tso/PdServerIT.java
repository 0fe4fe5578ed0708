package io.kafkabinlog.tidbsim.tso;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.common.pd.PdTimestampOracle;
import io.kafkabinlog.schemas.proto.pd.GetMembersRequest;
import io.kafkabinlog.schemas.proto.pd.GetMembersResponse;
import io.kafkabinlog.schemas.proto.pd.PDGrpc;
import io.kafkabinlog.schemas.proto.pd.RequestHeader;
import io.kafkabinlog.schemas.proto.pd.TsoRequest;
import io.kafkabinlog.schemas.proto.pd.TsoResponse;
import io.kafkabinlog.testkit.ConcurrentCalls;
import io.kafkabinlog.testkit.EtcdServiceExtension;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** tidb-sim's PD and the PD client over real gRPC, with the window and cluster id in etcd. */
@Tag("integration")
@Timeout(180)
class PdServerIT {
  @RegisterExtension static final EtcdServiceExtension ETCD = new EtcdServiceExtension();

  private static final String HOST = "127.0.0.1";

  private final List<AutoCloseable> resources = new ArrayList<>();
  private PdKeys keys;

  @BeforeEach
  void setUp() {
    keys = new PdKeys(ETCD.prefix() + "/pd");
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  @Test
  void shouldHandOutStrictlyIncreasingTsosToFourThreadsAndAcrossARestart() throws Exception {
    final PdServer server = startServer(0);
    final PdTimestampOracle oracle =
        own(PdTimestampOracle.connect(List.of(URI.create(server.url()))));
    assertThat(oracle.clusterId()).isEqualTo(server.clusterId());

    // 1M calls from 4 threads over gRPC: each thread's TSOs increase, none is handed out twice.
    final long[] all =
        ConcurrentCalls.sortedDistinct(
            ConcurrentCalls.strictlyIncreasingPerThread(4, 250_000, oracle::getTimestamp));
    final long highest = all[all.length - 1];

    // Restart on the same etcd root and port: same cluster, only larger TSOs, same client.
    final int port = server.port();
    server.close();
    final PdServer restarted = startServer(port);
    assertThat(restarted.clusterId()).isEqualTo(server.clusterId());

    final long afterRestart = oracle.getTimestamp();
    assertThat(afterRestart).isGreaterThan(highest);
    final PdTimestampOracle fresh =
        own(PdTimestampOracle.connect(List.of(URI.create(restarted.url()))));
    assertThat(fresh.getTimestamp()).isGreaterThan(afterRestart);
  }

  @Test
  void shouldAnswerGetMembersWithItselfAsLeader() {
    final PdServer server = startServer(0);
    final ManagedChannel channel = channel(server);

    final GetMembersResponse members =
        PDGrpc.newBlockingStub(channel)
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .getMembers(GetMembersRequest.getDefaultInstance());

    assertThat(members.getHeader().getClusterId()).isEqualTo(server.clusterId());
    assertThat(members.getMembersList()).hasSize(1);
    assertThat(members.getLeader().getClientUrlsList()).containsExactly(server.url());
  }

  @Test
  void shouldRejectATsoRequestForAnotherCluster() throws Exception {
    final PdServer server = startServer(0);
    final long wrong = server.clusterId() + 1;

    final CompletableFuture<TsoResponse> answer = new CompletableFuture<>();
    final StreamObserver<TsoRequest> requests =
        PDGrpc.newStub(channel(server))
            .tso(
                new StreamObserver<>() {
                  @Override
                  public void onNext(final TsoResponse response) {
                    answer.complete(response);
                  }

                  @Override
                  public void onError(final Throwable error) {
                    answer.completeExceptionally(error);
                  }

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(
        TsoRequest.newBuilder()
            .setHeader(RequestHeader.newBuilder().setClusterId(wrong))
            .setCount(1)
            .build());

    assertThatThrownBy(() -> answer.get(5, TimeUnit.SECONDS))
        .cause()
        .satisfies(
            error -> {
              final Status status = Status.fromThrowable(error);
              assertThat(status.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(status.getDescription())
                  .contains(
                      "mismatch cluster id, need "
                          + Long.toUnsignedString(server.clusterId())
                          + " but got "
                          + Long.toUnsignedString(wrong));
            });

    // The client, configured for another cluster, refuses to start.
    assertThatThrownBy(
            () ->
                PdTimestampOracle.connect(
                    List.of(URI.create(server.url())), Duration.ofSeconds(3), wrong))
        .isInstanceOfSatisfying(
            FatalBinlogException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.CLUSTER_ID_MISMATCH));
  }

  @Test
  void shouldTimeOutWithTsoUnavailableWhenTheServerIsDown() {
    final PdServer server = startServer(0);
    final PdTimestampOracle oracle =
        own(
            PdTimestampOracle.connect(
                List.of(URI.create(server.url())), Duration.ofMillis(500), 0));
    oracle.getTimestamp();

    server.close();

    final long started = System.nanoTime();
    assertThatThrownBy(oracle::getTimestamp)
        .isInstanceOfSatisfying(
            RetriableBinlogException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.TSO_UNAVAILABLE);
              assertThat(e.getMessage()).contains(server.url(), "pd-urls");
            });
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
  }

  private PdServer startServer(final int port) {
    try {
      return own(PdServer.startOnEtcd(ETCD.client(), keys, 0, HOST, port));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private ManagedChannel channel(final PdServer server) {
    final ManagedChannel channel =
        Grpc.newChannelBuilderForAddress(HOST, server.port(), InsecureChannelCredentials.create())
            .build();
    resources.add(
        () -> {
          channel.shutdownNow();
          channel.awaitTermination(5, TimeUnit.SECONDS);
        });
    return channel;
  }

  private <T extends AutoCloseable> T own(final T resource) {
    resources.add(resource);
    return resource;
  }
}
