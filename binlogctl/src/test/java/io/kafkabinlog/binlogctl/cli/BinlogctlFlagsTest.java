package io.kafkabinlog.binlogctl.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.common.registry.NodeState;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BinlogctlFlagsTest {

  private static BinlogctlOptions options(final String... args) throws UsageException {
    final BinlogctlFlags.Request request = BinlogctlFlags.parse(List.of(args));
    assertThat(request).isInstanceOf(BinlogctlFlags.Run.class);
    return ((BinlogctlFlags.Run) request).options();
  }

  private static String usageError(final String... args) {
    try {
      BinlogctlFlags.parse(List.of(args));
    } catch (UsageException e) {
      return e.getMessage();
    }
    throw new AssertionError("no usage error for " + List.of(args));
  }

  @Test
  void shouldDefaultToListingPumpsOnTheOriginalsDefaults() throws Exception {
    final BinlogctlOptions o = options();

    assertThat(o.command()).isEqualTo(Command.PUMPS);
    assertThat(o.pdUrls()).containsExactly(URI.create("http://127.0.0.1:2379"));
    assertThat(o.tsoUrls()).isEqualTo(o.pdUrls());
    assertThat(o.showOfflineNodes()).isFalse();
    assertThat(o.dataDir()).isEqualTo(Path.of("binlog_position"));
    assertThat(o.registryRoot()).isEqualTo("/tidb-binlog");
    assertThat(o.clusterId()).isZero();
    assertThat(o.kafka().bootstrapServers()).containsExactly("127.0.0.1:9092");
    assertThat(o.kafka().topicPrefix()).isEqualTo("binlog");
    assertThat(o.quietWindow()).isEqualTo(Duration.ofSeconds(1));
    assertThat(o.nodeId()).isEmpty();
    assertThat(o.state()).isEmpty();
    assertThat(o.timeZone()).isEmpty();
  }

  @Test
  void shouldReadTheOriginalsSingleDashFormsAndDoubleDashForms() throws Exception {
    final BinlogctlOptions single =
        options(
            "-cmd",
            "update-drainer",
            "-node-id",
            "drainer-1:8249",
            "-state",
            "paused",
            "-pd-urls",
            "http://a:2379,http://b:2379");
    final BinlogctlOptions dashed =
        options(
            "--cmd=update-drainer",
            "--node-id=drainer-1:8249",
            "--state=paused",
            "--pd-urls=http://a:2379,http://b:2379");

    assertThat(dashed).isEqualTo(single);
    assertThat(single.command()).isEqualTo(Command.UPDATE_DRAINER);
    assertThat(single.nodeId()).isEqualTo("drainer-1:8249");
    assertThat(single.state()).contains(NodeState.PAUSED);
    assertThat(single.pdUrls())
        .containsExactly(URI.create("http://a:2379"), URI.create("http://b:2379"));
  }

  @Test
  void shouldTreatABooleanFlagAloneAsTrueAndAcceptGoBooleans() throws Exception {
    assertThat(options("-cmd", "drainers", "-show-offline-nodes").showOfflineNodes()).isTrue();
    assertThat(options("-show-offline-nodes=false").showOfflineNodes()).isFalse();
    assertThat(options("--show-offline-nodes=1").showOfflineNodes()).isTrue();
    // Like Go: a bool flag never takes the next argument, which here ends the flags.
    assertThat(usageError("-show-offline-nodes", "true")).isEqualTo("'true' is an invalid flag");
    assertThat(usageError("-show-offline-nodes=yes"))
        .isEqualTo("invalid boolean value \"yes\" for -show-offline-nodes: parse error");
  }

  @Test
  void shouldLetTheLastOccurrenceWinAndStopAtDoubleDash() throws Exception {
    assertThat(options("-cmd", "pumps", "-cmd=drainers").command()).isEqualTo(Command.DRAINERS);
    assertThat(usageError("-cmd", "pumps", "--", "-node-id", "x")).contains("'-node-id'");
  }

  @Test
  void shouldReadOurOwnFlags() throws Exception {
    final BinlogctlOptions o =
        options(
            "-cmd=offline-pump",
            "-node-id=p1",
            "-registry-root=/it/test/tidb-binlog",
            "-cluster-id=18446744073709551615",
            "-tso-urls=http://127.0.0.1:2479",
            "-kafka.bootstrap-servers=k1:9092,k2:9092",
            "-kafka.topic-prefix=it.x",
            "-kafka.client.security.protocol=SASL_SSL",
            "--kafka.client.sasl.mechanism=PLAIN",
            "-quiet-window=500ms");

    assertThat(o.command()).isEqualTo(Command.OFFLINE_PUMP);
    assertThat(o.registryRoot()).isEqualTo("/it/test/tidb-binlog");
    assertThat(o.clusterId()).isEqualTo(-1L);
    assertThat(o.tsoUrls()).containsExactly(URI.create("http://127.0.0.1:2479"));
    assertThat(o.pdUrls()).containsExactly(URI.create("http://127.0.0.1:2379"));
    assertThat(o.kafka().bootstrapServers()).containsExactly("k1:9092", "k2:9092");
    assertThat(o.kafka().topicPrefix()).isEqualTo("it.x");
    assertThat(o.kafka().clientProperties())
        .isEqualTo(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN"));
    assertThat(o.quietWindow()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void shouldReadTheTimeZoneOfGenerateMeta() throws Exception {
    assertThat(options("-cmd=generate_meta", "-time-zone=Asia/Shanghai").timeZone())
        .contains(ZoneId.of("Asia/Shanghai"));
    assertThat(options("-cmd=generate_meta", "-time-zone", "Local").timeZone())
        .contains(ZoneId.systemDefault());
    assertThat(usageError("-cmd=generate_meta", "-time-zone=Mars/Olympus"))
        .startsWith("-time-zone: unknown time zone Mars/Olympus");
  }

  @Test
  void shouldAnswerHelpAndVersion() throws Exception {
    assertThat(BinlogctlFlags.parse(List.of("-h"))).isInstanceOf(BinlogctlFlags.Help.class);
    assertThat(BinlogctlFlags.parse(List.of("--help"))).isInstanceOf(BinlogctlFlags.Help.class);
    assertThat(BinlogctlFlags.parse(List.of("-cmd", "pumps", "-V")))
        .isInstanceOf(BinlogctlFlags.Version.class);
  }

  @Test
  void shouldRefuseWhatTheOriginalRefusesWithItsMessages() {
    assertThat(usageError("-cmd", "delete-pump")).isEqualTo("cmd delete-pump not supported");
    assertThat(usageError("-nodeid", "x")).isEqualTo("flag provided but not defined: -nodeid");
    assertThat(usageError("-node-id")).isEqualTo("flag needs an argument: -node-id");
    assertThat(usageError("pumps")).isEqualTo("'pumps' is an invalid flag");
    assertThat(usageError("-cmd=update-pump", "-node-id=p1", "-state=sleeping"))
        .startsWith("state sleeping is illegal");
  }

  @Test
  void shouldRefuseCommandsMissingTheirNodeOrState() {
    for (final String cmd :
        List.of(
            "update-pump",
            "update-drainer",
            "pause-pump",
            "pause-drainer",
            "offline-pump",
            "offline-drainer")) {
      assertThat(usageError("-cmd", cmd)).isEqualTo("-node-id is required for -cmd " + cmd);
    }
    assertThat(usageError("-cmd=update-pump", "-node-id=p1"))
        .startsWith("-state is required for -cmd update-pump");
  }

  @Test
  void shouldRefuseEncryptAndTlsAsNotSupported() {
    assertThat(usageError("-cmd=encrypt", "-text=secret")).startsWith("cmd encrypt not supported");
    assertThat(usageError("-ssl-ca=/etc/ca.pem")).contains("TLS").contains("not supported");
  }

  @Test
  void shouldRefuseMalformedValuesNamingTheFlag() {
    assertThat(usageError("-pd-urls=127.0.0.1:2379")).startsWith("-pd-urls: '127.0.0.1:2379'");
    assertThat(usageError("-tso-urls=ftp://x:1")).startsWith("-tso-urls: 'ftp://x:1'");
    assertThat(usageError("-cluster-id=-3")).startsWith("-cluster-id:");
    assertThat(usageError("-registry-root=tidb-binlog")).startsWith("-registry-root:");
    assertThat(usageError("-kafka.bootstrap-servers=kafka")).contains("'kafka' is not host:port");
    assertThat(usageError("-kafka.topic-prefix=Bad_Prefix")).startsWith("-kafka.topic-prefix:");
    assertThat(usageError("-quiet-window=soon")).startsWith("-quiet-window:");
    assertThat(usageError("-quiet-window=0s")).startsWith("-quiet-window must be positive");
    assertThat(usageError("-kafka.client."))
        .isEqualTo("flag provided but not defined: -kafka.client.");
  }
}
