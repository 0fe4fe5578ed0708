package io.kafkabinlog.pump.ingest;

import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.netty.NettyServerBuilder;
import io.kafkabinlog.common.concurrent.DaemonThreads;
import io.kafkabinlog.common.net.HostPort;
import io.kafkabinlog.schemas.proto.binlog.PumpGrpc;
import io.kafkabinlog.schemas.proto.binlog.WriteBinlogReq;
import io.kafkabinlog.schemas.proto.binlog.WriteBinlogResp;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pump's gRPC endpoint: a Netty server on {@code [addr]} taking messages up to {@code
 * [max-message-size]} (TiDB sends binlogs of up to ~2 GiB), TLS when a server {@link SslContext} is
 * given, keepalive pings from clients accepted as often as every 10 s and without calls (TiDB's
 * client pings idle connections), and handlers on a fixed pool (they never wait on Kafka; see
 * {@link PumpGrpcService}).
 *
 * <p>{@code WriteBinlog} requests are parsed by {@link WriteBinlogReqMarshaller} (the payload held
 * once, not twice as protobuf's stream parser does) and a malformed one is answered with the
 * marshaller's INVALID_ARGUMENT ({@link ParseFailureReporting}); other methods are served as the
 * service defines them.
 */
public final class PumpGrpcServer {
  /**
   * Socket read size. While a large message arrives, gRPC keeps every HTTP/2 DATA frame (slices of
   * netty's cumulation buffer) until the message is complete, so netty copies each read plus the
   * partial frame left over (at most 16 KiB + 9) into a new cumulation, rounded up to a power of
   * two. With this read size that sum stays just under 128 KiB: a 1 GiB binlog takes about 1.1 GiB
   * of direct memory while it arrives, instead of up to twice its size with netty's adaptive reads
   * (measured: 2 GiB was not enough for 1 GiB).
   */
  static final int READ_BUFFER_BYTES = (128 << 10) - (16 << 10) - 1024;

  private static final Logger LOG = LoggerFactory.getLogger(PumpGrpcServer.class);

  private final Server server;
  private final ExecutorService executor;

  private PumpGrpcServer(final Server server, final ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds and starts serving.
   *
   * @throws UncheckedIOException if the address cannot be bound
   */
  public static PumpGrpcServer start(
      final HostPort addr,
      final int maxInboundMessageSize,
      final Optional<SslContext> tls,
      final BindableService service) {
    Objects.requireNonNull(tls, "tls");
    // One thread per core: the handlers never wait on Kafka, and every extra idle thread is one
    // more wake-up (and context switch) per call hand-off; with 4 threads on 2 cores the pump
    // bench's peak was 8.5-11.5k records/s, with 2 it was 15-21k.
    final ExecutorService executor =
        Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()),
            DaemonThreads.numbered("pump-grpc"));
    final NettyServerBuilder builder =
        NettyServerBuilder.forAddress(addr.toSocketAddress())
            .maxInboundMessageSize(maxInboundMessageSize)
            .permitKeepAliveTime(10, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .executor(executor)
            .withChildOption(
                ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(READ_BUFFER_BYTES))
            .addService(withOwnWriteBinlogParser(service.bindService(), maxInboundMessageSize));
    tls.ifPresent(builder::sslContext);
    final Server server = builder.build();
    try {
      server.start();
    } catch (IOException e) {
      executor.shutdownNow();
      throw new UncheckedIOException("cannot serve gRPC on " + addr + " ([addr])", e);
    }
    LOG.info(
        "serving binlog.Pump on {} (port {}, {})",
        addr,
        server.getPort(),
        tls.isPresent() ? "TLS" : "plaintext");
    return new PumpGrpcServer(server, executor);
  }

  /**
   * {@code definition} with {@code /binlog.Pump/WriteBinlog} parsed by {@link
   * WriteBinlogReqMarshaller}, reporting parse failures, and its handler unchanged.
   */
  private static ServerServiceDefinition withOwnWriteBinlogParser(
      final ServerServiceDefinition definition, final int maxInboundMessageSize) {
    final MethodDescriptor<WriteBinlogReq, WriteBinlogResp> writeBinlog =
        PumpGrpc.getWriteBinlogMethod().toBuilder()
            .setRequestMarshaller(new WriteBinlogReqMarshaller(maxInboundMessageSize))
            .build();
    final ServerMethodDefinition<ParseFailureReporting.Parsed<WriteBinlogReq>, WriteBinlogResp>
        replacement =
            ParseFailureReporting.of(
                ServerMethodDefinition.create(writeBinlog, writeBinlogHandler(definition)));
    final List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
    for (final ServerMethodDefinition<?, ?> method : definition.getMethods()) {
      final String name = method.getMethodDescriptor().getFullMethodName();
      methods.add(name.equals(writeBinlog.getFullMethodName()) ? replacement : method);
    }
    final ServiceDescriptor.Builder descriptor =
        ServiceDescriptor.newBuilder(definition.getServiceDescriptor().getName())
            .setSchemaDescriptor(definition.getServiceDescriptor().getSchemaDescriptor());
    methods.forEach(method -> descriptor.addMethod(method.getMethodDescriptor()));
    final ServerServiceDefinition.Builder result =
        ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(result::addMethod);
    return result.build();
  }

  /** The handler {@code definition} binds to PumpGrpc's WriteBinlog descriptor. */
  // Checked to be bound with PumpGrpc's own descriptor, whose types are WriteBinlogReq ->
  // WriteBinlogResp; the definition keeps them only as wildcards.
  @SuppressWarnings("unchecked")
  private static ServerCallHandler<WriteBinlogReq, WriteBinlogResp> writeBinlogHandler(
      final ServerServiceDefinition definition) {
    final MethodDescriptor<WriteBinlogReq, WriteBinlogResp> expected =
        PumpGrpc.getWriteBinlogMethod();
    final ServerMethodDefinition<?, ?> method = definition.getMethod(expected.getFullMethodName());
    if (method == null || method.getMethodDescriptor() != expected) {
      throw new IllegalArgumentException(
          definition.getServiceDescriptor().getName()
              + " does not serve "
              + expected.getFullMethodName()
              + " with PumpGrpc's descriptor");
    }
    return (ServerCallHandler<WriteBinlogReq, WriteBinlogResp>) method.getServerCallHandler();
  }

  /** The bound port (useful when {@code [addr]} asked for port 0). */
  public int port() {
    return server.getPort();
  }

  /** Stops taking calls, lets running ones finish for up to {@code grace}, then cancels them. */
  public void shutdown(final Duration grace) {
    server.shutdown();
    try {
      if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("gRPC calls still running after {}; cancelling them", grace);
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    } finally {
      executor.shutdownNow();
    }
  }
}
