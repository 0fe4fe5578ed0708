package io.kafkabinlog.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchMainTest {
  @Test
  void shouldEndEveryReportWithTheRatioLine() {
    final String report = new BenchResult("x", "ops/s", 50, 200, true).report();
    final String[] lines = report.split("\\R");
    assertThat(lines[lines.length - 1]).isEqualTo("x ratio: 0.250");
    assertThat(lines[0]).contains("50.0 ops/s").contains("baseline 200.0 ops/s");
  }

  @Test
  void shouldRejectAZeroBaseline() {
    assertThatThrownBy(() -> new BenchResult("x", "ops/s", 1, 0, true))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldFindBenchmarksByNameAndListThem() {
    final BenchMain main = BenchMain.withAllBenchmarks();
    assertThat(main.find("registry-heartbeat")).isPresent();
    assertThat(main.find("pump")).isPresent();
    assertThat(main.find("mysql-sink")).isPresent();
    assertThat(main.find("nope")).isEmpty();
    assertThat(main.listing()).contains("registry-heartbeat");
    assertThat(new BenchMain(List.of()).listing()).isEqualTo("benchmarks:");
  }
}
