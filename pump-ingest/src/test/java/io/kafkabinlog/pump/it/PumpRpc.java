package io.kafkabinlog.pump.it;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.kafkabinlog.schemas.proto.binlog.PumpGrpc;
import io.kafkabinlog.schemas.proto.binlog.WriteBinlogReq;
import io.kafkabinlog.schemas.proto.binlog.WriteBinlogResp;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A bare {@code binlog.Pump} client: one WriteBinlog call, its outcome as a value. */
final class PumpRpc implements AutoCloseable {
  private final ManagedChannel channel;
  private final PumpGrpc.PumpBlockingStub stub;

  /** What one call came back with. */
  record Reply(boolean ok, String error, String code) {
    static Reply accepted() {
      return new Reply(true, "", "OK");
    }
  }

  PumpRpc(final String addr) {
    channel = NettyChannelBuilder.forTarget(addr).usePlaintext().build();
    stub =
        PumpGrpc.newBlockingStub(channel)
            .withMaxOutboundMessageSize(Integer.MAX_VALUE)
            .withMaxInboundMessageSize(64 << 20);
  }

  Reply write(final long clusterId, final ByteString payload, final Duration deadline) {
    try {
      final WriteBinlogResp resp =
          stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
              .writeBinlog(
                  WriteBinlogReq.newBuilder().setClusterID(clusterId).setPayload(payload).build());
      return resp.getErrmsg().isEmpty()
          ? Reply.accepted()
          : new Reply(false, resp.getErrmsg(), "OK");
    } catch (StatusRuntimeException e) {
      final String description = e.getStatus().getDescription();
      return new Reply(
          false, description == null ? "" : description, e.getStatus().getCode().name());
    }
  }

  Reply write(final long clusterId, final byte[] payload) {
    return write(clusterId, ByteString.copyFrom(payload), Duration.ofSeconds(30));
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
