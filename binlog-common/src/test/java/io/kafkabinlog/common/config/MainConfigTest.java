package io.kafkabinlog.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.kafkabinlog.common.error.ErrorCode;
import io.kafkabinlog.common.error.FatalBinlogException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MainConfigTest {
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);

  private String printed() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aValidConfigIsReturnedAndNothingPrinted() {
    assertThat(MainConfig.load("pump", () -> "config", errStream)).contains("config");
    assertThat(printed()).isEmpty();
  }

  @Test
  void everyProblemIsPrintedAsItIs() {
    assertThat(
            MainConfig.load(
                "pump",
                () -> {
                  throw new ConfigValidationException("pump", List.of("addr: bad", "gc: bad"));
                },
                errStream))
        .isEmpty();
    assertThat(printed()).startsWith("pump configuration has 2 problems:").contains("gc: bad");
  }

  @Test
  void anotherBinlogExceptionIsPrintedWithTheComponent() {
    assertThat(
            MainConfig.load(
                "drainer",
                () -> {
                  throw new FatalBinlogException(ErrorCode.CONFIG_INVALID, "cannot read x.toml");
                },
                errStream))
        .isEmpty();
    assertThat(printed()).startsWith("drainer: cannot read x.toml");
  }
}
