package io.kafkabinlog.pump.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import io.kafkabinlog.pump.state.PumpPhase;
import io.kafkabinlog.pump.state.PumpState;
import io.kafkabinlog.schemas.binlog.Binlogs;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.BinlogType;
import io.kafkabinlog.schemas.proto.binlog.PullBinlogReq;
import io.kafkabinlog.schemas.proto.binlog.PumpGrpc;
import io.kafkabinlog.schemas.proto.binlog.WriteBinlogReq;
import io.kafkabinlog.schemas.proto.binlog.WriteBinlogResp;
import io.kafkabinlog.schemas.raw.BinlogHeader;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PumpGrpcServiceTest {
  private static final long CLUSTER = 7;
  private static final long TS = 449_378_383_472_705_537L;
  private static final String TOPIC = "binlog.7.raw";

  private final PumpState state = new PumpState();
  private final FakeRawLog rawLog = new FakeRawLog();
  private Server server;
  private ManagedChannel channel;
  private PumpGrpc.PumpBlockingStub blocking;
  private PumpGrpc.PumpFutureStub async;

  @BeforeEach
  void start() throws Exception {
    final String name = InProcessServerBuilder.generateName();
    server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(TestPumpGrpcServices.of(CLUSTER, state, rawLog, TOPIC))
            .build()
            .start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    blocking = PumpGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    async = PumpGrpc.newFutureStub(channel);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  private static WriteBinlogReq request(final long clusterId, final Binlog binlog) {
    return request(clusterId, binlog.toByteString());
  }

  private static WriteBinlogReq request(final long clusterId, final ByteString payload) {
    return WriteBinlogReq.newBuilder().setClusterID(clusterId).setPayload(payload).build();
  }

  private static Binlog prewrite() {
    return Binlogs.prewrite(TS, ByteString.copyFromUtf8("pk"), BinlogValidatorTest.value());
  }

  private void assertRefused(
      final WriteBinlogReq request, final Status.Code code, final String description) {
    assertThatThrownBy(() -> blocking.writeBinlog(request))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(code);
              assertThat(e.getStatus().getDescription()).contains(description);
            });
  }

  @Test
  void storesAPrewriteWhileOnlineAndRepliesEmptyErrmsg() {
    state.goOnline();
    final WriteBinlogResp resp = blocking.writeBinlog(request(CLUSTER, prewrite()));
    assertThat(resp.getErrmsg()).isEmpty();
    assertThat(rawLog.appended).containsExactly(new BinlogHeader(BinlogType.Prewrite, TS, 0));
    assertThat(rawLog.payloads).containsExactly(prewrite().toByteString());
  }

  @Test
  void wrongClusterIdIsRefusedWithTheOriginalText() {
    state.goOnline();
    assertRefused(
        request(8, prewrite()), Status.Code.INVALID_ARGUMENT, "cluster ID are mismatch, 8 vs 7");
    // Checked before the probe, as in the original: old clients probe with a fake id.
    assertRefused(
        request(-1, ByteString.EMPTY),
        Status.Code.INVALID_ARGUMENT,
        "cluster ID are mismatch, 18446744073709551615 vs 7");
    assertThat(rawLog.appended).isEmpty();
  }

  @Test
  void probeSucceedsAndStoresNothingInEveryPhase() {
    assertThat(blocking.writeBinlog(request(CLUSTER, ByteString.EMPTY)).getErrmsg()).isEmpty();
    state.goOnline();
    assertThat(blocking.writeBinlog(request(CLUSTER, ByteString.EMPTY)).getErrmsg()).isEmpty();
    assertThat(rawLog.appended).isEmpty();
  }

  @Test
  void truncatedAndMalformedPayloadsAreRefused() {
    state.goOnline();
    final byte[] bytes = prewrite().toByteArray();
    assertRefused(
        request(CLUSTER, ByteString.copyFrom(Arrays.copyOf(bytes, bytes.length - 3))),
        Status.Code.INVALID_ARGUMENT,
        "binlog.Binlog");
    assertRefused(
        request(CLUSTER, ByteString.copyFromUtf8("definitely not a binlog")),
        Status.Code.INVALID_ARGUMENT,
        "binlog.Binlog");
    assertRefused(
        request(CLUSTER, Binlogs.commit(TS, TS - 1)),
        Status.Code.INVALID_ARGUMENT,
        "commit_ts > start_ts");
    assertThat(rawLog.appended).isEmpty();
    // The pump keeps serving.
    assertThat(blocking.writeBinlog(request(CLUSTER, prewrite())).getErrmsg()).isEmpty();
  }

  @Test
  void prewriteIsRefusedUnlessOnline() {
    assertRefused(
        request(CLUSTER, prewrite()), Status.Code.FAILED_PRECONDITION, "no online: starting");
    state.goOnline();
    state.begin(PumpPhase.PAUSING);
    assertRefused(
        request(CLUSTER, prewrite()), Status.Code.FAILED_PRECONDITION, "no online: pausing");
    state.finish();
    assertRefused(
        request(CLUSTER, prewrite()), Status.Code.FAILED_PRECONDITION, "no online: paused");
    // DDL prewrites too.
    assertRefused(
        request(CLUSTER, Binlogs.ddl(TS, 3, 0, "create table t (a int)")),
        Status.Code.FAILED_PRECONDITION,
        "no online: paused");
    assertThat(rawLog.appended).isEmpty();
  }

  @Test
  void prewriteIsRefusedWhileClosingButCommitsAndRollbacksAreAccepted() {
    state.goOnline();
    state.begin(PumpPhase.CLOSING);
    assertRefused(
        request(CLUSTER, prewrite()), Status.Code.FAILED_PRECONDITION, "no online: closing");
    assertThat(
            blocking
                .writeBinlog(request(CLUSTER, Binlogs.commitOf(prewrite(), TS + 5)))
                .getErrmsg())
        .isEmpty();
    assertThat(blocking.writeBinlog(request(CLUSTER, Binlogs.rollback(TS + 1))).getErrmsg())
        .isEmpty();
    assertThat(blocking.writeBinlog(request(CLUSTER, Binlogs.fake(TS + 9))).getErrmsg()).isEmpty();
    assertThat(rawLog.appended)
        .extracting(BinlogHeader::type)
        .containsExactly(BinlogType.Commit, BinlogType.Rollback, BinlogType.Rollback);
  }

  @Test
  void commitIsAcceptedWhilePaused() {
    state.goOnline();
    state.begin(PumpPhase.PAUSING);
    state.finish();
    assertThat(blocking.writeBinlog(request(CLUSTER, Binlogs.commit(TS, TS + 1))).getErrmsg())
        .isEmpty();
    assertThat(rawLog.appended).containsExactly(new BinlogHeader(BinlogType.Commit, TS, TS + 1));
  }

  @Test
  void repliesOnlyAfterKafkaAcknowledged() throws Exception {
    state.goOnline();
    final CompletableFuture<RawPosition> ack = new CompletableFuture<>();
    rawLog.next = ack;
    final Future<WriteBinlogResp> reply = async.writeBinlog(request(CLUSTER, prewrite()));
    Thread.sleep(200);
    assertThat(rawLog.appended).hasSize(1);
    assertThat(reply).isNotDone();
    ack.complete(new RawPosition(0, 12, 1));
    assertThat(reply.get(5, TimeUnit.SECONDS).getErrmsg()).isEmpty();
  }

  @Test
  void kafkaFailureIsUnavailable() {
    state.goOnline();
    rawLog.next =
        CompletableFuture.failedFuture(
            new RetriableBinlogException(
                ErrorCode.KAFKA_UNAVAILABLE,
                "Kafka did not acknowledge the binlog of start_ts 1 on binlog.7.raw-0: timeout"));
    assertRefused(
        request(CLUSTER, prewrite()),
        Status.Code.UNAVAILABLE,
        "Kafka did not acknowledge the binlog of start_ts 1 on binlog.7.raw-0");
  }

  @Test
  void aSealedPartitionRefusesLikeAPumpThatIsNotOnline() {
    state.goOnline();
    rawLog.next =
        CompletableFuture.failedFuture(
            new FatalBinlogException(ErrorCode.SHUTTING_DOWN, "no online: closing"));
    assertRefused(
        request(CLUSTER, Binlogs.commitOf(prewrite(), TS + 1)),
        Status.Code.FAILED_PRECONDITION,
        "no online: closing");
  }

  @Test
  void appendThrowingIsUnavailableToo() {
    state.goOnline();
    final RawLog throwing =
        new FakeRawLog() {
          @Override
          public CompletableFuture<RawPosition> append(
              final BinlogHeader header, final ByteString payload) {
            throw new IllegalStateException("producer closed");
          }
        };
    final PumpGrpcService service = TestPumpGrpcServices.of(CLUSTER, state, throwing, TOPIC);
    final CompletableFuture<Throwable> error = new CompletableFuture<>();
    service.writeBinlog(
        request(CLUSTER, prewrite()),
        new io.grpc.stub.StreamObserver<>() {
          @Override
          public void onNext(final WriteBinlogResp value) {
            error.complete(null);
          }

          @Override
          public void onError(final Throwable t) {
            error.complete(t);
          }

          @Override
          public void onCompleted() {}
        });
    assertThat(Status.fromThrowable(error.join()).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(Status.fromThrowable(error.join()).getDescription()).contains("producer closed");
  }

  @Test
  void pullBinlogsPointsToKafka() {
    assertThatThrownBy(
            () ->
                blocking
                    .pullBinlogs(PullBinlogReq.newBuilder().setClusterID(CLUSTER).build())
                    .hasNext())
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
              assertThat(e.getStatus().getDescription()).contains(TOPIC).contains("ordering");
            });
  }
}
