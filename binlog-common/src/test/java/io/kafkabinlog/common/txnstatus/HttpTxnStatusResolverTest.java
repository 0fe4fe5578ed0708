package io.kafkabinlog.common.txnstatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.error.RetriableBinlogException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client side against a stub server; tidb-sim tests it against its real status server. */
class HttpTxnStatusResolverTest {
  private HttpServer server;
  private final AtomicInteger status = new AtomicInteger(200);
  private final AtomicReference<String> body = new AtomicReference<>();
  private final AtomicReference<String> path = new AtomicReference<>();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        ex -> {
          path.set(ex.getRequestURI().getPath());
          final byte[] b = body.get().getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(status.get(), b.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private HttpTxnStatusResolver resolver() {
    return new HttpTxnStatusResolver(
        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"),
        Duration.ofSeconds(2),
        "pump.txn-status-url");
  }

  @Test
  void shouldMapTheThreeAnswers() {
    body.set("{\"start_ts\":42,\"status\":\"committed\",\"commit_ts\":50}");
    assertThat(resolver().resolve(42, new byte[0])).isEqualTo(new TxnStatus.Committed(50));
    assertThat(path.get()).isEqualTo("/txn-status/42");
    body.set("{\"start_ts\":42,\"status\":\"rolled_back\",\"commit_ts\":0}");
    assertThat(resolver().resolve(42, null)).isEqualTo(new TxnStatus.RolledBack());
    body.set("{\"start_ts\":42,\"status\":\"pending\",\"commit_ts\":0}");
    assertThat(resolver().resolve(42, null)).isEqualTo(new TxnStatus.Pending());
  }

  @Test
  void shouldTreatServerErrorsAsRetriable() {
    status.set(503);
    body.set("busy");
    assertThatThrownBy(() -> resolver().resolve(1, null))
        .isInstanceOfSatisfying(
            RetriableBinlogException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.TXN_STATUS_UNAVAILABLE))
        .hasMessageContaining("HTTP 503");
  }

  @Test
  void shouldRejectAnswersThatAreNotTxnStatus() {
    status.set(404);
    body.set("404 page not found");
    assertThatThrownBy(() -> resolver().resolve(1, null))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining("pump.txn-status-url");
    status.set(200);
    body.set("{\"start_ts\":2,\"status\":\"committed\",\"commit_ts\":9}");
    assertThatThrownBy(() -> resolver().resolve(1, null))
        .isInstanceOfSatisfying(
            FatalBinlogException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_INPUT));
    body.set("{\"start_ts\":1,\"status\":\"maybe\"}");
    assertThatThrownBy(() -> resolver().resolve(1, null)).isInstanceOf(FatalBinlogException.class);
  }

  @Test
  void shouldReportAnUnreachableServiceAsRetriableNamingUrlAndSetting() throws Exception {
    final int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    final HttpTxnStatusResolver r =
        new HttpTxnStatusResolver(
            URI.create("http://127.0.0.1:" + port), Duration.ofSeconds(1), "pump.txn-status-url");
    assertThatThrownBy(() -> r.resolve(7, null))
        .isInstanceOfSatisfying(
            RetriableBinlogException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.TXN_STATUS_UNAVAILABLE))
        .hasMessageContaining("http://127.0.0.1:" + port + "/txn-status/7")
        .hasMessageContaining("pump.txn-status-url");
  }

  @Test
  void shouldRejectANonHttpUrl() {
    assertThatThrownBy(
            () -> new HttpTxnStatusResolver(URI.create("tcp://x:1"), Duration.ofSeconds(1)))
        .isInstanceOf(FatalBinlogException.class)
        .hasMessageContaining(HttpTxnStatusResolver.DEFAULT_SETTING);
  }
}
