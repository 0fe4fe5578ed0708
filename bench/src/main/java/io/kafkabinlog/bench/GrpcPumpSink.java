package io.kafkabinlog.bench;

import com.google.protobuf.UnsafeByteOperations;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.kafkabinlog.schemas.proto.binlog.PumpGrpc;
import io.kafkabinlog.schemas.proto.binlog.WriteBinlogReq;
import io.kafkabinlog.schemas.proto.binlog.WriteBinlogResp;
import java.util.concurrent.TimeUnit;

/** WriteBinlog calls to a pump, as TiDB's pump client makes them (one binlog per call). */
final class GrpcPumpSink implements BinlogSink {
  private final ManagedChannel channel;
  private final PumpGrpc.PumpStub stub;
  private final long clusterId;

  GrpcPumpSink(final String addr, final long clusterId) {
    // The callbacks only count and release a permit, so they run on the transport thread: grpc's
    // default executor hands every call's callbacks to another thread (a wake-up and a context
    // switch per call), which on a 2-core box cost the client more CPU than the pump used.
    this.channel = NettyChannelBuilder.forTarget(addr).usePlaintext().directExecutor().build();
    this.stub = PumpGrpc.newStub(channel);
    this.clusterId = clusterId;
  }

  @Override
  public void send(final BenchBinlog binlog, final Done done) {
    stub.withDeadlineAfter(30, TimeUnit.SECONDS)
        .writeBinlog(
            WriteBinlogReq.newBuilder()
                .setClusterID(clusterId)
                .setPayload(UnsafeByteOperations.unsafeWrap(binlog.payload()))
                .build(),
            new StreamObserver<>() {
              private String errmsg = "";

              @Override
              public void onNext(final WriteBinlogResp resp) {
                errmsg = resp.getErrmsg();
              }

              @Override
              public void onError(final Throwable error) {
                done.completed(error);
              }

              @Override
              public void onCompleted() {
                done.completed(errmsg.isEmpty() ? null : new IllegalStateException(errmsg));
              }
            });
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
