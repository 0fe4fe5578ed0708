package io.kafkabinlog.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.common.net.HostPort;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class StatusHttpServerTest {

  @Test
  void shouldDeliverAReplyInProgressWhenClosed() throws Exception {
    // The route that stops the node (PUT /state/.../pause) is still replying when the node closes
    // its server: the client must get that reply, not a closed connection.
    final CountDownLatch entered = new CountDownLatch(1);
    final StatusHttpServer server =
        new StatusHttpServer(
            HostPort.parse("status-addr", "127.0.0.1:0"),
            Optional.empty(),
            "status-http-test",
            (method, path) -> {
              entered.countDown();
              try {
                Thread.sleep(300);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return HttpReply.text(500, "interrupted");
              }
              return HttpReply.text(200, "paused");
            });
    server.start();
    final CompletableFuture<HttpResponse<String>> response =
        HttpClient.newHttpClient()
            .sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/state"))
                    .PUT(HttpRequest.BodyPublishers.noBody())
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

    final long begin = System.nanoTime();
    server.close();

    final HttpResponse<String> reply = response.get(10, TimeUnit.SECONDS);
    assertThat(reply.statusCode()).isEqualTo(200);
    assertThat(reply.body()).isEqualTo("paused");
    assertThat(Duration.ofNanos(System.nanoTime() - begin))
        .isLessThan(StatusHttpServer.REPLY_WAIT.plusSeconds(1));
  }

  @Test
  void shouldCloseAtOnceWhenNothingIsInProgress() {
    final StatusHttpServer server =
        new StatusHttpServer(
            HostPort.parse("status-addr", "127.0.0.1:0"),
            Optional.empty(),
            "status-http-test",
            (method, path) -> HttpReply.text(200, "ok"));
    server.start();

    final long begin = System.nanoTime();
    server.close();

    assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofMillis(500));
  }
}
