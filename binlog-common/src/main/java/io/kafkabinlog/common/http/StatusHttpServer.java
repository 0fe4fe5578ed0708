package io.kafkabinlog.common.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.kafkabinlog.common.concurrent.DaemonThreads;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.net.HostPort;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A component's status HTTP API on {@code status-addr}: binds, serves every request through one
 * {@link Routes} on two daemon threads, and turns a route's failure into a 500 (logged). With an
 * {@link SSLContext} it speaks HTTPS only, with the context's default parameters (so a context that
 * requires client certificates gets them required).
 */
public final class StatusHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatusHttpServer.class);

  /** How long {@link #close()} waits for replies in progress. */
  static final Duration REPLY_WAIT = Duration.ofSeconds(2);

  /** Answers a request. */
  @FunctionalInterface
  public interface Routes {
    /**
     * @param method the HTTP method
     * @param path the request URI's path
     */
    HttpReply route(String method, String path);
  }

  private final HttpServer server;
  private final ExecutorService executor;
  // Exchanges being handled: close() lets them finish (see REPLY_WAIT).
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Routes routes;
  private final boolean https;

  /**
   * Binds {@code addr} (port 0: any free port); {@link #start} serves.
   *
   * @param threadName name of the serving threads
   * @throws FatalBinlogException CONFIG_INVALID naming status-addr if it cannot be bound
   */
  public StatusHttpServer(
      final HostPort addr,
      final Optional<SSLContext> tls,
      final String threadName,
      final Routes routes) {
    this.routes = Objects.requireNonNull(routes, "routes");
    this.https = tls.isPresent();
    try {
      if (tls.isPresent()) {
        final HttpsServer secure = HttpsServer.create(addr.toSocketAddress(), 64);
        secure.setHttpsConfigurator(new HttpsConfigurator(tls.get()));
        server = secure;
      } else {
        server = HttpServer.create(addr.toSocketAddress(), 64);
      }
    } catch (IOException e) {
      throw new FatalBinlogException(
          ErrorCode.CONFIG_INVALID,
          "cannot bind the status API to status-addr " + addr + ": " + e.getMessage(),
          e);
    }
    executor = Executors.newFixedThreadPool(2, DaemonThreads.named(threadName));
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  public void start() {
    server.start();
    LOG.info(
        "status API on {}://{}:{}",
        https ? "https" : "http",
        server.getAddress().getHostString(),
        port());
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * Stops serving. A reply still being written (typically to the {@code PUT /state/.../pause} that
   * stops this very node) is given up to {@link #REPLY_WAIT} to reach its client first: stopping at
   * once closed its connection, and binlogctl saw "no bytes" for an action that had succeeded.
   */
  @Override
  public void close() {
    final long deadline = System.nanoTime() + REPLY_WAIT.toNanos();
    while (inFlight.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(final HttpExchange ex) throws IOException {
    inFlight.incrementAndGet();
    try {
      reply(ex);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private void reply(final HttpExchange ex) throws IOException {
    try (ex) {
      HttpReply reply;
      try {
        reply = routes.route(ex.getRequestMethod(), ex.getRequestURI().getPath());
      } catch (RuntimeException e) {
        LOG.error("{} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
        reply = HttpReply.text(500, "internal error: " + e.getMessage());
      }
      reply.headers().forEach((name, value) -> ex.getResponseHeaders().set(name, value));
      ex.getResponseHeaders().set("Content-Type", reply.contentType());
      ex.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
      if (reply.body().length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(reply.body());
        }
      }
    }
  }
}
