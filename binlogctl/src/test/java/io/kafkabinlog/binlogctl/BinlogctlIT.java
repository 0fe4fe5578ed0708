package io.kafkabinlog.binlogctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.etcd.jetcd.ByteSequence;
import io.kafkabinlog.common.registry.EtcdNodeRegistry;
import io.kafkabinlog.common.registry.NodeKind;
import io.kafkabinlog.common.registry.NodeLiveness;
import io.kafkabinlog.common.registry.NodeState;
import io.kafkabinlog.common.registry.NodeStatus;
import io.kafkabinlog.common.registry.RegistryKeys;
import io.kafkabinlog.testkit.EtcdServiceExtension;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** binlogctl's registry commands against the real etcd, under a registry root of the test's own. */
@Tag("integration")
@Timeout(60)
class BinlogctlIT {
  @RegisterExtension static final EtcdServiceExtension ETCD = new EtcdServiceExtension();

  private RegistryKeys keys;
  private EtcdNodeRegistry registry;
  private final List<NodeLiveness> held = new ArrayList<>();

  @BeforeEach
  void setUp() {
    keys = new RegistryKeys(ETCD.prefix() + "/tidb-binlog");
    registry = EtcdNodeRegistry.using(ETCD.client(), keys, Duration.ofSeconds(10));
  }

  @AfterEach
  void tearDown() {
    held.forEach(NodeLiveness::close);
  }

  /** Exit code, stdout and stderr of one run. */
  private BinlogctlRun binlogctl(final String... args) {
    // The test's etcd and root first: a later flag wins, as in Go.
    return BinlogctlRun.of(
        List.of("-pd-urls=" + ETCD.endpoints(), "-registry-root=" + keys.root()), args);
  }

  private void register(final NodeKind kind, final NodeStatus status, final boolean live) {
    registry.register(kind, status);
    if (live) {
      held.add(registry.holdLiveness(kind, status.nodeId(), Duration.ofSeconds(10)));
    }
  }

  @Test
  void shouldListNodesHidingOfflineOnesUnlessAskedWithTheirLiveness() {
    register(
        NodeKind.PUMP,
        NodeStatus.of("pump-a:8250", "10.0.0.1:8250", NodeState.ONLINE).withHeartbeat(77, 0),
        true);
    register(NodeKind.PUMP, NodeStatus.of("pump-b:8250", "10.0.0.2:8250", NodeState.ONLINE), false);
    register(
        NodeKind.PUMP, NodeStatus.of("pump-c:8250", "10.0.0.3:8250", NodeState.OFFLINE), false);
    register(
        NodeKind.DRAINER, NodeStatus.of("drainer-1", "10.0.0.9:8249", NodeState.PAUSED), false);

    final BinlogctlRun pumps = binlogctl("-cmd", "pumps");
    assertThat(pumps.code()).as(pumps.err()).isZero();
    assertThat(pumps.lines())
        .satisfiesExactly(
            a ->
                assertThat(a)
                    .startsWith(
                        "[\"query node\"] [type=pump] [node=\"{NodeID: pump-a:8250, Addr:"
                            + " 10.0.0.1:8250, State: online, MaxCommitTS: 77, UpdateTime: ")
                    .endsWith(", Alive: true}\"]"),
            b -> assertThat(b).contains("NodeID: pump-b:8250,").endsWith(", Alive: false}\"]"));

    final BinlogctlRun all = binlogctl("--cmd=pumps", "--show-offline-nodes");
    assertThat(all.code()).isZero();
    assertThat(all.lines()).hasSize(3);
    assertThat(all.lines().get(2)).contains("NodeID: pump-c:8250,").contains("State: offline");

    final BinlogctlRun drainers = binlogctl("-cmd", "drainers");
    assertThat(drainers.lines())
        .singleElement()
        .asString()
        .startsWith("[\"query node\"] [type=drainer] [node=\"{NodeID: drainer-1,")
        .contains("State: paused");

    assertThat(binlogctl("-cmd", "drainers", "-registry-root=/it/nobody-here").out()).isEmpty();
  }

  @Test
  void shouldUpdateADrainersStateInTheOriginalsJsonWithoutContactingIt() throws Exception {
    // Nobody listens at its address: update-drainer must not need it.
    register(
        NodeKind.DRAINER,
        NodeStatus.of("drainer-1", "127.0.0.1:1", NodeState.ONLINE).withHeartbeat(123, 456),
        false);

    final BinlogctlRun result =
        binlogctl("-cmd", "update-drainer", "-node-id", "drainer-1", "-state", "offline");

    assertThat(result.code()).as(result.err()).isZero();
    assertThat(result.out())
        .isEqualTo(
            "[\"update node state success\"] [type=drainer] [NodeID=drainer-1] [state=offline]\n");
    final String json =
        ETCD.client()
            .getKVClient()
            .get(bytes(keys.node(NodeKind.DRAINER, "drainer-1")))
            .get(10, TimeUnit.SECONDS)
            .getKvs()
            .get(0)
            .getValue()
            .toString(StandardCharsets.UTF_8);
    assertThat(json)
        .contains("\"nodeId\":\"drainer-1\"")
        .contains("\"state\":\"offline\"")
        .contains("\"maxCommitTS\":123")
        .contains("\"updateTS\":456");
  }

  @Test
  void shouldFailNamingTheNodeOrRefuseTheCommandLine() {
    register(NodeKind.PUMP, NodeStatus.of("pump-a", "127.0.0.1:1", NodeState.ONLINE), false);

    final BinlogctlRun unknown =
        binlogctl("-cmd", "update-pump", "-node-id", "ghost", "-state", "paused");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).contains("ghost").contains(keys.node(NodeKind.PUMP, "ghost"));

    final BinlogctlRun wrongKind =
        binlogctl("-cmd", "update-drainer", "-node-id", "pump-a", "-state", "paused");
    assertThat(wrongKind.code()).isEqualTo(1);

    final BinlogctlRun badState =
        binlogctl("-cmd", "update-pump", "-node-id", "pump-a", "-state", "asleep");
    assertThat(badState.code()).isEqualTo(2);
    assertThat(badState.err()).contains("state asleep is illegal");
    assertThat(registry.get(NodeKind.PUMP, "pump-a").orElseThrow().status().state())
        .isEqualTo(NodeState.ONLINE);

    final BinlogctlRun pauseGhost = binlogctl("-cmd", "pause-drainer", "-node-id", "ghost");
    assertThat(pauseGhost.code()).isEqualTo(1);
    assertThat(pauseGhost.err()).contains("drainer ghost is not registered");
  }

  @Test
  void shouldPutPauseAndCloseToTheNodesStatusAddress() throws Exception {
    final List<String> requests = new CopyOnWriteArrayList<>();
    final HttpServer node = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    node.createContext(
        "/",
        exchange -> {
          final String request =
              exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
          requests.add(request);
          final String action = request.substring(request.lastIndexOf('/') + 1);
          final byte[] reply =
              (action.equals("pause")
                      ? "{\"message\":\"apply action pause success!\",\"code\":200,\"data\":null}"
                      : "{\"message\":\"drainer-1 is pausing, not online\",\"code\":3,\"data\":null}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, reply.length);
          try (OutputStream body = exchange.getResponseBody()) {
            body.write(reply);
          }
        });
    node.start();
    try {
      final String address = "127.0.0.1:" + node.getAddress().getPort();
      register(
          NodeKind.DRAINER,
          NodeStatus.of("drainer-1", "127.0.0.1:1", NodeState.ONLINE).withStatusAddr(address),
          true);

      final BinlogctlRun paused = binlogctl("-cmd", "pause-drainer", "-node-id", "drainer-1");
      assertThat(paused.code()).as(paused.err()).isZero();
      assertThat(paused.out())
          .startsWith("[\"apply action on node success\"] [action=pause] [NodeID=drainer-1]");

      final BinlogctlRun refused = binlogctl("-cmd", "offline-drainer", "-node-id", "drainer-1");
      assertThat(refused.code()).isEqualTo(1);
      assertThat(refused.err())
          .contains("drainer drainer-1 refused PUT http://" + address + "/state/drainer-1/close")
          .contains("is pausing, not online");
      assertThat(requests)
          .containsExactly("PUT /state/drainer-1/pause", "PUT /state/drainer-1/close");
    } finally {
      node.stop(0);
    }
  }

  private static ByteSequence bytes(final String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }
}
