package io.kafkabinlog.tidbsim.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kafkabinlog.common.config.ConfigValidationException;
import io.kafkabinlog.common.config.Settings;
import io.kafkabinlog.common.net.HostPort;
import io.kafkabinlog.tidbsim.pumpclient.SelectionStrategy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TidbSimCliTest {

  private static Settings flags(final String... args) {
    return Settings.load(List.of(args), Map.of(), TidbSimCli.ENV_PREFIX);
  }

  @Test
  void verifyReadsThePasswordFromTheDocumentedEnvironmentVariable() {
    VerifyConfig c =
        VerifyConfig.from(
            Settings.load(
                List.of("--mysql.port=3307"),
                Map.of("TIDB_SIM_MYSQL__PASSWORD", "from-env"),
                TidbSimCli.ENV_PREFIX));
    assertThat(c.password()).isEqualTo("from-env");
  }

  @Test
  void runSettingsAreTypedWithTidbBinlogKeys() {
    RunConfig c =
        RunConfig.from(
            flags(
                "--workload=bank",
                "--threads=8",
                "--txns=500",
                "--size=64MiB",
                "--duration=30s",
                "--binlog.strategy=hash",
                "--binlog.write-timeout=2s",
                "--binlog.registry-root=/it/run-1",
                "--tso-urls=http://127.0.0.1:1,http://127.0.0.1:2"));
    assertThat(c.workload()).isEqualTo("bank");
    assertThat(c.options().threads()).isEqualTo(8);
    assertThat(c.options().transactions()).isEqualTo(500);
    assertThat(c.options().largeBytes()).isEqualTo(64L << 20);
    assertThat(c.options().duration()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.binlog().strategy()).isEqualTo(SelectionStrategy.HASH);
    assertThat(c.binlog().writeTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.binlog().registryKeys().root()).isEqualTo("/it/run-1");
    assertThat(c.tsoUrls()).hasSize(2);
    assertThat(c.statusAddr()).isNull();
    assertThat(RunConfig.from(flags("--workload=bank")).binlog().registryKeys().root())
        .isEqualTo("/tidb-binlog");
  }

  @Test
  void everyBadRunSettingIsReportedAtOnce() {
    assertThatThrownBy(
            () ->
                RunConfig.from(
                    flags(
                        "--workload=nope",
                        "--threads=0",
                        "--size=12 parsecs",
                        "--status-addr=nohost",
                        "--binlog.registry-root=no-slash/",
                        "--tso-urls=ftp://x")))
        .isInstanceOf(ConfigValidationException.class)
        .hasMessageContaining("workload")
        .hasMessageContaining("threads")
        .hasMessageContaining("size")
        .hasMessageContaining("status-addr")
        .hasMessageContaining("binlog.registry-root")
        .hasMessageContaining("tso-urls");
  }

  @Test
  void workloadIsRequired() {
    assertThatThrownBy(() -> RunConfig.from(flags()))
        .isInstanceOf(ConfigValidationException.class)
        .hasMessageContaining("workload")
        .hasMessageContaining("required");
  }

  @Test
  void verifyRefusesAPasswordOnTheCommandLineButReadsAFile(@TempDir final Path dir)
      throws Exception {
    assertThatThrownBy(() -> VerifyConfig.from(flags("--mysql.password=secret")))
        .isInstanceOf(ConfigValidationException.class)
        .hasMessageContaining("mysql.password-file");
    Path file = dir.resolve("pw");
    Files.writeString(file, "s3cret\n");
    VerifyConfig c = VerifyConfig.from(flags("--mysql.password-file=" + file, "--mysql.port=3307"));
    assertThat(c.password()).isEqualTo("s3cret");
    assertThat(c.port()).isEqualTo(3307);
  }

  @Test
  void byteSizesAndAddresses() {
    assertThat(ByteSizes.parse("size", "1GiB")).isEqualTo(1L << 30);
    assertThat(ByteSizes.parse("size", "100MiB")).isEqualTo(100L << 20);
    assertThat(ByteSizes.parse("size", "64KB")).isEqualTo(64_000);
    assertThat(ByteSizes.parse("size", "4096")).isEqualTo(4096);
    assertThat(HostPort.parse("addr", "127.0.0.1:0")).isEqualTo(new HostPort("127.0.0.1", 0));
    assertThatThrownBy(() -> HostPort.parse("addr", "127.0.0.1")).hasMessageContaining("host:port");
  }

  @Test
  void usageAndExitCodes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    TidbSimCli cli =
        new TidbSimCli(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of());
    assertThat(cli.run(new String[] {"--help"})).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("tso", "run", "verify");
    assertThat(cli.run(new String[] {"frobnicate"})).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown command 'frobnicate'");
    assertThat(cli.run(new String[] {"run", "--workload=bank", "--bogus=1"})).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("bogus", "unknown key");
  }
}
