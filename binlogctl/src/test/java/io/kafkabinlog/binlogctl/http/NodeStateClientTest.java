package io.kafkabinlog.binlogctl.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.kafkabinlog.common.error.BinlogException;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.registry.NodeKind;
import io.kafkabinlog.common.registry.NodeState;
import io.kafkabinlog.common.registry.NodeStatus;
import io.kafkabinlog.common.registry.RegisteredNode;
import io.kafkabinlog.testkit.FreePorts;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NodeStateClientTest {
  private final NodeStateClient client = new NodeStateClient(Duration.ofSeconds(5));
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private HttpServer server;
  private volatile int status = 200;
  private volatile String body =
      "{\"message\":\"apply action pause success!\",\"code\":200,\"data\":null}";

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath());
          final byte[] reply = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, reply.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(reply);
          }
        });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  private static RegisteredNode node(final NodeStatus status, final boolean live) {
    return new RegisteredNode(status, live, 1);
  }

  @Test
  void shouldPutTheActionToTheStatusAddressWithTheNodeIdAsItIs() {
    final NodeStatus pump =
        NodeStatus.of("pump-1:8250", "127.0.0.1:1", NodeState.ONLINE).withStatusAddr(address());

    final String reply =
        client.apply(NodeKind.PUMP, node(pump, true), NodeStateClient.Action.PAUSE);

    assertThat(reply).isEqualTo("apply action pause success!");
    assertThat(requests).containsExactly("PUT /state/pump-1:8250/pause");
  }

  @Test
  void shouldUseTheHostWhenNoStatusAddressIsRegisteredAsTheOriginalNodesServeBoth() {
    final NodeStatus drainer = NodeStatus.of("drainer-1", address(), NodeState.ONLINE);

    client.apply(NodeKind.DRAINER, node(drainer, false), NodeStateClient.Action.CLOSE);

    assertThat(requests).containsExactly("PUT /state/drainer-1/close");
  }

  @Test
  void shouldFailWithTheNodesMessageWhenItRefuses() {
    body = "{\"message\":\"pump pump-1 is paused, not online\",\"code\":3,\"data\":null}";
    final NodeStatus pump =
        NodeStatus.of("pump-1", "127.0.0.1:1", NodeState.PAUSED).withStatusAddr(address());

    assertThatThrownBy(
            () -> client.apply(NodeKind.PUMP, node(pump, true), NodeStateClient.Action.CLOSE))
        .isInstanceOfSatisfying(
            BinlogException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.REGISTRY_CONFLICT))
        .hasMessageContaining("pump pump-1 refused PUT http://" + address() + "/state/pump-1/close")
        .hasMessageContaining("is paused, not online");
  }

  @Test
  void shouldFailOnAnHttpErrorStatus() {
    status = 404;
    body = "no such path";
    final NodeStatus pump = NodeStatus.of("pump-1", address(), NodeState.ONLINE);

    assertThatThrownBy(
            () -> client.apply(NodeKind.PUMP, node(pump, true), NodeStateClient.Action.PAUSE))
        .isInstanceOf(BinlogException.class)
        .hasMessageContaining("HTTP 404: no such path");
  }

  @Test
  void shouldTakeABodyThatIsNotTheEnvelopeAsSuccessAsTheOriginalDoes() {
    body = "ok";
    final NodeStatus pump = NodeStatus.of("pump-1", address(), NodeState.ONLINE);

    assertThat(client.apply(NodeKind.PUMP, node(pump, true), NodeStateClient.Action.PAUSE))
        .isEqualTo("ok");
  }

  @Test
  void shouldReportATransportErrorNamingTheNodeAndTheUrlAndHintWhenItIsNotAlive() {
    final int closed = FreePorts.next();
    final NodeStatus pump =
        NodeStatus.of("pump-9", "127.0.0.1:1", NodeState.ONLINE)
            .withStatusAddr("127.0.0.1:" + closed);

    assertThatThrownBy(
            () -> client.apply(NodeKind.PUMP, node(pump, false), NodeStateClient.Action.PAUSE))
        .isInstanceOfSatisfying(
            BinlogException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.NODE_UNREACHABLE);
              assertThat(e.isRetriable()).isTrue();
            })
        .hasMessageContaining(
            "pump pump-9 did not answer PUT http://127.0.0.1:" + closed + "/state/pump-9/pause")
        .hasMessageContaining("holds no liveness key");
  }
}
