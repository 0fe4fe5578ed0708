package io.kafkabinlog.pump.ingest;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.kafkabinlog.common.net.HostPort;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pump's gRPC endpoint: a Netty server on {@code [addr]} taking messages up to {@code
 * [max-message-size]} (TiDB sends binlogs of up to ~2 GiB), TLS when a server {@link SslContext} is
 * given, keepalive pings from clients accepted as often as every 10 s and without calls (TiDB's
 * client pings idle connections), and handlers on a fixed pool (they never wait on Kafka; see
 * {@link PumpGrpcService}).
 */
public final class PumpGrpcServer {
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
    final ExecutorService executor =
        Executors.newFixedThreadPool(
            Math.max(4, 2 * Runtime.getRuntime().availableProcessors()), threads());
    final NettyServerBuilder builder =
        NettyServerBuilder.forAddress(addr.toSocketAddress())
            .maxInboundMessageSize(maxInboundMessageSize)
            .permitKeepAliveTime(10, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .executor(executor)
            .addService(service);
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

  private static ThreadFactory threads() {
    final AtomicInteger count = new AtomicInteger();
    return runnable -> {
      final Thread thread = new Thread(runnable, "pump-grpc-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
