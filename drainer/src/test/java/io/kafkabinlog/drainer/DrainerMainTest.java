package io.kafkabinlog.drainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DrainerMainTest {
  @Test
  void helpExitsZero() {
    assertThat(DrainerMain.run(List.of("--help"), Map.of())).isZero();
  }

  @Test
  void anInvalidConfigurationExitsTwoBeforeConnectingAnywhere() {
    assertThat(DrainerMain.run(List.of("--syncer.db-type=kafka"), Map.of())).isEqualTo(2);
    assertThat(DrainerMain.run(List.of("--rows-partitions=0"), Map.of())).isEqualTo(2);
    assertThat(DrainerMain.run(List.of("--config=/nonexistent/drainer.toml"), Map.of()))
        .isEqualTo(2);
    assertThat(DrainerMain.run(List.of("not-a-flag"), Map.of())).isEqualTo(2);
  }
}
