package io.kafkabinlog.pump.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.config.ConfigValidationException;
import io.kafkabinlog.common.config.SettingOrigin;
import io.kafkabinlog.common.config.Settings;
import io.kafkabinlog.common.net.HostPort;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PumpConfigLoaderTest {
  private static final SettingOrigin TEST = new SettingOrigin(SettingOrigin.Kind.FLAG, "test");

  @TempDir Path dir;

  private static PumpConfig of(final Map<String, ?> values) {
    return PumpConfigLoader.from(Settings.of(values, TEST));
  }

  private static List<String> problemsOf(final Map<String, ?> values) {
    try {
      of(values);
    } catch (ConfigValidationException e) {
      return e.problems();
    }
    throw new AssertionError("expected a ConfigValidationException for " + values);
  }

  private Path write(final String name, final String text) throws IOException {
    final Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  @Test
  void defaults() {
    final PumpConfig c = PumpConfigLoader.from(Settings.empty());
    assertThat(c.addr()).isEqualTo(new HostPort("127.0.0.1", 8250));
    assertThat(c.advertiseAddr()).isEqualTo(new HostPort("127.0.0.1", 8250));
    assertThat(c.statusAddr()).isEqualTo(new HostPort("127.0.0.1", 8251));
    assertThat(c.dataDir()).isEqualTo(Path.of("data.pump"));
    assertThat(c.pdUrls()).containsExactly(URI.create("http://127.0.0.1:2379"));
    assertThat(c.tsoUrls()).isEqualTo(c.pdUrls());
    assertThat(c.registryRoot()).isEqualTo("/tidb-binlog");
    assertThat(c.nodeId()).isEmpty();
    assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.genBinlogInterval()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.controlHeartbeatInterval()).isEqualTo(Duration.ofMillis(100));
    assertThat(c.livenessTtl()).isEqualTo(Duration.ofSeconds(6));
    assertThat(c.closeTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.pauseDrainTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.maxMessageSize()).isEqualTo(Integer.MAX_VALUE - 4 * 1024 * 1024);
    assertThat(c.clusterId()).isZero();
    assertThat(c.security()).isEqualTo(PumpConfig.Security.none());
    assertThat(c.kafka().bootstrapServers()).containsExactly("127.0.0.1:9092");
    assertThat(c.kafka().topicPrefix()).isEqualTo("binlog");
    assertThat(c.kafka().clientProperties()).isEmpty();
    assertThat(c.topics())
        .isEqualTo(
            new PumpConfig.Topics(
                16, (short) 0, 0, 1048576, Duration.ofSeconds(30), Optional.empty()));
  }

  @Test
  void everyKeyFromToml() throws IOException {
    final Path ca = write("ca.pem", "ca");
    final Path cert = write("cert.pem", "cert");
    final Path key = write("key.pem", "key");
    final Path toml =
        write(
            "pump.toml",
            """
            addr = "0.0.0.0:9250"
            advertise-addr = "pump-a:9250"
            status-addr = "0.0.0.0:9300"
            data-dir = "/var/pump"
            pd-urls = "http://pd1:2379,http://pd2:2379"
            tso-urls = ["http://pd1:2479"]
            registry-root = "/my-binlog"
            node-id = "pump-a"
            heartbeat-interval = 5
            gen-binlog-interval = "1500ms"
            control-heartbeat-interval = "200ms"
            liveness-ttl = 9
            close-timeout = "2m"
            pause-drain-timeout = "0"
            max-message-size = 33554432
            cluster-id = 6789
            [security]
            ssl-ca = "%s"
            ssl-cert = "%s"
            ssl-key = "%s"
            cert-allowed-cn = ["tidb", "binlogctl"]
            [kafka]
            bootstrap-servers = "k1:9092,k2:9092"
            topic-prefix = "prod"
            raw-partitions = 8
            replication-factor = 3
            min-insync-replicas = 2
            max-message-bytes = 2097152
            produce-timeout = 45
            ordering-group = "my-stream"
            [kafka.client]
            "security.protocol" = "SASL_SSL"
            """
                .formatted(ca, cert, key));
    final PumpConfig c = PumpConfigLoader.load(List.of("--config=" + toml), Map.of());
    assertThat(c.addr()).isEqualTo(new HostPort("0.0.0.0", 9250));
    assertThat(c.advertiseAddr()).isEqualTo(new HostPort("pump-a", 9250));
    assertThat(c.statusAddr()).isEqualTo(new HostPort("0.0.0.0", 9300));
    assertThat(c.dataDir()).isEqualTo(Path.of("/var/pump"));
    assertThat(c.pdUrls())
        .containsExactly(URI.create("http://pd1:2379"), URI.create("http://pd2:2379"));
    assertThat(c.tsoUrls()).containsExactly(URI.create("http://pd1:2479"));
    assertThat(c.registryRoot()).isEqualTo("/my-binlog");
    assertThat(c.nodeId()).contains("pump-a");
    assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.genBinlogInterval()).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.controlHeartbeatInterval()).isEqualTo(Duration.ofMillis(200));
    assertThat(c.livenessTtl()).isEqualTo(Duration.ofSeconds(9));
    assertThat(c.closeTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.pauseDrainTimeout()).isEqualTo(Duration.ZERO);
    assertThat(c.maxMessageSize()).isEqualTo(32 << 20);
    assertThat(c.clusterId()).isEqualTo(6789L);
    assertThat(c.security())
        .isEqualTo(
            new PumpConfig.Security(
                Optional.of(ca),
                Optional.of(cert),
                Optional.of(key),
                List.of("tidb", "binlogctl")));
    assertThat(c.security().enabled()).isTrue();
    assertThat(c.kafka().bootstrapServers()).containsExactly("k1:9092", "k2:9092");
    assertThat(c.kafka().topicPrefix()).isEqualTo("prod");
    assertThat(c.kafka().clientProperties())
        .containsExactly(Map.entry("security.protocol", "SASL_SSL"));
    assertThat(c.topics())
        .isEqualTo(
            new PumpConfig.Topics(
                8, (short) 3, 2, 2 << 20, Duration.ofSeconds(45), Optional.of("my-stream")));
  }

  @Test
  void environmentOverridesTheFileAndFlagsOverrideBoth() throws IOException {
    final Path toml =
        write(
            "pump.toml",
            """
            addr = "127.0.0.1:1000"
            node-id = "from-file"
            heartbeat-interval = 7
            data-dir = "file-dir"
            [kafka]
            topic-prefix = "fromfile"
            """);
    final Map<String, String> env =
        Map.of(
            "PUMP_NODE_ID", "from-env",
            "PUMP_HEARTBEAT_INTERVAL", "8",
            "PUMP_KAFKA__TOPIC_PREFIX", "fromenv",
            "PUMP_KAFKA__CLIENT__SASL__MECHANISM", "PLAIN",
            "OTHER_NODE_ID", "ignored");
    final PumpConfig c =
        PumpConfigLoader.load(
            List.of("--config=" + toml, "--heartbeat-interval=9", "-kafka.topic-prefix=fromflag"),
            env);
    assertThat(c.addr().port()).isEqualTo(1000); // file only
    assertThat(c.dataDir()).isEqualTo(Path.of("file-dir"));
    assertThat(c.nodeId()).contains("from-env"); // env over file
    assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(9)); // flag over env
    assertThat(c.kafka().topicPrefix()).isEqualTo("fromflag");
    assertThat(c.kafka().clientProperties()).containsEntry("sasl.mechanism", "PLAIN");
  }

  @Test
  void theOriginalFlagNamesAreAccepted() {
    final PumpConfig c =
        PumpConfigLoader.load(
            List.of("-fake-binlog-interval=4", "-L=debug", "-addr=127.0.0.1:8000"), Map.of());
    assertThat(c.genBinlogInterval()).isEqualTo(Duration.ofSeconds(4));
    assertThat(c.addr().port()).isEqualTo(8000);
    assertThat(c.statusAddr()).isEqualTo(new HostPort("127.0.0.1", 8001));
  }

  @Test
  void everyProblemIsReportedAtOnceWithItsKeyAndOrigin() throws IOException {
    final Path toml =
        write(
            "pump.toml",
            """
            addr = "nonsense"
            heartbeat-interval = "soon"
            socket = "unix:///tmp/pump.sock"
            node-id = "a/b"
            max-message-size = 10
            no-such-key = 1
            [kafka]
            raw-partitions = 0
            """);
    final ConfigValidationException e =
        (ConfigValidationException)
            catchThrowable(
                () ->
                    PumpConfigLoader.load(
                        List.of("--config=" + toml, "--gen-binlog-interval=0"),
                        Map.of("PUMP_PD_URLS", "etcd:2379")));
    assertThat(e.problems())
        .hasSize(9)
        .anySatisfy(p -> assertThat(p).startsWith("addr (file " + toml + ")"))
        .anySatisfy(p -> assertThat(p).startsWith("heartbeat-interval (file " + toml))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("socket (file")
                    .contains("unix-socket mode is not supported"))
        .anySatisfy(p -> assertThat(p).startsWith("node-id (file").contains("'/'"))
        .anySatisfy(p -> assertThat(p).startsWith("max-message-size (file"))
        .anySatisfy(p -> assertThat(p).startsWith("no-such-key (file").contains("unknown key"))
        .anySatisfy(p -> assertThat(p).startsWith("kafka.raw-partitions (file"))
        .anySatisfy(
            p -> assertThat(p).startsWith("gen-binlog-interval (flag --gen-binlog-interval=0)"))
        .anySatisfy(p -> assertThat(p).startsWith("pd-urls (environment variable PUMP_PD_URLS)"));
    assertThat(e.getMessage()).contains("pump configuration has 9 problems");
  }

  private static Throwable catchThrowable(final Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError("no exception");
  }

  @Test
  void anOriginalPumpTomlIsAcceptedWithWarningsForWhatDoesNotApply() throws IOException {
    // The shape of the original cmd/pump/pump.toml (tidb-binlog-protocol.md 4.9).
    final Path toml =
        write(
            "pump.toml",
            """
            # pump Configuration.
            addr = "127.0.0.1:8250"
            advertise-addr = ""
            socket = ""
            data-dir = "data.pump"
            heartbeat-interval = 2
            gen-binlog-interval = 3
            gc = 7
            pd-urls = "http://127.0.0.1:2379"
            node-id = ""
            log-file = "pump.log"
            log-level = "info"
            metrics-addr = ""
            metrics-interval = 15

            [security]
            ssl-ca = ""
            ssl-cert = ""
            ssl-key = ""
            cert-allowed-cn = []

            [storage]
            sync-log = true
            kv_chan_cap = 1048576
            slow_write_threshold = 1
            stop-write-at-available-space = "10 GiB"

            [storage.kv]
            block-cache-capacity = 8388608
            block-restart-interval = 16
            block-size = 4096
            compaction-L0-trigger = 8
            compaction-table-size = 67108864
            compaction-total-size = 536870912
            compaction-total-size-multiplier = 8.0
            write-buffer = 67108864
            write-L0-pause-trigger = 24
            write-L0-slowdown-trigger = 17
            """);
    final List<String> args = List.of("--config=" + toml);
    final PumpConfig c = PumpConfigLoader.load(args, Map.of());
    assertThat(c.advertiseAddr()).isEqualTo(c.addr());
    assertThat(c.nodeId()).isEmpty();
    assertThat(c.security().enabled()).isFalse();
    final List<String> warnings = PumpConfigLoader.warnings(Settings.load(args, Map.of(), "PUMP_"));
    assertThat(warnings)
        .anySatisfy(w -> assertThat(w).contains("'gc'").contains("retention"))
        .anySatisfy(w -> assertThat(w).contains("'log-file'"))
        .anySatisfy(w -> assertThat(w).contains("'log-level'").contains("LOG_LEVEL"))
        .anySatisfy(w -> assertThat(w).contains("'metrics-interval'"))
        .anySatisfy(
            w ->
                assertThat(w)
                    .startsWith("config table [storage]")
                    .contains("storage.sync-log")
                    .contains("storage.kv.write-buffer"))
        .noneSatisfy(w -> assertThat(w).contains("'metrics-addr'")) // blank: nothing to ignore
        .noneSatisfy(w -> assertThat(w).contains("'heartbeat-interval'"))
        .hasSize(5);
  }

  @Test
  void theComposeExamplesParse() {
    for (final String name : List.of("pump-1.toml", "pump-2.toml")) {
      final Path file = composeDir().resolve(name);
      final PumpConfig c = PumpConfigLoader.load(List.of("--config=" + file), Map.of());
      final String node = name.substring(0, name.indexOf('.'));
      assertThat(c.nodeId()).contains(node);
      assertThat(c.addr()).isEqualTo(new HostPort("0.0.0.0", 8250));
      assertThat(c.advertiseAddr()).isEqualTo(new HostPort(node, 8250));
      assertThat(c.statusAddr()).isEqualTo(new HostPort("0.0.0.0", 8251));
      assertThat(c.pdUrls()).containsExactly(URI.create("http://etcd:2379"));
      assertThat(c.kafka().bootstrapServers()).containsExactly("kafka:9092");
      assertThat(c.topics().replicationFactor()).isEqualTo((short) 1);
      assertThat(c.topics().minInsyncReplicas()).isEqualTo(1);
    }
  }

  /** The repository's compose directory, found upwards from the module directory. */
  private static Path composeDir() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("compose/pump-1.toml"))) {
        return d.resolve("compose");
      }
    }
    throw new AssertionError("compose/pump-1.toml not found above " + Path.of("").toAbsolutePath());
  }

  @Test
  void aWildcardAdvertiseAddressIsRefusedNamingTheKey() {
    assertThat(problemsOf(Map.of("addr", "0.0.0.0:8250")))
        .singleElement()
        .satisfies(
            p ->
                assertThat(p)
                    .startsWith("advertise-addr:")
                    .contains("0.0.0.0:8250")
                    .contains("TiDB"));
    assertThat(problemsOf(Map.of("advertise-addr", "0.0.0.0:8250")))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("advertise-addr (flag test)").contains("TiDB"));
  }

  @Test
  void statusAddrFollowsAddrAndPortZeroStaysZero() {
    assertThat(of(Map.of("addr", "127.0.0.1:0")).statusAddr())
        .isEqualTo(new HostPort("127.0.0.1", 0));
    assertThat(problemsOf(Map.of("addr", "127.0.0.1:65535")))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("status-addr"));
    assertThat(problemsOf(Map.of("addr", "127.0.0.1:9000", "status-addr", "127.0.0.1:9000")))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("status-addr (flag test)"));
  }

  @Test
  void crossKeyChecks() throws IOException {
    final Path cert = write("cert.pem", "cert");
    assertThat(
            problemsOf(
                Map.of(
                    "gen-binlog-interval", "1",
                    "control-heartbeat-interval", "1s",
                    "kafka.replication-factor", "2",
                    "kafka.min-insync-replicas", "3",
                    "security.ssl-cert", cert.toString(),
                    "security.cert-allowed-cn", "tidb")))
        .hasSize(4)
        .anySatisfy(p -> assertThat(p).startsWith("control-heartbeat-interval (flag test)"))
        .anySatisfy(p -> assertThat(p).startsWith("kafka.min-insync-replicas (flag test)"))
        .anySatisfy(p -> assertThat(p).startsWith("security.ssl-key:").contains("together"))
        .anySatisfy(p -> assertThat(p).startsWith("security.cert-allowed-cn").contains("ssl-ca"));
  }

  @Test
  void securityFilesMustExistAndBeReadable() throws IOException {
    final Path cert = write("cert.pem", "cert");
    final Path key = write("key.pem", "key");
    final List<String> problems =
        problemsOf(
            Map.of(
                "security.ssl-ca", dir.resolve("missing-ca.pem").toString(),
                "security.ssl-cert", cert.toString(),
                "security.ssl-key", key.toString()));
    assertThat(problems)
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("security.ssl-ca").contains("does not exist"));
    if (key.toFile().setReadable(false) && !Files.isReadable(key)) { // not when running as root
      assertThat(
              problemsOf(
                  Map.of("security.ssl-cert", cert.toString(), "security.ssl-key", key.toString())))
          .singleElement()
          .satisfies(p -> assertThat(p).startsWith("security.ssl-key").contains("not readable"));
    }
  }

  @Test
  void caWithoutACertificateIsRefused() throws IOException {
    final Path ca = write("ca.pem", "ca");
    assertThat(problemsOf(Map.of("security.ssl-ca", ca.toString())))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("security.ssl-ca").contains("ssl-cert"));
  }

  @Test
  void tsoUrlsAreValidatedLikePdUrls() {
    assertThat(problemsOf(Map.of("tso-urls", "pd:2479")))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("tso-urls (flag test)"));
    assertThat(of(Map.of("tso-urls", "https://pd:2479")).tsoUrls())
        .containsExactly(URI.create("https://pd:2479"));
  }

  @Test
  void theMessageSizeBoundsAreEnforced() {
    assertThat(of(Map.of("max-message-size", String.valueOf(1 << 20))).maxMessageSize())
        .isEqualTo(1 << 20);
    assertThat(problemsOf(Map.of("max-message-size", String.valueOf(Integer.MAX_VALUE))))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("max-message-size"));
    assertThatThrownBy(() -> of(Map.of("kafka.max-message-bytes", "100")))
        .isInstanceOf(ConfigValidationException.class)
        .hasMessageContaining("kafka.max-message-bytes");
  }
}
