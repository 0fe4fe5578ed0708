package io.kafkabinlog.binlogctl;

import io.etcd.jetcd.Client;
import io.kafkabinlog.binlogctl.cli.BinlogctlOptions;
import io.kafkabinlog.binlogctl.http.NodeStateClient;
import io.kafkabinlog.binlogctl.meta.SavepointWriter;
import io.kafkabinlog.binlogctl.offline.DeadPumpOffline;
import io.kafkabinlog.binlogctl.registry.NodeLine;
import io.kafkabinlog.binlogctl.registry.NodeListing;
import io.kafkabinlog.binlogctl.registry.NodeStateUpdate;
import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import io.kafkabinlog.common.pd.PdTimestampOracle;
import io.kafkabinlog.common.registry.EtcdNodeRegistry;
import io.kafkabinlog.common.registry.NodeKind;
import io.kafkabinlog.common.registry.NodeRegistry;
import io.kafkabinlog.common.registry.NodeStatus;
import io.kafkabinlog.common.registry.RegisteredNode;
import io.kafkabinlog.common.registry.RegistryKeys;
import io.kafkabinlog.common.tso.TimestampOracle;
import io.kafkabinlog.pump.membership.PartitionBinding;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;

/**
 * Runs one command: the composition root of binlogctl. Results go to {@code out}, one line each in
 * the original's log shape; failures are thrown ({@link
 * io.kafkabinlog.common.error.BinlogException}, message naming the node or endpoint).
 */
public final class Binlogctl {
  /** The original's etcd dial timeout. */
  private static final Duration ETCD_TIMEOUT = Duration.ofSeconds(5);

  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);

  private final BinlogctlOptions options;
  private final PrintStream out;
  private final ZoneId zone;

  /**
   * @param zone where times in listings are shown (the original: the local zone)
   */
  public Binlogctl(final BinlogctlOptions options, final PrintStream out, final ZoneId zone) {
    this.options = Objects.requireNonNull(options, "options");
    this.out = Objects.requireNonNull(out, "out");
    this.zone = Objects.requireNonNull(zone, "zone");
  }

  public void run() {
    switch (options.command()) {
      case PUMPS, DRAINERS -> withRegistry(this::list);
      case UPDATE_PUMP, UPDATE_DRAINER -> withRegistry(this::update);
      case PAUSE_PUMP, PAUSE_DRAINER ->
          withRegistry(registry -> apply(registry, NodeStateClient.Action.PAUSE));
      case OFFLINE_DRAINER ->
          withRegistry(registry -> apply(registry, NodeStateClient.Action.CLOSE));
      case OFFLINE_PUMP -> offlinePump();
      case GENERATE_META -> generateMeta();
      case ENCRYPT -> throw new IllegalStateException("encrypt is refused when parsing flags");
    }
  }

  private NodeKind kind() {
    return options
        .command()
        .kind()
        .orElseThrow(() -> new IllegalStateException(options.command() + " has no node kind"));
  }

  private void list(final NodeRegistry registry) {
    new NodeListing(registry, new NodeLine(zone))
        .lines(kind(), options.showOfflineNodes())
        .forEach(out::println);
  }

  private void update(final NodeRegistry registry) {
    final NodeStatus written =
        new NodeStateUpdate(registry)
            .apply(kind(), options.nodeId(), options.state().orElseThrow());
    out.println(
        "[\"update node state success\"] [type="
            + NodeLine.typeName(kind())
            + "] [NodeID="
            + written.nodeId()
            + "] [state="
            + written.state().wireName()
            + "]");
  }

  private void apply(final NodeRegistry registry, final NodeStateClient.Action action) {
    final RegisteredNode node = registered(registry);
    final String reply = new NodeStateClient(HTTP_TIMEOUT).apply(kind(), node, action);
    out.println(
        "[\"apply action on node success\"] [action="
            + action.path()
            + "] [NodeID="
            + node.status().nodeId()
            + "] [addr="
            + NodeStateClient.statusAddress(node.status())
            + "] [reply="
            + NodeLine.quoted(reply)
            + "]");
  }

  private RegisteredNode registered(final NodeRegistry registry) {
    return registry
        .get(kind(), options.nodeId())
        .orElseThrow(
            () ->
                new FatalBinlogException(
                    ErrorCode.REGISTRY_CONFLICT,
                    NodeLine.typeName(kind())
                        + " "
                        + options.nodeId()
                        + " is not registered (no key "
                        + keys().node(kind(), options.nodeId())
                        + " in etcd at "
                        + options.pdUrls()
                        + ")"));
  }

  /** A live pump is asked to close itself; a dead one is taken offline on its behalf. */
  private void offlinePump() {
    // The registry on a client of its own, so that its errors name the endpoints.
    try (EtcdNodeRegistry registry = registry();
        Client etcd = etcd()) {
      final RegisteredNode node = registered(registry);
      if (node.live()) {
        apply(registry, NodeStateClient.Action.CLOSE);
        return;
      }
      try (TimestampOracle tso = tso()) {
        final DeadPumpOffline.Outcome outcome =
            new DeadPumpOffline(
                    registry,
                    keys(),
                    new PartitionBinding(etcd, keys(), ETCD_TIMEOUT),
                    tso,
                    new DeadPumpOffline.KafkaAccess(
                        options.kafka(), KAFKA_TIMEOUT, options.quietWindow()))
                .run(options.nodeId());
        out.println(describe(outcome));
      }
    }
  }

  static String describe(final DeadPumpOffline.Outcome outcome) {
    if (outcome instanceof DeadPumpOffline.Left left) {
      return "[\"offline pump on its behalf\"] [NodeID="
          + left.nodeId()
          + "] [partition="
          + left.partition()
          + "] [L="
          + left.leaveTs()
          + "] [rawOffset="
          + left.rawOffset()
          + "] [controlOffset="
          + left.controlOffset()
          + "] [state=offline]";
    }
    final DeadPumpOffline.NeverJoined never = (DeadPumpOffline.NeverJoined) outcome;
    return "[\"offline pump on its behalf\"] [NodeID="
        + never.nodeId()
        + "] [partition=none] [state=offline]";
  }

  private void generateMeta() {
    final long commitTs;
    try (TimestampOracle tso = tso()) {
      commitTs = tso.getTimestamp();
    }
    final Path file = new SavepointWriter().write(options.dataDir(), commitTs, options.timeZone());
    out.println(
        "[\"save meta\"] [meta=\"commitTS: "
            + commitTs
            + "\"] [file="
            + NodeLine.quoted(file.toString())
            + "]");
  }

  private interface RegistryWork {
    void run(NodeRegistry registry);
  }

  private void withRegistry(final RegistryWork work) {
    try (EtcdNodeRegistry registry = registry()) {
      work.run(registry);
    }
  }

  private RegistryKeys keys() {
    return new RegistryKeys(options.registryRoot());
  }

  private EtcdNodeRegistry registry() {
    return EtcdNodeRegistry.connect(options.pdUrls(), keys(), ETCD_TIMEOUT);
  }

  private Client etcd() {
    return Client.builder().endpoints(options.pdUrls().toArray(URI[]::new)).build();
  }

  private TimestampOracle tso() {
    return PdTimestampOracle.connect(
        options.tsoUrls(), PdTimestampOracle.DEFAULT_TIMEOUT, options.clusterId());
  }
}
