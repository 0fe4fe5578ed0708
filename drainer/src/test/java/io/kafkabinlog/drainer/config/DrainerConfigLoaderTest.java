package io.kafkabinlog.drainer.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.kafkabinlog.common.config.ConfigValidationException;
import io.kafkabinlog.common.config.SettingOrigin;
import io.kafkabinlog.common.config.Settings;
import io.kafkabinlog.common.net.HostPort;
import io.kafkabinlog.mysqlsink.config.MysqlSinkConfig;
import io.kafkabinlog.mysqlsink.filter.TableName;
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

class DrainerConfigLoaderTest {
  private static final SettingOrigin ENV = new SettingOrigin(SettingOrigin.Kind.ENV, "test");

  /** cmd/drainer/drainer.toml of the original, with its uncommented keys. */
  private static final String ORIGINAL_SAMPLE =
      """
      # drainer Configuration.
      addr = "127.0.0.1:8249"
      detect-interval = 10
      data-dir = "data.drainer"
      pd-urls = "http://127.0.0.1:2379"
      compressor = ""
      initial-commit-ts = -1

      [security]
      ssl-ca = ""
      ssl-cert = ""
      ssl-key = ""

      [syncer]
      ignore-schemas = "INFORMATION_SCHEMA,PERFORMANCE_SCHEMA,mysql"
      txn-batch = 20
      loopback-control = false
      sync-ddl = true
      channel-id = 1
      worker-count = 16
      disable-dispatch = false
      safe-mode = false
      db-type = "mysql"
      ignore-txn-commit-ts = []
      replicate-do-db = ["~^b.*","s1"]

      [syncer.relay]
      log-dir = ""
      max-file-size = 10485760

      [[syncer.replicate-do-table]]
      db-name ="test"
      tbl-name = "log"

      [[syncer.ignore-table]]
      db-name = "test"
      tbl-name = "~^a.*"

      [syncer.to]
      host = "127.0.0.1"
      user = "root"
      password = ""
      encrypted_password = ""
      port = 3306

      [syncer.to.checkpoint]
      schema = "tidb_binlog"
      """;

  @TempDir Path dir;

  private static DrainerConfig of(final Map<String, ?> values) {
    return DrainerConfigLoader.from(Settings.of(values, ENV));
  }

  private static List<String> problemsOf(final Settings settings) {
    final ConfigValidationException e =
        catchThrowableOfType(
            ConfigValidationException.class, () -> DrainerConfigLoader.from(settings));
    assertThat(e).as("a ConfigValidationException").isNotNull();
    assertThat(e.getMessage()).startsWith("drainer configuration has");
    return e.problems();
  }

  private Path write(final String name, final String text) throws IOException {
    final Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  @Test
  void theOriginalSampleLoadsIntoTheDrainerAndBothComponents() throws IOException {
    final Path file = write("drainer.toml", ORIGINAL_SAMPLE);
    final Settings settings = Settings.load(List.of("--config=" + file), Map.of(), "DRAINER_");

    final DrainerConfig c = DrainerConfigLoader.from(settings);

    assertThat(c.addr()).isEqualTo(new HostPort("127.0.0.1", 8249));
    assertThat(c.advertiseAddr()).as("defaults to addr").isEqualTo(c.addr());
    assertThat(c.nodeId()).isEmpty();
    assertThat(c.dataDir()).isEqualTo(Path.of("data.drainer"));
    assertThat(c.registryRoot()).isEqualTo("/tidb-binlog");
    assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.initialCommitTs()).isEqualTo(DrainerConfig.INITIAL_COMMIT_TS_NOW);
    assertThat(c.pdUrls()).containsExactly(URI.create("http://127.0.0.1:2379"));
    assertThat(c.tsoUrls()).isEqualTo(c.pdUrls());
    assertThat(c.clusterId()).as("asked from PD").isZero();

    assertThat(c.ordering().stateDir())
        .as("under data-dir")
        .isEqualTo(Path.of("data.drainer", "ordering-stream"));
    assertThat(c.ordering().pdUrls()).isEqualTo(c.pdUrls());

    final MysqlSinkConfig sink = c.sink();
    assertThat(sink.mode()).isEqualTo(MysqlSinkConfig.Mode.TRANSACTIONAL);
    assertThat(sink.tsoUrls()).isEqualTo(c.pdUrls());
    assertThat(sink.checkpointSchema()).isEqualTo("tidb_binlog");
    assertThat(sink.syncer().workerCount()).isEqualTo(16);
    assertThat(sink.syncer().txnBatch()).isEqualTo(20);
    assertThat(sink.syncer().safeMode()).isFalse();
    assertThat(sink.syncer().ignoreSchemas())
        .containsExactly("INFORMATION_SCHEMA", "PERFORMANCE_SCHEMA", "mysql");
    assertThat(sink.syncer().replicateDoDb()).containsExactly("~^b.*", "s1");
    assertThat(sink.syncer().replicateDoTables()).containsExactly(new TableName("test", "log"));
    assertThat(sink.syncer().ignoreTables()).containsExactly(new TableName("test", "~^a.*"));
    assertThat(sink.downstream())
        .isEqualTo(new MysqlSinkConfig.Downstream("127.0.0.1", 3306, "root", ""));

    assertThat(DrainerConfigLoader.warnings(settings))
        .anySatisfy(w -> assertThat(w).contains("detect-interval").contains("control topic"))
        .anySatisfy(w -> assertThat(w).contains("disable-dispatch"))
        .anySatisfy(w -> assertThat(w).contains("[syncer.relay]").contains("checkpoint"))
        .anySatisfy(w -> assertThat(w).contains("channel-id"));
  }

  @Test
  void defaultsAreTheOriginalDrainers() {
    final DrainerConfig c = of(Map.of());
    assertThat(c.addr()).isEqualTo(new HostPort("127.0.0.1", 8249));
    assertThat(c.dataDir()).isEqualTo(Path.of("data.drainer"));
    assertThat(c.livenessTtl()).isEqualTo(Duration.ofSeconds(6));
    assertThat(c.initialCommitTs()).isEqualTo(-1);
    assertThat(c.sink().initialCommitTs()).as("replaced by PD's TSO at start").isZero();
    assertThat(c.sink().downstream().port()).isEqualTo(3306);
    assertThat(c.closeTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void sharedKeysReachBothComponentsAndOwnKeysOnlyTheirs() {
    final DrainerConfig c =
        of(
            Map.of(
                "cluster-id", "42",
                "kafka.bootstrap-servers", List.of("k1:9092"),
                "kafka.topic-prefix", "tut",
                "schema-registry.url", "http://sr:8081",
                "rows-partitions", "2",
                "checkpoint-schema", "ck_drainer",
                "state-dir", "/var/lib/stream",
                "initial-commit-ts", "400000000000000000",
                "advertise-addr", "drainer-1:8249",
                "node-id", "drainer-1"));

    assertThat(c.clusterId()).isEqualTo(42);
    assertThat(c.sink().clusterId()).isEqualTo(42);
    assertThat(c.ordering().kafka().topicPrefix()).isEqualTo("tut");
    assertThat(c.sink().kafka().topicPrefix()).isEqualTo("tut");
    assertThat(c.ordering().kafka().bootstrapServers()).containsExactly("k1:9092");
    assertThat(c.sink().kafka().bootstrapServers()).containsExactly("k1:9092");
    assertThat(c.ordering().schemas().registryUrl()).isEqualTo(URI.create("http://sr:8081"));
    assertThat(c.sink().schemaRegistryUrl()).isEqualTo(URI.create("http://sr:8081"));
    assertThat(c.ordering().rowsPartitions()).isEqualTo(2);
    assertThat(c.sink().checkpointSchema()).isEqualTo("ck_drainer");
    assertThat(c.ordering().stateDir())
        .as("set: not derived")
        .isEqualTo(Path.of("/var/lib/stream"));
    assertThat(c.initialCommitTs()).isEqualTo(400000000000000000L);
    assertThat(c.sink().initialCommitTs()).isEqualTo(400000000000000000L);
    assertThat(c.advertiseAddr()).isEqualTo(new HostPort("drainer-1", 8249));
    assertThat(c.nodeId()).isEqualTo(Optional.of("drainer-1"));
  }

  @Test
  void aDbTypeTheDrainerDoesNotServeIsAnErrorNamingTheKey() {
    assertThat(problemsOf(Settings.of(Map.of("syncer.db-type", "kafka"), ENV)))
        .singleElement()
        .satisfies(
            p ->
                assertThat(p)
                    .startsWith("syncer.db-type (environment variable test)")
                    .contains("kafka-sink"));
    assertThat(problemsOf(Settings.of(Map.of("syncer.db-type", "file"), ENV)))
        .singleElement()
        .satisfies(p -> assertThat(p).startsWith("syncer.db-type").contains("not available"));
    assertThat(problemsOf(Settings.of(Map.of("syncer.db-type", "oracle"), ENV)))
        .singleElement()
        .satisfies(
            p ->
                assertThat(p)
                    .startsWith("syncer.db-type")
                    .contains("MySQL-protocol")
                    .contains("kafka-sink"));
    assertThat(of(Map.of("syncer.db-type", "TiDB")).sink()).isNotNull();
  }

  @Test
  void everyProblemOfTheDrainerAndItsComponentsAtOnce() {
    final List<String> problems =
        problemsOf(
            Settings.of(
                    Map.ofEntries(
                        Map.entry("addr", "nowhere"),
                        Map.entry("initial-commit-ts", "-2"),
                        Map.entry("rows-partitions", "0"),
                        Map.entry("syncer.worker-count", "0"),
                        Map.entry("kafka.bootstrap-servers", List.of("no-port")),
                        Map.entry("status-addr", "127.0.0.1:9000"),
                        Map.entry("syncer.loopback-control", "true"),
                        Map.entry("syncer.sync-ddl", "false"),
                        Map.entry("syncer.to.encrypted_password", "xyz"),
                        Map.entry("security.ssl-ca", "/ca.pem"),
                        Map.entry("syncer.worker-cnt", "4"),
                        Map.entry("bogus", "1")),
                    ENV)
                .overriddenBy(
                    Settings.of(
                        Map.of("syncer.to.password", "hunter2"),
                        new SettingOrigin(SettingOrigin.Kind.FLAG, "--syncer.to.password=***"))));

    assertThat(problems)
        .anySatisfy(p -> assertThat(p).startsWith("addr (environment variable test)"))
        .anySatisfy(p -> assertThat(p).startsWith("initial-commit-ts"))
        .anySatisfy(p -> assertThat(p).startsWith("rows-partitions"))
        .anySatisfy(p -> assertThat(p).startsWith("syncer.worker-count"))
        .anySatisfy(p -> assertThat(p).startsWith("status-addr").contains("addr"))
        .anySatisfy(p -> assertThat(p).startsWith("syncer.loopback-control"))
        .anySatisfy(p -> assertThat(p).startsWith("syncer.sync-ddl"))
        .anySatisfy(p -> assertThat(p).startsWith("syncer.to.encrypted_password"))
        .anySatisfy(p -> assertThat(p).startsWith("security.ssl-ca").contains("TLS"))
        .anySatisfy(p -> assertThat(p).startsWith("syncer.worker-cnt").contains("unknown key"))
        .anySatisfy(p -> assertThat(p).startsWith("bogus").contains("unknown key"))
        .anySatisfy(p -> assertThat(p).startsWith("syncer.to.password (flag").contains("visible"));
    assertThat(problems.stream().filter(p -> p.startsWith("kafka.bootstrap-servers")))
        .as("a shared key's problem once, not once per component")
        .hasSize(1);
    assertThat(String.join("\n", problems)).doesNotContain("hunter2");
  }

  @Test
  void environmentOfBothPrefixesAndFlagsOverrideTheFile() throws IOException {
    final Path file =
        write("d.toml", "cluster-id = 1\n[syncer]\nworker-count = 2\ntxn-batch = 3\n");
    final DrainerConfig c =
        DrainerConfigLoader.load(
            List.of("--config=" + file, "--syncer.txn-batch=9", "--data-dir=" + dir),
            Map.of(
                "BINLOG_SERVER_SYNCER__WORKER_COUNT", "4",
                "BINLOG_SERVER_SYNCER__SAFE_MODE", "true",
                "DRAINER_SYNCER__WORKER_COUNT", "5",
                "DRAINER_SYNCER__TO__PASSWORD", "s3cret"));

    assertThat(c.sink().syncer().workerCount()).as("DRAINER_ over BINLOG_SERVER_").isEqualTo(5);
    assertThat(c.sink().syncer().safeMode()).as("the original's prefix").isTrue();
    assertThat(c.sink().syncer().txnBatch()).as("flag").isEqualTo(9);
    assertThat(c.sink().downstream().password()).isEqualTo("s3cret");
    assertThat(c.ordering().stateDir()).isEqualTo(dir.resolve("ordering-stream"));
    assertThat(c.toString()).doesNotContain("s3cret");
  }

  @Test
  void theComposeExampleParses() throws IOException {
    final Path file = composeDir().resolve("drainer.toml");
    final Path secret = write("root-password", "root\n");
    final List<String> args = List.of("--config=" + file, "--syncer.to.password-file=" + secret);

    final DrainerConfig c = DrainerConfigLoader.load(args, Map.of());

    assertThat(c.addr()).isEqualTo(new HostPort("0.0.0.0", 8249));
    assertThat(c.advertiseAddr().isWildcard()).isFalse();
    assertThat(c.pdUrls()).containsExactly(URI.create("http://etcd:2379"));
    assertThat(c.ordering().kafka().bootstrapServers()).containsExactly("kafka:9092");
    assertThat(c.sink().kafka()).isEqualTo(c.ordering().kafka());
    assertThat(c.sink().downstream())
        .isEqualTo(new MysqlSinkConfig.Downstream("mariadb", 3306, "root", "root"));
    assertThat(c.sink().syncer().workerCount()).isEqualTo(16);
    assertThat(DrainerConfigLoader.warnings(Settings.load(args, Map.of(), "DRAINER_"))).isEmpty();
  }

  /** The repository's compose directory, found upwards from the module directory. */
  private static Path composeDir() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("compose/drainer.toml"))) {
        return d.resolve("compose");
      }
    }
    throw new AssertionError("compose/drainer.toml not found above " + Path.of(""));
  }
}
