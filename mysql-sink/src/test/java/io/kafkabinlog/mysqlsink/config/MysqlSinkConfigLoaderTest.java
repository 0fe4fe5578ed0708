package io.kafkabinlog.mysqlsink.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.kafkabinlog.common.config.ConfigValidationException;
import io.kafkabinlog.common.config.SettingOrigin;
import io.kafkabinlog.common.config.Settings;
import io.kafkabinlog.common.net.HostPort;
import io.kafkabinlog.mysqlsink.filter.TableName;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MysqlSinkConfigLoaderTest {
  private static final SettingOrigin ENV = new SettingOrigin(SettingOrigin.Kind.ENV, "test");

  @TempDir Path dir;

  private static MysqlSinkConfig of(final Map<String, ?> values) {
    return MysqlSinkConfigLoader.from(Settings.of(values, ENV));
  }

  private static List<String> problemsOf(final Settings settings) {
    final ConfigValidationException e =
        catchThrowableOfType(
            ConfigValidationException.class, () -> MysqlSinkConfigLoader.from(settings));
    assertThat(e).as("a ConfigValidationException").isNotNull();
    return e.problems();
  }

  private Path write(final String name, final String text) throws IOException {
    final Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  @Test
  void defaults() {
    final MysqlSinkConfig c = of(Map.of());
    assertThat(c.clusterId()).as("0: asked from PD at start").isZero();
    assertThat(c.tsoUrls()).containsExactly(URI.create("http://127.0.0.1:2379"));
    assertThat(c.mode()).isEqualTo(MysqlSinkConfig.Mode.TRANSACTIONAL);
    assertThat(c.statusAddr()).isEqualTo(new HostPort("127.0.0.1", 8252));
    assertThat(c.closeTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.kafka().bootstrapServers()).containsExactly("127.0.0.1:9092");
    assertThat(c.kafka().topicPrefix()).isEqualTo("binlog");
    assertThat(c.schemaRegistryUrl()).isEqualTo(URI.create("http://127.0.0.1:8081"));
    assertThat(c.initialCommitTs()).isZero();
    assertThat(c.checkpointSchema()).isEqualTo("tidb_binlog");
    assertThat(c.syncer())
        .isEqualTo(
            new MysqlSinkConfig.Syncer(
                16,
                20,
                false,
                List.of("INFORMATION_SCHEMA", "PERFORMANCE_SCHEMA", "mysql"),
                List.of(),
                List.of(),
                List.of(),
                java.util.Set.of()));
    assertThat(c.downstream())
        .isEqualTo(new MysqlSinkConfig.Downstream("127.0.0.1", 3306, "root", ""));
  }

  @Test
  void readsAnOriginalDrainerSyncerSectionWithTablesOfPairs() throws IOException {
    final Path file =
        write(
            "drainer.toml",
            """
            addr = "127.0.0.1:9999"
            log-level = "info"
            pd-urls = "http://pd1:2379,http://pd2:2379"
            cluster-id = 42
            initial-commit-ts = 400000000000000000
            [syncer]
            db-type = "mysql"
            worker-count = 4
            txn-batch = 50
            safe-mode = true
            ignore-schemas = "INFORMATION_SCHEMA, mysql"
            replicate-do-db = ["shop", "~^bank"]
            ignore-txn-commit-ts = [11, 12]
            [[syncer.replicate-do-table]]
            db-name = "app"
            tbl-name = "orders"
            [[syncer.ignore-table]]
            db-name = "shop"
            tbl-name = "~^tmp_"
            [[syncer.ignore-table]]
            db-name = "shop"
            tbl-name = "audit"
            [syncer.to]
            host = "db.example"
            port = 3307
            user = "sink"
            password = "from-file-layer"
            [syncer.to.checkpoint]
            schema = "my_ckpt"
            """);
    final Settings settings = Settings.load(List.of("--config=" + file), Map.of(), "MYSQL_SINK_");
    final MysqlSinkConfig c = MysqlSinkConfigLoader.from(settings);

    assertThat(c.statusAddr()).isEqualTo(new HostPort("127.0.0.1", 9999));
    assertThat(c.clusterId()).isEqualTo(42);
    assertThat(c.tsoUrls())
        .as("tso-urls defaults to pd-urls")
        .containsExactly(URI.create("http://pd1:2379"), URI.create("http://pd2:2379"));
    assertThat(c.initialCommitTs()).isEqualTo(400000000000000000L);
    assertThat(c.checkpointSchema()).isEqualTo("my_ckpt");
    final MysqlSinkConfig.Syncer s = c.syncer();
    assertThat(s.workerCount()).isEqualTo(4);
    assertThat(s.txnBatch()).isEqualTo(50);
    assertThat(s.safeMode()).isTrue();
    assertThat(s.ignoreSchemas()).containsExactly("INFORMATION_SCHEMA", "mysql");
    assertThat(s.replicateDoDb()).containsExactly("shop", "~^bank");
    assertThat(s.replicateDoTables()).containsExactly(new TableName("app", "orders"));
    assertThat(s.ignoreTables())
        .containsExactly(new TableName("shop", "~^tmp_"), new TableName("shop", "audit"));
    assertThat(s.ignoreTxnCommitTs()).containsExactlyInAnyOrder(11L, 12L);
    assertThat(c.downstream())
        .isEqualTo(new MysqlSinkConfig.Downstream("db.example", 3307, "sink", "from-file-layer"));
    assertThat(MysqlSinkConfigLoader.warnings(settings))
        .singleElement()
        .satisfies(w -> assertThat(w).contains("log-level"));
  }

  @Test
  void environmentAndFlagsOverrideTheFileAndNumberedPairsWork() throws IOException {
    final Path file = write("s.toml", "cluster-id = 1\n[syncer]\nworker-count = 2\n");
    final MysqlSinkConfig c =
        MysqlSinkConfigLoader.load(
            List.of(
                "--config=" + file,
                "--syncer.worker-count=8",
                "--syncer.ignore-table.0.db-name=a",
                "--syncer.ignore-table.0.tbl-name=b"),
            Map.of(
                "MYSQL_SINK_SYNCER__WORKER_COUNT", "3",
                "MYSQL_SINK_SYNCER__TXN_BATCH", "5",
                "MYSQL_SINK_SYNCER__TO__PASSWORD", "s3cret"));
    assertThat(c.syncer().workerCount()).isEqualTo(8);
    assertThat(c.syncer().txnBatch()).isEqualTo(5);
    assertThat(c.syncer().ignoreTables()).containsExactly(new TableName("a", "b"));
    assertThat(c.downstream().password()).isEqualTo("s3cret");
    assertThat(c.downstream().toString()).doesNotContain("s3cret").contains("[hidden]");
    assertThat(c.toString()).doesNotContain("s3cret");
  }

  @Test
  void tsoUrlsOverridePdUrls() {
    final MysqlSinkConfig c =
        of(Map.of("pd-urls", "http://pd:2379", "tso-urls", List.of("http://tso:2379")));
    assertThat(c.tsoUrls()).containsExactly(URI.create("http://tso:2379"));
    assertThat(c.withClusterId(9).clusterId()).isEqualTo(9);
    assertThat(c.withClusterId(9).withClusterId(0)).isEqualTo(c);
  }

  @Test
  void withInitialCommitTsChangesOnlyThat() {
    final MysqlSinkConfig c = of(Map.of("cluster-id", "7", "syncer.worker-count", "3"));
    final MysqlSinkConfig moved = c.withInitialCommitTs(123);
    assertThat(moved.initialCommitTs()).isEqualTo(123);
    assertThat(moved.withInitialCommitTs(c.initialCommitTs())).isEqualTo(c);
  }

  @Test
  void acceptsSaysWhichKeysTheSinkTakes() {
    assertThat(MysqlSinkConfigLoader.accepts("syncer.worker-count")).isTrue();
    assertThat(MysqlSinkConfigLoader.accepts("syncer.to.checkpoint.schema"))
        .as("the drainer's name for checkpoint-schema")
        .isTrue();
    assertThat(MysqlSinkConfigLoader.accepts("syncer.ignore-table.0.db-name")).isTrue();
    assertThat(MysqlSinkConfigLoader.accepts("rows-partitions")).isFalse();
    assertThat(MysqlSinkConfigLoader.accepts("syncer.worker-counts")).isFalse();
  }

  @Test
  void passwordFileLosesOnlyItsTrailingNewline() throws IOException {
    final Path secret = write("pw", " pa ss\n");
    final MysqlSinkConfig c =
        of(Map.of("cluster-id", "1", "syncer.to.password-file", secret.toString()));
    assertThat(c.downstream().password()).isEqualTo(" pa ss");
  }

  @Test
  void reportsEveryProblemAtOnceWithoutShowingThePassword() {
    final Settings settings =
        Settings.of(
                Map.of(
                    "cluster-id", "-1",
                    "tso-urls", List.of("pd:2379"),
                    "mode", "sideways",
                    "syncer.worker-count", "0",
                    "syncer.ignore-txn-commit-ts", List.of("12", "x"),
                    "syncer.ignore-table.0.db-name", "a",
                    "syncer.ignore-table.0.colour", "red",
                    "syncer.to.password-file", dir.resolve("missing").toString(),
                    "status-addr", "nope",
                    "bogus", "1"),
                ENV)
            .overriddenBy(
                Settings.of(
                    Map.of("syncer.to.password", "hunter2"),
                    new SettingOrigin(SettingOrigin.Kind.FLAG, "--syncer.to.password=***")));
    final List<String> problems = problemsOf(settings);
    assertThat(problems)
        .anySatisfy(p -> assertThat(p).startsWith("cluster-id"))
        .anySatisfy(p -> assertThat(p).startsWith("tso-urls").contains("http://host:port"))
        .anySatisfy(p -> assertThat(p).startsWith("mode"))
        .anySatisfy(p -> assertThat(p).startsWith("syncer.worker-count"))
        .anySatisfy(p -> assertThat(p).startsWith("syncer.ignore-txn-commit-ts").contains("'x'"))
        .anySatisfy(p -> assertThat(p).startsWith("syncer.ignore-table.0.tbl-name"))
        .anySatisfy(p -> assertThat(p).startsWith("syncer.ignore-table.0.colour"))
        .anySatisfy(p -> assertThat(p).startsWith("syncer.to.password-file").contains("missing"))
        .anySatisfy(p -> assertThat(p).startsWith("syncer.to.password (flag").contains("visible"))
        .anySatisfy(p -> assertThat(p).startsWith("status-addr"))
        .anySatisfy(p -> assertThat(p).startsWith("bogus").contains("unknown key"));
    assertThat(String.join("\n", problems)).doesNotContain("hunter2");
  }

  @Test
  void theComposeExampleParses() throws IOException {
    final Path file = composeDir().resolve("mysql-sink.toml");
    final Path secret = write("root-password", "root\n");
    final List<String> args = List.of("--config=" + file, "--syncer.to.password-file=" + secret);
    final MysqlSinkConfig c = MysqlSinkConfigLoader.load(args, Map.of());
    assertThat(c.mode()).isEqualTo(MysqlSinkConfig.Mode.TRANSACTIONAL);
    assertThat(c.clusterId()).as("asked from PD").isZero();
    assertThat(c.tsoUrls()).containsExactly(URI.create("http://etcd:2379"));
    assertThat(c.statusAddr()).isEqualTo(new HostPort("0.0.0.0", 8252));
    assertThat(c.kafka().bootstrapServers()).containsExactly("kafka:9092");
    assertThat(c.schemaRegistryUrl()).isEqualTo(URI.create("http://schema-registry:8081"));
    assertThat(c.syncer().workerCount()).isEqualTo(16);
    assertThat(c.syncer().txnBatch()).isEqualTo(20);
    assertThat(c.downstream())
        .isEqualTo(new MysqlSinkConfig.Downstream("mariadb", 3306, "root", "root"));
    assertThat(MysqlSinkConfigLoader.warnings(Settings.load(args, Map.of(), "MYSQL_SINK_")))
        .isEmpty();
  }

  /** The repository's compose directory, found upwards from the module directory. */
  private static Path composeDir() {
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("compose/mysql-sink.toml"))) {
        return d.resolve("compose");
      }
    }
    throw new AssertionError("compose/mysql-sink.toml not found above " + Path.of(""));
  }
}
