package io.kafkabinlog.pump.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.kafkabinlog.common.net.HostPort;
import io.kafkabinlog.pump.state.PumpState;
import io.kafkabinlog.pump.testing.TestPrewrites;
import io.kafkabinlog.schemas.proto.binlog.Binlog;
import io.kafkabinlog.schemas.proto.binlog.PullBinlogReq;
import io.kafkabinlog.schemas.proto.binlog.PumpGrpc;
import io.kafkabinlog.schemas.proto.binlog.WriteBinlogReq;
import io.kafkabinlog.schemas.proto.binlog.WriteBinlogResp;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** WriteBinlog over Netty through {@link PumpGrpcServer}, parsed by its own marshaller. */
class PumpGrpcServerTest {
  private static final long CLUSTER = 7;
  private static final long TS = 449_378_383_472_705_537L;
  private static final int MAX_MESSAGE = 96 << 20;

  private final PumpState state = new PumpState();
  private final FakeRawLog rawLog = new FakeRawLog();
  private PumpGrpcServer server;
  private ManagedChannel channel;
  private PumpGrpc.PumpBlockingStub blocking;

  /** Sends raw bytes as a WriteBinlogReq, so that the server sees exactly them. */
  private static final MethodDescriptor.Marshaller<byte[]> RAW =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(final byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(final InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  @BeforeEach
  void start() {
    server =
        PumpGrpcServer.start(
            new HostPort("127.0.0.1", 0),
            MAX_MESSAGE,
            Optional.empty(),
            TestPumpGrpcServices.of(CLUSTER, state, rawLog, "binlog.7.raw"));
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.port())
            .usePlaintext()
            .maxInboundMessageSize(MAX_MESSAGE)
            .build();
    blocking = PumpGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdown(Duration.ofSeconds(5));
  }

  @Test
  void a64MiBBinlogArrivesIntact() {
    state.goOnline();
    final byte[] row = new byte[64 << 20];
    new Random(3).nextBytes(row);
    final Binlog binlog = TestPrewrites.oneRow(TS, row);
    final ByteString payload = binlog.toByteString();
    final WriteBinlogResp resp =
        blocking.writeBinlog(
            WriteBinlogReq.newBuilder().setClusterID(CLUSTER).setPayload(payload).build());
    assertThat(resp.getErrmsg()).isEmpty();
    assertThat(rawLog.payloads).hasSize(1);
    assertThat(rawLog.payloads.get(0).size()).isEqualTo(payload.size());
    assertThat(rawLog.payloads.get(0).equals(payload)).as("payload equal").isTrue();
  }

  @Test
  void theServiceStillAnswersAsBefore() {
    assertThat(
            blocking
                .writeBinlog(WriteBinlogReq.newBuilder().setClusterID(CLUSTER).build())
                .getErrmsg())
        .isEmpty();
    assertThatThrownBy(
            () -> blocking.writeBinlog(WriteBinlogReq.newBuilder().setClusterID(8).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getDescription()).contains("cluster ID are mismatch"));
    assertThatThrownBy(
            () ->
                blocking
                    .pullBinlogs(PullBinlogReq.newBuilder().setClusterID(CLUSTER).build())
                    .hasNext())
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
  }

  @Test
  void aMalformedRequestIsInvalidArgumentSayingWhy() {
    state.goOnline();
    final MethodDescriptor<byte[], WriteBinlogResp> raw =
        PumpGrpc.getWriteBinlogMethod().toBuilder(
                RAW, PumpGrpc.getWriteBinlogMethod().getResponseMarshaller())
            .build();
    // clusterID = 7, then a payload that declares 1000 bytes and has 3.
    final byte[] truncated = {0x08, 0x07, 0x12, (byte) 0xe8, 0x07, 1, 2, 3};
    assertThatThrownBy(
            () ->
                ClientCalls.blockingUnaryCall(
                    channel,
                    raw,
                    io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                    truncated))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription())
                  .isEqualTo(
                      "malformed binlog.WriteBinlogReq at byte 3: truncated: payload (field 2)"
                          + " declares 1000 bytes, only 3 follow");
            });
    assertThat(rawLog.appended).isEmpty();
    // The connection and the server keep working.
    assertThat(
            blocking
                .writeBinlog(WriteBinlogReq.newBuilder().setClusterID(CLUSTER).build())
                .getErrmsg())
        .isEmpty();
  }
}
