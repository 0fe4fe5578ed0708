package io.kafkabinlog.binlogctl;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.binlogctl.offline.DeadPumpOffline;
import io.kafkabinlog.testkit.FreePorts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BinlogctlMainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(final String... args) {
    return BinlogctlMain.run(
        List.of(args),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void shouldPrintTheUsageOnHelpAndExitZero() {
    assertThat(run("-h")).isZero();
    assertThat(out()).startsWith("usage: binlogctl -cmd <command>").contains("offline-pump");
    assertThat(err()).isEmpty();
  }

  @Test
  void shouldPrintTheVersion() {
    assertThat(run("-V")).isZero();
    assertThat(out()).startsWith("binlogctl ");
  }

  @Test
  void shouldExitTwoOnAUsageErrorSayingNotSupportedForAnUnknownCommand() {
    assertThat(run("-cmd", "delete-pump")).isEqualTo(2);
    assertThat(err()).startsWith("binlogctl: cmd delete-pump not supported");
    assertThat(out()).isEmpty();

    err.reset();
    assertThat(run("-cmd", "pause-pump")).isEqualTo(2);
    assertThat(err()).contains("-node-id is required");
  }

  @Test
  void shouldExitOneNamingTheEndpointWhenTheCommandFails(@TempDir final Path dir) {
    final String tso = "http://127.0.0.1:" + FreePorts.next();

    final int code =
        run("-cmd=generate_meta", "-tso-urls=" + tso, "-data-dir=" + dir.resolve("meta"));

    assertThat(code).isEqualTo(1);
    assertThat(err()).startsWith("binlogctl: generate_meta failed: ").contains(tso);
    assertThat(Files.exists(dir.resolve("meta").resolve("savepoint"))).isFalse();
  }

  @Test
  void shouldDescribeWhatOfflinePumpWroteOnItsBehalf() {
    assertThat(Binlogctl.describe(new DeadPumpOffline.Left("pump-1", 2, 4000, 17, 99)))
        .isEqualTo(
            "[\"offline pump on its behalf\"] [NodeID=pump-1] [partition=2] [L=4000]"
                + " [rawOffset=17] [controlOffset=99] [state=offline]");
    assertThat(Binlogctl.describe(new DeadPumpOffline.NeverJoined("pump-2")))
        .isEqualTo(
            "[\"offline pump on its behalf\"] [NodeID=pump-2] [partition=none] [state=offline]");
  }
}
