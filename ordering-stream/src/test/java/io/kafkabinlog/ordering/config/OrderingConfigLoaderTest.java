package io.kafkabinlog.ordering.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.kafkabinlog.common.config.ConfigValidationException;
import io.kafkabinlog.common.config.SettingOrigin;
import io.kafkabinlog.common.config.Settings;
import io.kafkabinlog.common.kafka.TopicNames;
import io.kafkabinlog.common.net.HostPort;
import io.kafkabinlog.ordering.topology.PoisonPolicy;
import io.kafkabinlog.ordering.topology.TopologySettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrderingConfigLoaderTest {
  private static final SettingOrigin TEST = new SettingOrigin(SettingOrigin.Kind.FLAG, "test");

  @TempDir Path dir;

  private static OrderingConfig of(final Map<String, ?> values) {
    return OrderingConfigLoader.from(Settings.of(values, TEST));
  }

  private static List<String> problemsOf(final Map<String, ?> values) {
    final ConfigValidationException e =
        catchThrowableOfType(ConfigValidationException.class, () -> of(values));
    assertThat(e).as("a ConfigValidationException for %s", values).isNotNull();
    return e.problems();
  }

  private Path write(final String name, final String text) throws IOException {
    final Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  @Test
  void defaults() {
    final OrderingConfig c = OrderingConfigLoader.from(Settings.empty());
    assertThat(c.pdUrls()).containsExactly(URI.create("http://127.0.0.1:2379"));
    assertThat(c.tsoUrls()).isEqualTo(c.pdUrls());
    assertThat(c.clusterId()).isZero();
    assertThat(c.stateDir()).isEqualTo(Path.of("data.ordering-stream"));
    assertThat(c.rowsPartitions()).isEqualTo(6);
    assertThat(c.statusAddr()).isEqualTo(new HostPort("127.0.0.1", 8249));
    assertThat(c.closeTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.kafka().bootstrapServers()).containsExactly("127.0.0.1:9092");
    assertThat(c.kafka().topicPrefix()).isEqualTo("binlog");
    assertThat(c.kafka().clientProperties()).isEmpty();
    assertThat(c.topics())
        .isEqualTo(new OrderingConfig.Topics(16, (short) 0, 0, 1 << 20, Duration.ofSeconds(30)));
    assertThat(c.streamsProperties()).isEmpty();
    assertThat(c.schemas())
        .isEqualTo(
            new OrderingConfig.Schemas(
                URI.create("http://127.0.0.1:8081"),
                List.of(URI.create("http://127.0.0.1:10080")),
                Duration.ofSeconds(10)));
    assertThat(c.resolver())
        .isEqualTo(
            new OrderingConfig.Resolver(
                List.of(URI.create("http://127.0.0.1:10080")),
                Duration.ofSeconds(10),
                Duration.ofSeconds(1),
                Duration.ofSeconds(5)));
    assertThat(c.stages())
        .isEqualTo(
            new OrderingConfig.Stages(
                256 * 1024,
                Duration.ofMillis(20),
                1000,
                512 * 1024,
                5,
                Duration.ofSeconds(1),
                PoisonPolicy.STOP));
  }

  @Test
  void theDefaultTopologySettingsAreTheContractsDefaults() {
    final TopicNames names = new TopicNames("binlog", "42");
    assertThat(OrderingConfigLoader.from(Settings.empty()).toTopologySettings(names))
        .isEqualTo(TopologySettings.defaults(names, 6));
  }

  @Test
  void everyKeyFromToml() throws IOException {
    final Path toml =
        write(
            "ordering-stream.toml",
            """
            pd-urls = "http://pd1:2379,http://pd2:2379"
            tso-urls = ["http://pd1:2479"]
            cluster-id = 6789
            state-dir = "/var/ordering"
            rows-partitions = 12
            status-addr = "0.0.0.0:9249"
            close-timeout = "1m"
            fragment-bytes = 65536
            watermark-interval = "50ms"
            output-max-rows = 200
            output-max-bytes = 131072
            ddl-fetch-attempts = 9
            ddl-fetch-backoff = "250ms"
            poison-policy = "Dead-Letter"
            [kafka]
            bootstrap-servers = "k1:9092,k2:9092"
            topic-prefix = "prod"
            raw-partitions = 8
            replication-factor = 3
            min-insync-replicas = 2
            max-message-bytes = 2097152
            produce-timeout = 45
            [kafka.client]
            "security.protocol" = "SASL_SSL"
            [kafka.streams]
            "num.stream.threads" = 4
            "commit.interval.ms" = 200
            [schema-registry]
            url = "https://registry.example.com"
            [schema-source]
            tidb-status-urls = ["http://tidb1:10080", "http://tidb2:10080"]
            request-timeout = 3
            [resolver]
            txn-status-urls = ["http://tikv-status:10080"]
            resolve-after = "30s"
            resolve-interval = "500ms"
            request-timeout = "2s"
            """);
    final OrderingConfig c = OrderingConfigLoader.load(List.of("--config=" + toml), Map.of());
    assertThat(c.pdUrls())
        .containsExactly(URI.create("http://pd1:2379"), URI.create("http://pd2:2379"));
    assertThat(c.tsoUrls()).containsExactly(URI.create("http://pd1:2479"));
    assertThat(c.clusterId()).isEqualTo(6789L);
    assertThat(c.stateDir()).isEqualTo(Path.of("/var/ordering"));
    assertThat(c.rowsPartitions()).isEqualTo(12);
    assertThat(c.statusAddr()).isEqualTo(new HostPort("0.0.0.0", 9249));
    assertThat(c.closeTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.kafka().bootstrapServers()).containsExactly("k1:9092", "k2:9092");
    assertThat(c.kafka().topicPrefix()).isEqualTo("prod");
    assertThat(c.kafka().clientProperties())
        .containsExactly(Map.entry("security.protocol", "SASL_SSL"));
    assertThat(c.topics())
        .isEqualTo(new OrderingConfig.Topics(8, (short) 3, 2, 2 << 20, Duration.ofSeconds(45)));
    assertThat(c.streamsProperties())
        .containsOnly(Map.entry("num.stream.threads", "4"), Map.entry("commit.interval.ms", "200"));
    assertThat(c.schemas())
        .isEqualTo(
            new OrderingConfig.Schemas(
                URI.create("https://registry.example.com"),
                List.of(URI.create("http://tidb1:10080"), URI.create("http://tidb2:10080")),
                Duration.ofSeconds(3)));
    assertThat(c.resolver())
        .isEqualTo(
            new OrderingConfig.Resolver(
                List.of(URI.create("http://tikv-status:10080")),
                Duration.ofSeconds(30),
                Duration.ofMillis(500),
                Duration.ofSeconds(2)));
    assertThat(c.stages())
        .isEqualTo(
            new OrderingConfig.Stages(
                65536,
                Duration.ofMillis(50),
                200,
                131072,
                9,
                Duration.ofMillis(250),
                PoisonPolicy.DEAD_LETTER));

    final TopologySettings t = c.toTopologySettings(new TopicNames("prod", "6789"));
    assertThat(t.rawTopic()).isEqualTo("prod.6789.raw");
    assertThat(t.resolutionsTopic()).isEqualTo("prod.6789.resolutions");
    assertThat(t.controlTopic()).isEqualTo("prod.6789.control");
    assertThat(t.txnTopic()).isEqualTo("prod.6789.txn");
    assertThat(t.rowsTopic()).isEqualTo("prod.6789.rows");
    assertThat(t.deadLetterTopic()).isEqualTo("prod.6789.dead-letter");
    assertThat(t.rowsPartitions()).isEqualTo(12);
    assertThat(t.fragmentBytes()).isEqualTo(65536);
    assertThat(t.watermarkInterval()).isEqualTo(Duration.ofMillis(50));
    assertThat(t.outputMaxRows()).isEqualTo(200);
    assertThat(t.outputMaxBytes()).isEqualTo(131072);
    assertThat(t.ddlFetchAttempts()).isEqualTo(9);
    assertThat(t.ddlFetchBackoff()).isEqualTo(Duration.ofMillis(250));
    assertThat(t.poisonPolicy()).isEqualTo(PoisonPolicy.DEAD_LETTER);
  }

  @Test
  void theResolverAsksTheSchemaSourceUnlessToldOtherwise() {
    final OrderingConfig c =
        of(Map.of("schema-source.tidb-status-urls", List.of("http://a:10080", "http://b:10080")));
    assertThat(c.resolver().txnStatusUrls())
        .containsExactly(URI.create("http://a:10080"), URI.create("http://b:10080"));
  }

  @Test
  void environmentOverridesTheFileAndFlagsOverrideBoth() throws IOException {
    final Path toml =
        write(
            "ordering-stream.toml",
            """
            state-dir = "file-dir"
            rows-partitions = 3
            status-addr = "127.0.0.1:1000"
            [kafka]
            topic-prefix = "fromfile"
            [resolver]
            resolve-after = 7
            """);
    final Map<String, String> env =
        Map.of(
            "ORDERING_ROWS_PARTITIONS", "4",
            "ORDERING_RESOLVER__RESOLVE_AFTER", "8",
            "ORDERING_KAFKA__TOPIC_PREFIX", "fromenv",
            "ORDERING_KAFKA__STREAMS__NUM__STREAM__THREADS", "3",
            "ORDERING_KAFKA__CLIENT__SASL__MECHANISM", "PLAIN",
            "PUMP_ROWS_PARTITIONS", "99");
    final OrderingConfig c =
        OrderingConfigLoader.load(
            List.of(
                "--config=" + toml, "--resolver.resolve-after=9", "-kafka.topic-prefix=fromflag"),
            env);
    assertThat(c.stateDir()).isEqualTo(Path.of("file-dir")); // file only
    assertThat(c.statusAddr().port()).isEqualTo(1000);
    assertThat(c.rowsPartitions()).isEqualTo(4); // env over file
    assertThat(c.resolver().resolveAfter()).isEqualTo(Duration.ofSeconds(9)); // flag over env
    assertThat(c.kafka().topicPrefix()).isEqualTo("fromflag");
    assertThat(c.streamsProperties()).containsExactly(Map.entry("num.stream.threads", "3"));
    assertThat(c.kafka().clientProperties()).containsEntry("sasl.mechanism", "PLAIN");
  }

  @Test
  void everyProblemIsReportedAtOnceWithItsKeyAndOrigin() throws IOException {
    final Path toml =
        write(
            "ordering-stream.toml",
            """
            status-addr = "nonsense"
            rows-partitions = 0
            poison-policy = "ignore"
            fragment-bytes = 10
            no-such-key = 1
            [resolver]
            resolve-interval = "soon"
            txn-status-urls = ["tidb:10080"]
            [schema-registry]
            url = "registry:8081"
            """);
    final ConfigValidationException e =
        catchThrowableOfType(
            ConfigValidationException.class,
            () ->
                OrderingConfigLoader.load(
                    List.of("--config=" + toml, "--output-max-rows=0"),
                    Map.of("ORDERING_PD_URLS", "etcd:2379")));
    assertThat(e.problems())
        .hasSize(10)
        .anySatisfy(p -> assertThat(p).startsWith("status-addr (file " + toml + ")"))
        .anySatisfy(p -> assertThat(p).startsWith("rows-partitions (file"))
        .anySatisfy(
            p ->
                assertThat(p).startsWith("poison-policy (file").containsIgnoringCase("dead-letter"))
        .anySatisfy(p -> assertThat(p).startsWith("fragment-bytes (file"))
        .anySatisfy(p -> assertThat(p).startsWith("no-such-key (file").contains("unknown key"))
        .anySatisfy(p -> assertThat(p).startsWith("resolver.resolve-interval (file"))
        .anySatisfy(p -> assertThat(p).startsWith("resolver.txn-status-urls (file"))
        .anySatisfy(p -> assertThat(p).startsWith("schema-registry.url (file"))
        .anySatisfy(p -> assertThat(p).startsWith("output-max-rows (flag --output-max-rows=0)"))
        .anySatisfy(
            p -> assertThat(p).startsWith("pd-urls (environment variable ORDERING_PD_URLS)"));
    assertThat(e.getMessage()).contains("ordering-stream configuration has 10 problems");
  }

  @Test
  void streamsPropertiesTheStreamDecidesCannotBeOverridden() {
    assertThat(
            problemsOf(
                Map.of(
                    "kafka.streams.processing.guarantee", "at_least_once",
                    "kafka.streams.application.id", "mine",
                    "kafka.streams.state.dir", "/tmp/x",
                    "kafka.streams.bootstrap.servers", "k:9092",
                    "kafka.streams.replication.factor", "1",
                    "kafka.streams.num.stream.threads", "2")))
        .hasSize(5)
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("kafka.streams.processing.guarantee (flag test)")
                    .contains("exactly_once_v2"))
        .anySatisfy(
            p -> assertThat(p).startsWith("kafka.streams.application.id").contains("ordering"))
        .anySatisfy(p -> assertThat(p).startsWith("kafka.streams.state.dir").contains("state-dir"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("kafka.streams.bootstrap.servers")
                    .contains("kafka.bootstrap-servers"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("kafka.streams.replication.factor")
                    .contains("kafka.replication-factor"));
  }

  @Test
  void crossKeyChecks() {
    assertThat(
            problemsOf(Map.of("kafka.replication-factor", "2", "kafka.min-insync-replicas", "3")))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("kafka.min-insync-replicas (flag test)"));
    assertThat(of(Map.of("kafka.min-insync-replicas", "3")).topics().minInsyncReplicas())
        .isEqualTo(3); // replication chosen from the brokers: checked against them at start
  }

  @Test
  void anOriginalDrainerTomlIsAcceptedWithWarningsForWhatDoesNotApply() throws IOException {
    // The shape of the original cmd/drainer/drainer.toml (tidb-binlog-protocol.md 5.11).
    final Path toml =
        write(
            "drainer.toml",
            """
            # drainer Configuration.
            addr = "127.0.0.1:8249"
            advertise-addr = ""
            detect-interval = 5
            data-dir = "data.drainer"
            pd-urls = "http://127.0.0.1:2379"
            log-file = "drainer.log"
            initial-commit-ts = -1
            synced-check-time = 5

            [security]
            ssl-ca = ""
            ssl-cert = ""
            ssl-key = ""

            [syncer]
            ignore-schemas = "INFORMATION_SCHEMA,PERFORMANCE_SCHEMA,mysql"
            txn-batch = 20
            worker-count = 16
            safe-mode = false
            db-type = "mysql"

            [syncer.to]
            host = "127.0.0.1"
            user = "root"
            password = ""
            port = 3306
            """);
    final List<String> args = List.of("--config=" + toml);
    final OrderingConfig c = OrderingConfigLoader.load(args, Map.of());
    assertThat(c.statusAddr()).isEqualTo(new HostPort("127.0.0.1", 8249));
    assertThat(c.stateDir()).isEqualTo(Path.of("data.drainer"));
    final List<String> warnings =
        OrderingConfigLoader.warnings(Settings.load(args, Map.of(), "ORDERING_"));
    assertThat(warnings)
        .anySatisfy(w -> assertThat(w).contains("'detect-interval'").contains("control topic"))
        .anySatisfy(w -> assertThat(w).contains("'log-file'"))
        .anySatisfy(w -> assertThat(w).contains("'initial-commit-ts'"))
        .anySatisfy(w -> assertThat(w).contains("'synced-check-time'"))
        .anySatisfy(
            w ->
                assertThat(w)
                    .startsWith("config table [syncer]")
                    .contains("mysql-sink.toml")
                    .contains("syncer.worker-count")
                    .contains("syncer.to.host"))
        .noneSatisfy(w -> assertThat(w).contains("'advertise-addr'")) // blank: nothing to ignore
        .hasSize(5);
  }

  @Test
  void tlsSettingsAreRefusedRatherThanIgnored() {
    assertThat(problemsOf(Map.of("security.ssl-ca", "/etc/tls/ca.pem")))
        .singleElement()
        .satisfies(
            p ->
                assertThat(p).startsWith("security.ssl-ca (flag test)").contains("[kafka.client]"));
  }

  @Test
  void theComposeExampleParses() {
    final Path file = composeDir().resolve("ordering-stream.toml");
    final OrderingConfig c = OrderingConfigLoader.load(List.of("--config=" + file), Map.of());
    assertThat(c.pdUrls()).containsExactly(URI.create("http://etcd:2379"));
    assertThat(c.stateDir()).isEqualTo(Path.of("/var/lib/kafka-binlog/ordering-stream"));
    assertThat(c.rowsPartitions()).isEqualTo(6);
    assertThat(c.statusAddr()).isEqualTo(new HostPort("0.0.0.0", 8249));
    assertThat(c.kafka().bootstrapServers()).containsExactly("kafka:9092");
    assertThat(c.kafka().topicPrefix()).isEqualTo("binlog");
    assertThat(c.topics().replicationFactor()).isEqualTo((short) 1);
    assertThat(c.topics().minInsyncReplicas()).isEqualTo(1);
    assertThat(c.schemas().registryUrl()).isEqualTo(URI.create("http://schema-registry:8081"));
    assertThat(c.schemas().tidbStatusUrls()).containsExactly(URI.create("http://tidb:10080"));
    assertThat(c.resolver().txnStatusUrls()).isEqualTo(c.schemas().tidbStatusUrls());
    assertThat(c.resolver().resolveAfter()).isEqualTo(Duration.ofSeconds(10));
    assertThat(
            OrderingConfigLoader.warnings(
                Settings.load(List.of("--config=" + file), Map.of(), "ORDERING_")))
        .isEmpty();
  }

  @Test
  void acceptsSaysWhichKeysTheStreamTakes() {
    assertThat(OrderingConfigLoader.accepts("rows-partitions")).isTrue();
    assertThat(OrderingConfigLoader.accepts("data-dir")).as("the drainer's name").isTrue();
    assertThat(OrderingConfigLoader.accepts("kafka.streams.num.stream.threads")).isTrue();
    assertThat(OrderingConfigLoader.accepts("compressor")).as("ignored with a warning").isTrue();
    assertThat(OrderingConfigLoader.accepts("checkpoint-schema")).isFalse();
    assertThat(OrderingConfigLoader.accepts("rows-partition")).isFalse();
  }

  /** The repository's compose directory, found upwards from the module directory. */
  private static Path composeDir() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("compose/ordering-stream.toml"))) {
        return d.resolve("compose");
      }
    }
    throw new AssertionError(
        "compose/ordering-stream.toml not found above " + Path.of("").toAbsolutePath());
  }
}
